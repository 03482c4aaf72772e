"""Slack: slash command, Events API and interactions (see issue 4). Not wired yet."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("slack", __name__, url_prefix="/slack")


def init_app(app: Flask) -> None:
    """Register the Slack endpoints on `app`."""
    app.register_blueprint(bp)
