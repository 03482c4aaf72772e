"""The JSON API: `POST /api/v1/ask` and `GET /api/v1/faq`."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from faq_bot.engine import QuestionError, validate_question
from faq_bot.errors import error_response
from faq_bot.services import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")

_SURROGATE = re.compile("[\ud800-\udfff]")

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
    # Lone surrogates ("\\ud800") are valid JSON but no log, database or reply can encode
    # them: the service reads them as the replacement character, as it does bad UTF-8.
    return {key: _SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value
            for key, value in body.items()}


@bp.errorhandler(QuestionError)
def _question_error(exc: QuestionError) -> Response:
    return error_response(exc.status, exc.code, exc.message)


@bp.post("/ask")
def ask() -> Response:
    """Answer one question with a reply of the contract."""
    body = read_json_object()
    question = validate_question(body.get("question"))
    channel = body.get("channel", "api")
    if channel not in CHANNELS:
        raise QuestionError("invalid_channel", '"channel" must be one of '
                            + ", ".join(CHANNELS) + " (or left out).")
    reply = services().ask(question, channel)
    # Not jsonify: the reply renders its own JSON, from a cache (see Reply.to_json).
    return Response(reply.to_json() + "\n", mimetype="application/json")


@bp.get("/faq")
def faq() -> Response:
    """The curated entries: id, question and section."""
    entries = services().store.engine.faq.entries
    return jsonify({"entries": [{"id": e.id, "question": e.question, "section": e.section}
                                for e in entries]})
