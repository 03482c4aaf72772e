"""The JSON API: `POST /api/v1/ask` and `GET /api/v1/faq`."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from faq_bot.channels.errors import error_response
from faq_bot.channels.jsonbody import CHANNELS, read_json_object
from faq_bot.core.engine import QuestionError, validate_question
from faq_bot.services import services

bp = Blueprint("api", __name__, url_prefix="/api/v1")

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
    # Per the contract a conversation that is not a live token of ours (not a string, expired,
    # tampered) is ignored, never an error: the question is answered on its own.
    reply = services().ask(question, channel, body.get("conversation"))
    # Not jsonify: the reply renders its own JSON, from a cache (see Reply.to_json).
    return Response(reply.to_json() + "\n", mimetype="application/json")


@bp.get("/faq")
def faq() -> Response:
    """The curated entries: id, question and section."""
    entries = services().store.engine.faq.entries
    return jsonify({"entries": [{"id": e.id, "question": e.question, "section": e.section}
                                for e in entries]})
