"""The web channel: the embeddable chat widget (`/widget.js`), its demo page (`/`) and CORS for
the JSON API, so pages on the allowed origins can call `/api/v1/ask` from the browser."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Flask, Response, render_template, request, send_from_directory
from flask_cors import CORS

from faq_bot.services import services

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"

# Short enough that a fixed widget reaches embedding sites within minutes; the ETag makes the
# revalidation after that cheap.
WIDGET_MAX_AGE = 300

bp = Blueprint("widget", __name__, static_folder=str(STATIC), static_url_path="/static",
               template_folder=str(HERE / "templates"))


@bp.get("/widget.js")
def widget_js() -> Response:
    """The widget script, served for embedding from any origin."""
    response = send_from_directory(STATIC, "widget.js", max_age=WIDGET_MAX_AGE,
                                   mimetype="application/javascript")
    response.content_type = "application/javascript; charset=utf-8"
    response.cache_control.public = True
    # Other sites load this script with a plain <script> tag; a same-origin resource policy
    # (which security headers may set for everything else) would make browsers refuse it.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/")
def demo() -> str:
    """A page about the bot with the widget on it, and the snippet to embed it elsewhere."""
    article = services().store.engine.faq.article
    return render_template("demo.html", base=request.host_url.rstrip("/"), article=article)


def _origin_patterns(origins: tuple[str, ...]) -> list[str | re.Pattern[str]]:
    # flask-cors reads strings with regex characters as patterns; an origin is matched exactly,
    # and only a lone "*" means any origin.
    return [o if o == "*" else re.compile(re.escape(o) + r"\Z", re.IGNORECASE) for o in origins]


def init_app(app: Flask) -> None:
    """Register the widget, the demo page and CORS on `app`."""
    app.register_blueprint(bp)
    origins = services(app).settings.allowed_origins
    if not origins:
        # Same-origin requests need no CORS headers, so the service's own pages keep working
        # and every other origin is refused by the browser.
        return
    CORS(app, resources={r"/api/v1/*": {"origins": _origin_patterns(origins)}},
         methods=["GET", "POST", "OPTIONS"], allow_headers=["Content-Type"],
         expose_headers=["Retry-After"], max_age=600, always_send=False,
         supports_credentials=False)
