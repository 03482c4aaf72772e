"""Operations: request logs, metrics, rate limits and security headers, wired onto one app.

Each concern lives in its own module (logs, metrics, ratelimit, headers, deadline); observe reads
each request's facts once for logs and metrics. FAQ reloading is the store's job
(core/faq/store.py), driven in gunicorn's master by server/hooks.py.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from faq_bot.ops import deadline, headers, logs, metrics, observe, ratelimit
from faq_bot.services import services


def init_app(app: Flask) -> None:
    """Install the operational hooks on `app` (called after the blueprints are registered)."""
    settings = services(app).settings
    # FLASK_DEBUG in the environment must never give a deployed service the debugger.
    app.debug = False
    headers.init_app(app)
    deadline.init_app(app)
    observe.init_app(app)
    # ProxyFix goes outermost, so everything inside sees the scheme and client the proxy saw.
    if settings.trusted_proxies:
        # Believe X-Forwarded-For/-Proto only as many hops deep as there are proxies we run.
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    # Observers before the limiter, so that they see every request, even one it refuses.
    logs.init_app(app)
    metrics.init_app(app)
    ratelimit.init_app(app)
