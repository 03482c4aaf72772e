"""Security headers on every response; a content policy for the HTML pages (the demo page and
the admin report), while the widget script stays loadable by <script> from any site.

A view that needs a different value sets the header itself: nothing here overwrites one.
They are added as WSGI middleware, to the plain list of headers the app hands to the server:
that is a few list operations per response, where Flask's header objects cost several times
more on every reply (bench/http_bench.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

from faq_bot.config import Settings
from faq_bot.services import services

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

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


class SecurityHeaders:
    """WSGI middleware: adds the security headers a response does not already have."""

    def __init__(self, wsgi_app: WSGIApplication, settings: Settings) -> None:
        self.wsgi_app = wsgi_app
        common = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer")]
        framed = [("X-Frame-Options", "DENY")]
        # The widget is embedded by other sites: a same-origin policy would break it.
        script = [*common, ("Cross-Origin-Resource-Policy", "cross-origin")]
        page = [*common, ("Content-Security-Policy", html_policy(settings)), *framed]
        other = [*common, ("Content-Security-Policy", NON_DOCUMENT_POLICY), *framed]
        by_mimetype = {"application/javascript": script, "text/javascript": script,
                       "text/html": page}
        # Built once, with and without HSTS, rather than on every response.
        hsts = [("Strict-Transport-Security", HSTS)]
        self._other = {False: other, True: [*other, *hsts]}
        self._by_mimetype = {False: by_mimetype,
                             True: {m: [*v, *hsts] for m, v in by_mimetype.items()}}

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            present = {key.lower(): value for key, value in headers}
            mimetype = present.get("content-type", "").partition(";")[0].strip().lower()
            secure = environ.get("wsgi.url_scheme") == "https"
            wanted = self._by_mimetype[secure].get(mimetype, self._other[secure])
            headers.extend(kv for kv in wanted if kv[0].lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    """Add the security headers to every response of `app` (wrap ProxyFix around it after)."""
    app.wsgi_app = SecurityHeaders(  # type: ignore[method-assign]
        app.wsgi_app, services(app).settings)
