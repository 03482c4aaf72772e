"""JSON logs: one line per request on stdout, the service's own events on stderr.

The request lines are written straight to stdout, one write per line, not through `logging`:
under gunicorn a logging record cost more than all the rest of a request's bookkeeping
(see bench/http_bench.py). The service's own events, which are rare, go through `logging`.

Questions are health information, so their text is left out of the logs unless
FAQ_BOT_LOG_QUESTIONS=on, and even then e-mail addresses, URLs, phone numbers and long digit
runs are scrubbed first (the same scrubbing as the curation store).
Each line carries the request's id (see faq_bot.ops.observe), also returned in X-Request-ID.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request

from faq_bot.core.replies import Reply
from faq_bot.core.scrub import scrub
from faq_bot.ops.observe import Exchange, add_observer
from faq_bot.services import services

# The formatted second is kept: every request line needs the time, and formatting a datetime
# costs more than the rest of the line's fields.
_clock: list[tuple[int, str]] = [(0, "")]


def _now() -> str:
    now = time.time()
    second = int(now)
    cached, text = _clock[0]
    if second != cached:
        text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _clock[0] = (second, text)
    return f"{text}.{int((now - second) * 1000):03d}Z"


class _Console(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to sys.stdout or sys.stderr as they are when writing (test runners swap them)."""

    def __init__(self, stream_name: str) -> None:
        self._stream_name = stream_name
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return getattr(sys, self._stream_name)

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's time, level, logger, process and message (and error, if any)."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: str) -> None:
    """Send faq_bot's log records to stderr as JSON lines (once per process)."""
    package = logging.getLogger("faq_bot")
    package.setLevel(getattr(logging, level.upper(), logging.INFO))
    if not any(isinstance(h, _Console) for h in package.handlers):
        events = _Console("stderr")
        events.setFormatter(JsonFormatter())
        package.addHandler(events)


_write_lock = threading.Lock()
# json.dumps builds a new encoder on every call that passes an option; this one is reused.
_encode = json.JSONEncoder(ensure_ascii=False).encode


def write_access_line(line: dict[str, Any]) -> None:
    """Print one request line as JSON on stdout, whatever FAQ_BOT_LOG_LEVEL says.

    Looks stdout up on each write, as test runners swap it; a closed or broken stdout loses
    the line, never the reply.
    """
    text = _encode(line) + "\n"
    with _write_lock:
        try:
            out = sys.stdout
            out.write(text)
            out.flush()
        except (OSError, ValueError, AttributeError):
            pass


def _reply_fields(reply: Reply, channel: str | None) -> dict[str, Any]:
    return {"kind": reply.kind, "faq_id": reply.faq_id,
            "confidence": round(reply.confidence, 3), "topic": reply.topic,
            "channel": channel, "reply_id": reply.id}


def _question() -> str | None:
    """The question text of this request (JSON `question` or Slack's form `text`), if any."""
    try:
        body = request.get_json(silent=True) if request.is_json else None
        if isinstance(body, dict) and isinstance(body.get("question"), str):
            return body["question"]
        if request.mimetype == "application/x-www-form-urlencoded":
            return request.form.get("text")
    except Exception:  # a log line never turns a reply into an error
        return None
    return None


def _reply_off_request(reply: Reply, channel: str) -> None:
    # Replies made off-request (e.g. a Slack event answered in the background) get a line too;
    # those made while answering a request are in that request's line.
    if not has_request_context():
        write_access_line({"time": _now(), "request_id": None, "event": "reply",
                           **_reply_fields(reply, channel)})


def init_app(app: Flask) -> None:
    """Log every request of `app` as one JSON line (observe.init_app must have run)."""
    settings = services(app).settings
    configure(settings.log_level)
    services(app).reply_hooks.append(_reply_off_request)

    def log(exchange: Exchange) -> None:
        seconds = exchange.seconds
        line: dict[str, Any] = {
            "time": _now(),
            "request_id": exchange.request_id,
            "pid": os.getpid(),
            "method": exchange.method,
            "route": exchange.route,
            "path": exchange.path[:200],
            "status": exchange.status,
            "duration_ms": round(seconds * 1000, 1) if seconds is not None else None,
        }
        if exchange.reply is not None:
            line.update(_reply_fields(exchange.reply, exchange.channel))
            if settings.log_questions:
                question = _question()
                if question is not None:
                    line["question"] = scrub(question)
        write_access_line(line)

    add_observer(app, log)
