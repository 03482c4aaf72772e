"""Every request's bookkeeping in one pass: an id and a start time when it arrives (set on the
WSGI environ, before Flask builds anything); once its response is ready, one `Exchange` of
plain values for each observer (the access log, the metrics), and the id on the response's
X-Request-ID header.

The facts all observers need are read from Flask's request proxies once, here, rather than once
per concern: at the service's request rate that reading was the largest part of its own work
(bench/http_bench.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, g, has_request_context, request

from faq_bot.core.replies import Reply, new_id
from faq_bot.services import services

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_ENVIRON = "HTTP_X_REQUEST_ID"
# An incoming id is echoed into logs and headers, so only plain tokens are trusted.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_EXTENSION = "faq_bot.observers"
_STARTED = "faq_bot.started"  # environ key: (request id, time.perf_counter() at arrival)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and what it got, as plain values."""

    request_id: str
    method: str
    route: str | None  # the matched URL rule's template; None when nothing matched
    path: str
    status: int
    seconds: float | None
    reply: Reply | None = None
    channel: str | None = None


Observer = Callable[[Exchange], None]


def add_observer(app: Flask, observer: Observer) -> None:
    """Call `observer` with the Exchange of every request `app` answers."""
    app.extensions[_EXTENSION].append(observer)


class _Arrival:
    """WSGI middleware: stamps each request with its id and arrival time."""

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        incoming = environ.get(_REQUEST_ID_ENVIRON, "")
        rid = incoming if _REQUEST_ID.fullmatch(incoming) else new_id()
        environ[_STARTED] = (rid, time.perf_counter())
        return self.wsgi_app(environ, start_response)


def _observe_reply(reply: Reply, channel: str) -> None:
    if has_request_context():
        g.faq_bot_reply = (reply, channel)


def current_request_id() -> str | None:
    """The id of the request being answered, or None outside a request."""
    if not has_request_context():
        return None
    started = request.environ.get(_STARTED)
    return started[0] if started else None


def init_app(app: Flask) -> None:
    """Give every request of `app` an id and hand its Exchange to the observers.

    The stamp is WSGI middleware, so every request gets one; the hook runs for every response
    Flask makes, the rate limiter's 429s included.
    """
    observers: list[Observer] = []
    app.extensions[_EXTENSION] = observers
    services(app).reply_hooks.append(_observe_reply)
    services(app).request_id = current_request_id

    def finished(response: Response) -> Response:
        req = request._get_current_object()  # type: ignore[attr-defined]
        ctx = g._get_current_object()  # type: ignore[attr-defined]
        rid, t0 = req.environ.get(_STARTED) or (new_id(), None)
        rule = req.url_rule
        reply, channel = getattr(ctx, "faq_bot_reply", None) or (None, None)
        exchange = Exchange(
            request_id=rid, method=req.method, route=rule.rule if rule else None,
            path=req.path, status=response.status_code,
            seconds=time.perf_counter() - t0 if t0 is not None else None,
            reply=reply, channel=channel)
        for observer in observers:
            observer(exchange)
        response.headers.add(REQUEST_ID_HEADER, rid)  # nothing else sets it
        return response

    app.wsgi_app = _Arrival(app.wsgi_app)  # type: ignore[method-assign]
    app.after_request(finished)
