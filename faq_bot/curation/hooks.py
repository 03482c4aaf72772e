"""Connects curation to one app: replies are recorded through a Services hook and failures are
counted in the app's metrics. With FAQ_BOT_CURATION=off nothing is recorded and no database is
opened. (The app factory registers the feedback and admin blueprints and hands Slack's votes to
`Curation.queue_vote`: curation knows no channel.)"""

from __future__ import annotations

from flask import Flask, current_app

from faq_bot.curation import Curation
from faq_bot.services import services

EXTENSION = "faq_bot.curation"


def curation(app: Flask | None = None) -> Curation | None:
    """The Curation of `app` (default: the current app), or None while curation is off."""
    return (app or current_app).extensions.get(EXTENSION)


def _count_failure(app: Flask, reason: str) -> None:
    # Metrics are installed after the blueprints (ops.init_app), so they are looked up late.
    metrics = app.extensions.get("faq_bot.metrics")
    if metrics is not None:
        metrics.curation_failures.labels(reason).inc()


def init_app(app: Flask) -> None:
    """Record the replies of `app`, unless curation is off.

    The migration and purge at start never fail the start.
    """
    settings = services(app).settings
    if not settings.curation:
        return
    cur = Curation(settings, on_failure=lambda reason: _count_failure(app, reason))
    cur.start()
    app.extensions[EXTENSION] = cur
    services(app).question_hooks.append(cur.observe)
