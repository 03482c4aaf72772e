"""gunicorn's sync worker, with its own refusals in the contract's JSON error body.

gunicorn refuses some requests before the app sees them (a header flood: 431; a long URL: 414;
a malformed request line or header: 400) and writes a small HTML page. Clients of this service
read JSON errors, so this worker lets gunicorn decide the status exactly as it always does, and
only rewrites the page it would have sent.
"""

from __future__ import annotations

import json
from typing import Any

from gunicorn import util
from gunicorn.workers.sync import SyncWorker

from faq_bot.ops.headers import NON_DOCUMENT_POLICY

# What to tell the client, by the status gunicorn chose.
MESSAGES = {
    400: ("bad_request", "The request could not be read: its request line or a header is "
                         "malformed. Send a plain HTTP/1.1 request, e.g. POST /api/v1/ask with "
                         'the JSON body {"question": "What is kratom?"}.'),
    403: ("forbidden", "This request is not allowed."),
    414: ("uri_too_long", "The URL is too long. Send the question in the JSON body of "
                          "POST /api/v1/ask, not in the URL."),
    417: ("expectation_failed", "The Expect header is not supported; send the request "
                                "without it."),
    431: ("headers_too_large", "The request has too many headers, or one that is too large. "
                               "Send fewer and smaller headers."),
    501: ("not_implemented", "This Transfer-Encoding is not supported. Send the body with "
                             "Content-Length, or chunked."),
}
INTERNAL = ("internal_error", "Something went wrong on our side. Please try again.")


class _Page:
    """Stands in for the client's socket while gunicorn writes its HTML page, and keeps it."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float | None:
        return None

    def setblocking(self, flag: bool) -> None:
        pass

    def sendall(self, data: bytes) -> None:
        self.data += data


def json_refusal(page: bytes) -> bytes:
    """The HTTP response gunicorn wrote as `page`, with the contract's JSON body instead."""
    status_line = page.split(b"\r\n", 1)[0].decode("latin-1")
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 500
    reason = parts[2] if len(parts) > 2 else "Internal Server Error"
    code, message = MESSAGES.get(status, INTERNAL)
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"X-Content-Type-Options: nosniff\r\n"
            f"Content-Security-Policy: {NON_DOCUMENT_POLICY}\r\n\r\n")
    return head.encode("latin-1") + body


class JsonErrorWorker(SyncWorker):
    """A sync worker whose own error responses are JSON."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """gunicorn's handling (status, logs, access line), then its page rewritten as JSON."""
        page = _Page()
        super().handle_error(req, page, addr, exc)
        if not page.data:
            return
        try:
            util.write_nonblock(client, json_refusal(page.data))
        except Exception:  # the client may be gone; gunicorn ignores this failure too
            self.log.debug("Failed to send error message.")
