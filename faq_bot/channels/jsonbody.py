"""What the JSON channels share: reading a request's JSON object body, and the channel names a
client may give. Neutral ground, so that no channel imports another."""

from __future__ import annotations

from typing import Any

from flask import request

from faq_bot.core.engine import QuestionError
from faq_bot.core.normalize import mend_surrogates

CHANNELS = ("web", "slack", "cli", "api")


def read_json_object() -> dict[str, Any]:
    """The request's JSON object body, or QuestionError with the contract's code and status."""
    if not request.is_json:
        raise QuestionError("unsupported_media_type", "Send the body as JSON with the header "
                            "Content-Type: application/json.", 415)
    if "CONTENT_LENGTH" not in request.environ:
        # A chunked body is cut at the size limit without an error; one that reaches the limit
        # was too large, and saying so beats calling the cut text invalid JSON.
        limit = request.max_content_length
        if limit is not None and len(request.get_data(cache=True)) >= limit:
            raise QuestionError("payload_too_large", "The request body is too large. Send a "
                                "shorter question (at most 500 characters).", 413)
    try:
        body = request.get_json(force=True, silent=True)  # the content type is checked above
    except RecursionError:  # nesting deep enough to exhaust the parser, within the size limit
        raise QuestionError("invalid_json", "The body is nested too deeply. Send a flat object "
                            'such as {"question": "What is kratom?"}.') from None
    if body is None:
        raise QuestionError("invalid_json", "The body is not valid JSON. Send e.g. "
                            '{"question": "What is kratom?"}.')
    if not isinstance(body, dict):
        raise QuestionError("invalid_body", "The body must be a JSON object, e.g. "
                            '{"question": "What is kratom?"}.')
    return {key: mend_surrogates(value) if isinstance(value, str) else value
            for key, value in body.items()}
