"""JSON logs: one line per request on stdout, the service's own events on stderr.

Questions are health information, so their text is left out of the logs unless
FAQ_BOT_LOG_QUESTIONS=on, and even then e-mail addresses, URLs, phone numbers and long digit
runs are scrubbed first (the same scrubbing as the curation store).
Each request carries an id: a sane incoming X-Request-ID is kept, else one is made; either way it
is logged and returned in the response's X-Request-ID header.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

from faq_bot.replies import Reply
from faq_bot.scrub import scrub
from faq_bot.services import services

ACCESS = logging.getLogger("faq_bot.access")
REQUEST_ID_HEADER = "X-Request-ID"

# An incoming id is echoed into logs and headers, so only plain tokens are trusted.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


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
    """Send faq_bot's log records to the console as JSON lines (once per process)."""
    package = logging.getLogger("faq_bot")
    package.setLevel(getattr(logging, level.upper(), logging.INFO))
    # Request lines are the service's access log: kept whatever FAQ_BOT_LOG_LEVEL says.
    ACCESS.setLevel(logging.INFO)
    if not any(isinstance(h, _Console) for h in package.handlers):
        events = _Console("stderr")
        events.setFormatter(JsonFormatter())
        events.addFilter(lambda record: record.name != ACCESS.name)
        package.addHandler(events)
    if not any(isinstance(h, _Console) for h in ACCESS.handlers):
        lines = _Console("stdout")
        lines.setFormatter(logging.Formatter("%(message)s"))
        ACCESS.addHandler(lines)


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("faq_bot_request_id") if has_request_context() else None


def _reply_fields(reply: Reply, channel: str) -> dict[str, Any]:
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


def _observe_reply(reply: Reply, channel: str) -> None:
    if has_request_context():
        g.faq_bot_reply = (reply, channel)
        return
    # Replies made off-request (e.g. a Slack event answered in the background) get a line too.
    ACCESS.info(json.dumps({"time": _now(), "request_id": None, "event": "reply",
                            **_reply_fields(reply, channel)}, ensure_ascii=False))


def _started() -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.faq_bot_request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.faq_bot_log_t0 = time.perf_counter()


def _finished(response: Response) -> Response:
    rid = g.get("faq_bot_request_id") or uuid.uuid4().hex
    t0 = g.get("faq_bot_log_t0")
    line: dict[str, Any] = {
        "time": _now(),
        "request_id": rid,
        "pid": os.getpid(),
        "method": request.method,
        "route": request.url_rule.rule if request.url_rule else None,
        "path": request.path[:200],
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - t0) * 1000, 1) if t0 is not None else None,
    }
    observed = g.get("faq_bot_reply")
    if observed:
        line.update(_reply_fields(*observed))
        if services().settings.log_questions:
            question = _question()
            if question is not None:
                line["question"] = scrub(question)
    ACCESS.info(json.dumps(line, ensure_ascii=False))
    response.headers[REQUEST_ID_HEADER] = rid
    return response


def init_app(app: Flask) -> None:
    """Log every request of `app` as one JSON line and tag it with a request id."""
    configure(services(app).settings.log_level)
    services(app).reply_hooks.append(_observe_reply)
    app.before_request(_started)
    app.after_request(_finished)
