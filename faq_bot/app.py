"""The Flask app factory: settings, the FAQ store, one blueprint per channel, then operations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from faq_bot import ops
from faq_bot.channels import admin, api, errors, feedback, health, openapi, slack, web
from faq_bot.config import Settings
from faq_bot.core.faq.store import FaqStore
from faq_bot.curation import hooks as curation
from faq_bot.services import Services


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the WSGI app. `config` is Settings, or overrides on top of the environment.

    Raises FaqInvalid when the FAQ has problems: the service never starts on a bad FAQ.
    """
    if isinstance(config, Settings):
        settings = config
    else:
        settings = Settings.from_env(**dict(config or {}))
    app = Flask(__name__, static_folder=None)
    # "//x" is not "/x": no redirect built from the Host header for a cache to keep.
    app.url_map.merge_slashes = False
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    store = FaqStore(settings.data_dir, country=settings.country, source_url=settings.source_url,
                     reload_interval=settings.reload_interval, cache_dir=settings.cache_dir)
    app.extensions["faq_bot"] = Services(settings, store)
    errors.register(app)
    for blueprint in (api.bp, health.bp, openapi.bp, feedback.bp, admin.bp):
        app.register_blueprint(blueprint)
    slack.init_app(app)
    web.init_app(app)
    curation.init_app(app)
    _connect_slack_votes(app)
    ops.init_app(app)
    return app


def _connect_slack_votes(app: Flask) -> None:
    # Wired here so that curation knows no channel and Slack knows no curation.
    cur = curation.curation(app)
    if cur is not None and slack.EXTENSION in app.extensions:
        slack.slack_state(app).feedback_hooks.append(cur.queue_vote)
