"""The embeddable web widget and its demo page (see issue 5). Not wired yet."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("widget", __name__)


def init_app(app: Flask) -> None:
    """Register the widget, the demo page and CORS on `app`."""
    app.register_blueprint(bp)
