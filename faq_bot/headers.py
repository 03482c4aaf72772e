"""Security headers on every response; a content policy for the HTML pages (the demo page and
the admin report), while the widget script stays loadable by <script> from any site.

A view that needs a different value sets the header itself: nothing here overwrites one.
"""

from __future__ import annotations

from flask import Flask, Response, request

from faq_bot.config import Settings
from faq_bot.services import services

# JSON and other non-documents: nothing may run, load or frame them.
NON_DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def html_policy(settings: Settings) -> str:
    """The Content-Security-Policy of the service's own pages."""
    connect = " ".join(["'self'", *settings.allowed_origins])
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        f"connect-src {connect}",
        # The widget styles its shadow root; old browsers without constructed stylesheets
        # fall back to a <style> element, which only 'unsafe-inline' allows.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def init_app(app: Flask) -> None:
    """Add the security headers to every response of `app`."""
    page_policy = html_policy(services(app).settings)

    def secure(response: Response) -> Response:
        h = response.headers
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "no-referrer")
        if response.mimetype in {"application/javascript", "text/javascript"}:
            # The widget is embedded by other sites: a same-origin policy would break it.
            h.setdefault("Cross-Origin-Resource-Policy", "cross-origin")
        else:
            h.setdefault("Content-Security-Policy",
                         page_policy if response.mimetype == "text/html"
                         else NON_DOCUMENT_POLICY)
            h.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", HSTS)
        return response

    app.after_request(secure)
