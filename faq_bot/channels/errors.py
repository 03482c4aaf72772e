"""Every error a client can cause, as the contract's JSON body: never HTML, never a trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger("faq_bot.errors")

MESSAGES = {
    400: ("bad_request", "The request could not be read. Send JSON such as "
                         '{"question": "What is kratom?"}.'),
    401: ("unauthorized", "This endpoint needs valid credentials."),
    404: ("not_found", "There is nothing at this path. The API lives under /api/v1/; "
                       "see /openapi.json."),
    405: ("method_not_allowed", "This path does not accept that method."),
    408: ("request_timeout", "The request body did not arrive in time. Send the whole request "
                             "at once and try again."),
    413: ("payload_too_large", "The request body is too large. Send a shorter question "
                               "(at most 500 characters)."),
    415: ("unsupported_media_type", "Send the body as JSON with the header "
                                    "Content-Type: application/json."),
    429: ("rate_limited", "Too many questions in a short time. Wait a moment and try again."),
}


def error_response(status: int, code: str, message: str) -> Response:
    """The contract's error body with `status`."""
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    code, message = MESSAGES.get(status, (exc.name.lower().replace(" ", "_"), exc.description))
    if status == 408 and exc.description:
        message = exc.description
    if status == 405 and exc.valid_methods:
        message += " Use " + ", ".join(sorted(exc.valid_methods)) + "."
    response = error_response(status, code, message)
    for name, value in exc.get_headers():
        if name.lower() in {"allow", "retry-after", "www-authenticate"}:
            response.headers[name] = value
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error")
    return error_response(500, "internal_error", "Something went wrong on our side. "
                                                 "Please try again.")


def register(app: Flask) -> None:
    """Install the JSON error handlers on `app`."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
