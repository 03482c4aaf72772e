"""A deadline for the request body: a client that stops sending halfway gets a 408 in JSON.

A sync worker reads the body on the client's socket, which gunicorn leaves blocking; a client
that promises 100 bytes and sends 11 (or trickles one byte a second) would hold the worker until
gunicorn's worker timeout killed it, and then be told 500. Here a watchdog thread shuts the read
side of a socket whose body is late: the blocked read returns at once, the request gets a 408,
and the worker moves on. The deadline is half the worker timeout at most, so the answer comes
before gunicorn's kill.

Why a watchdog: gunicorn's reader loops over recv() until it has what it asked for, so a socket
timeout bounds each recv but not the read, and a trickle outlasts it; a timer signal per request
costs two timer syscalls on every request, which a shared VM makes dear. Watching costs two
dictionary operations. Outside gunicorn there is no socket and nothing changes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.exceptions import RequestTimeout

from faq_bot.services import services

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class _Watchdog:
    """One daemon thread per process that shuts the read side of sockets past their deadline."""

    def __init__(self, tick: float) -> None:
        self._tick = tick
        self._waiting: dict[int, tuple[socket.socket, float]] = {}
        self._lock = threading.Lock()
        self._running_in: int | None = None  # a pid: a forked worker starts its own thread

    def watch(self, key: int, sock: socket.socket, deadline: float) -> None:
        """Shut `sock` for reading if it is still watched at `deadline` (time.monotonic)."""
        if self._running_in != os.getpid():
            self._start()
        self._waiting[key] = (sock, deadline)

    def unwatch(self, key: int) -> None:
        """Stop watching what `key` was watching."""
        self._waiting.pop(key, None)

    def _start(self) -> None:
        with self._lock:
            if self._running_in != os.getpid():
                self._waiting.clear()
                threading.Thread(target=self._run, name="faq-bot-body-deadline",
                                 daemon=True).start()
                self._running_in = os.getpid()

    def _run(self) -> None:
        while True:
            time.sleep(self._tick)
            now = time.monotonic()
            for key, (sock, deadline) in list(self._waiting.items()):
                if now >= deadline and self._waiting.pop(key, None) is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RD)


class _DeadlineInput:
    """`wsgi.input` whose reads end at the deadline, with RequestTimeout."""

    def __init__(self, stream: Any, sock: socket.socket, deadline: float, seconds: float,
                 watchdog: _Watchdog) -> None:
        self._stream, self._sock, self._deadline = stream, sock, deadline
        self._seconds, self._watchdog = seconds, watchdog

    def _late(self) -> RequestTimeout:
        return RequestTimeout(f"The request body did not arrive within {self._seconds:g} "
                              "seconds. Send the whole request at once and try again.")

    def _bounded(self, read: Any, size: int | None) -> bytes:
        if time.monotonic() >= self._deadline:
            raise self._late()
        key = id(self)
        self._watchdog.watch(key, self._sock, self._deadline)
        try:
            data: bytes = read(size)
        except OSError:
            data = b""
        finally:
            self._watchdog.unwatch(key)
        # A short read at the deadline is the watchdog's doing, not the end of the body.
        if time.monotonic() >= self._deadline and (size is None or size < 0 or len(data) < size):
            raise self._late()
        return data

    def read(self, size: int | None = -1) -> bytes:
        """Read like the server's stream, or raise RequestTimeout once the deadline passes."""
        return self._bounded(self._stream.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        """Read one line, under the deadline."""
        return self._bounded(self._stream.readline, size)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line


class BodyDeadline:
    """WSGI middleware: the body of a request must arrive within `seconds`."""

    def __init__(self, wsgi_app: WSGIApplication, seconds: float) -> None:
        self.wsgi_app, self.seconds = wsgi_app, seconds
        self._watchdog = _Watchdog(tick=min(0.2, seconds / 5))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        sock = environ.get("gunicorn.socket")
        if isinstance(sock, socket.socket) and (
                environ.get("CONTENT_LENGTH", "") not in {"", "0"}
                or "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()):
            environ["wsgi.input"] = _DeadlineInput(
                environ["wsgi.input"], sock, time.monotonic() + self.seconds, self.seconds,
                self._watchdog)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    """Give the request bodies of `app` their deadline (see Settings.body_deadline)."""
    app.wsgi_app = BodyDeadline(  # type: ignore[method-assign]
        app.wsgi_app, services(app).settings.body_deadline)
