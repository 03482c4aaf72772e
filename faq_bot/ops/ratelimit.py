"""Per-client rate limits on the question endpoints (FAQ_BOT_RATELIMIT), shared between
replicas when FAQ_BOT_RATELIMIT_STORAGE is Redis.

The client is the connecting address; X-Forwarded-For counts only behind the number of proxies
declared in FAQ_BOT_TRUSTED_PROXIES (ops installs ProxyFix for that). Slack endpoints are guarded
by their signatures and health and metrics by the network, so only the views listed here, or
marked with `per_client`, are limited.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from limits import parse_many
from limits.errors import ConfigurationError

from faq_bot.config import ConfigError
from faq_bot.services import services

F = TypeVar("F", bound=Callable[..., object])

LIMITED_ENDPOINTS = ("api.ask",)
_MARK = "faq_bot_per_client_limit"


def per_client(view: F) -> F:
    """Mark a view for the per-client limit; it is applied when the app is built."""
    setattr(view, _MARK, True)
    return view


def client_address() -> str:
    """The rate-limit key: the client's address (after ProxyFix, when proxies are trusted)."""
    return request.remote_addr or "unknown"


def limiter(app: Flask | None = None) -> Limiter | None:
    """The app's Limiter, or None when rate limiting is off."""
    return (app or current_app).extensions.get("faq_bot.limiter")


def limit_endpoint(app: Flask, endpoint: str) -> None:
    """Give the view of `endpoint` the per-client limit (nothing when limiting is off)."""
    lim = limiter(app)
    rate = services(app).settings.ratelimit
    if lim is None or rate is None:
        return
    app.view_functions[endpoint] = lim.limit(rate)(app.view_functions[endpoint])


def _rate_headers(response: Response) -> Response:
    lim = limiter()
    try:
        current = lim.current_limit if lim else None
        if current is None:
            return response
        reset_at, remaining = current.reset_at, current.remaining
    except Exception:  # the storage is unreachable: headers are a courtesy, the reply is not
        return response
    response.headers["X-RateLimit-Limit"] = str(current.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Reset"] = str(reset_at)
    if response.status_code == 429:
        # The window's reset is rounded up to whole seconds; never ask for more than a window.
        wait = min(math.ceil(reset_at - time.time()), current.limit.get_expiry())
        response.headers["Retry-After"] = str(max(1, wait))
    return response


def init_app(app: Flask) -> None:
    """Limit the question endpoints of `app` per client, or do nothing when the limit is off."""
    settings = services(app).settings
    if settings.ratelimit is None:
        return
    try:
        parse_many(settings.ratelimit)
    except ValueError:
        raise ConfigError(f"FAQ_BOT_RATELIMIT={settings.ratelimit!r} is not a rate such as "
                          "60/minute (or off)") from None
    lim = Limiter(
        client_address,
        storage_uri=settings.ratelimit_storage,
        # Short timeouts: a slow Redis must not hold up a question for long.
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1}
        if settings.ratelimit_storage.startswith("redis") else {},
        strategy="fixed-window",
        key_prefix="faq-bot",
        # Redis away: keep limiting per process rather than failing questions.
        in_memory_fallback_enabled=True,
        headers_enabled=False,
    )
    try:
        lim.init_app(app)
    except ConfigurationError as exc:
        raise ConfigError(f"FAQ_BOT_RATELIMIT_STORAGE={settings.ratelimit_storage!r}: "
                          f"{exc}") from None
    app.extensions["faq_bot.limiter"] = lim
    app.after_request(_rate_headers)
    marked = [name for name, view in app.view_functions.items() if getattr(view, _MARK, False)]
    for endpoint in dict.fromkeys([*LIMITED_ENDPOINTS, *marked]):
        if endpoint in app.view_functions:
            limit_endpoint(app, endpoint)
