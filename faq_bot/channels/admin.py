"""`GET /admin`: the curator's report as a page with server-rendered SVG charts.

Off (404) while FAQ_BOT_ADMIN_TOKEN is unset. The token is sent as `Authorization: Bearer
<token>`, or as the password of HTTP Basic so that a plain browser can ask for it; it is compared
in constant time, never read from the URL (where logs and history would keep it). The page is
never cached and never framed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from datetime import timedelta

from flask import Blueprint, Response, request

from faq_bot.channels.errors import error_response
from faq_bot.curation import CurationUnavailable
from faq_bot.curation.hooks import curation
from faq_bot.curation.render import render_html
from faq_bot.curation.report import parse_since
from faq_bot.ops.ratelimit import per_client
from faq_bot.services import services

bp = Blueprint("admin", __name__)

DEFAULT_SINCE = "7d"
PERIODS = (("24 hours", "24h"), ("7 days", "7d"), ("30 days", "30d"))
CHALLENGE = 'Bearer realm="faq-bot admin", Basic realm="faq-bot admin", charset="UTF-8"'
# The page holds only its own inline styles and SVG: nothing may load, run, or frame it.
POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
          "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _presented_token() -> bytes | None:
    """The token in the Authorization header (Bearer, or Basic's password), if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value.encode()
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            return None
        return decoded.partition(b":")[2]
    return None


def authorized(token: str) -> bool:
    """Whether the request carries `token`, compared in constant time."""
    given = _presented_token()
    return given is not None and hmac.compare_digest(given, token.encode())


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/admin")
@per_client
def report_page() -> Response:
    """The report for ?since= (default 7d), for a request holding the admin token."""
    token = services().settings.admin_token
    if not token:
        return error_response(404, "not_found", "There is nothing at this path. The API lives "
                              "under /api/v1/; see /openapi.json.")
    if not authorized(token):
        response = error_response(401, "unauthorized", "The curator's report needs the admin "
                                  "token: send Authorization: Bearer <FAQ_BOT_ADMIN_TOKEN>.")
        response.headers["WWW-Authenticate"] = CHALLENGE
        return response
    cur = curation()
    if cur is None:
        return error_response(404, "curation_off", "Nothing is recorded on this server "
                              "(FAQ_BOT_CURATION=off), so there is no report.")
    raw = request.args.get("since", DEFAULT_SINCE)
    try:
        since: timedelta = parse_since(raw)
    except ValueError as exc:
        return error_response(400, "invalid_since", f"{exc}.")
    try:
        report = cur.report(services().store.engine.matcher, since)
    except CurationUnavailable:
        response = error_response(503, "report_unavailable", "The curation database cannot be "
                                  "read right now. Please try again in a moment.")
        response.headers["Retry-After"] = "10"
        return response
    links = [(label, f"?since={value}", value == raw.strip().lower())
             for label, value in PERIODS]
    return Response(render_html(report, links), mimetype="text/html")
