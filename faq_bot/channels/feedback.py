"""`POST /api/v1/feedback`: a helpful / not helpful vote on one reply, with an optional comment.

The reply is named by the `id` of the ask response. One vote per reply: a second replaces the
first. Limited per client like `/api/v1/ask`. The widget's thumbs call this; Slack's buttons
arrive at /slack/interactions instead. Behaviour in full: docs/curation.md.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response

from faq_bot.channels.errors import error_response
from faq_bot.channels.jsonbody import CHANNELS, read_json_object
from faq_bot.core.engine import QuestionError
from faq_bot.curation import CurationUnavailable
from faq_bot.curation.hooks import curation
from faq_bot.ops.ratelimit import per_client

bp = Blueprint("feedback", __name__, url_prefix="/api/v1")

MAX_COMMENT_CHARS = 500
# Reply ids are 32 hex digits; anything else cannot name a reply.
REPLY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
RETRY_AFTER = 10


@bp.errorhandler(QuestionError)
def _bad_request(exc: QuestionError) -> Response:
    return error_response(exc.status, exc.code, exc.message)


def _read() -> tuple[str, bool, str | None, str]:
    """(reply_id, helpful, comment, channel) from the body, or QuestionError saying what is
    wrong."""
    body = read_json_object()
    reply_id = body.get("reply_id")
    if reply_id is None:
        raise QuestionError("missing_reply_id", 'The body needs "reply_id": the "id" of the '
                            'reply being rated, e.g. {"reply_id": "...", "helpful": true}.')
    if not isinstance(reply_id, str) or not REPLY_ID.fullmatch(reply_id):
        raise QuestionError("invalid_reply_id", '"reply_id" must be the "id" string of a reply '
                            "from /api/v1/ask.")
    helpful = body.get("helpful")
    if helpful is None:
        raise QuestionError("missing_helpful", 'The body needs "helpful": true or false.')
    if not isinstance(helpful, bool):
        raise QuestionError("invalid_helpful", f'"helpful" must be true or false, not '
                            f"{type(helpful).__name__}.")
    comment = body.get("comment")
    if comment is not None:
        if not isinstance(comment, str):
            raise QuestionError("invalid_comment", f'"comment" must be a string, not '
                                f"{type(comment).__name__}.")
        if len(comment) > MAX_COMMENT_CHARS:
            raise QuestionError("comment_too_long", f"The comment is {len(comment)} characters "
                                f"long; the limit is {MAX_COMMENT_CHARS}.", 413)
        comment = " ".join(comment.split()) or None
    channel = body.get("channel", "api")
    if channel not in CHANNELS:
        raise QuestionError("invalid_channel", '"channel" must be one of '
                            + ", ".join(CHANNELS) + " (or left out).")
    return reply_id, helpful, comment, channel


@bp.post("/feedback")
@per_client
def vote() -> Response:
    """Record a vote on a reply: 204, or 404 when the reply is unknown or expired."""
    reply_id, helpful, comment, channel = _read()
    cur = curation()
    if cur is None:
        return error_response(404, "feedback_off", "Feedback is not recorded on this server "
                              "(FAQ_BOT_CURATION=off).")
    try:
        stored = cur.vote(reply_id, helpful, comment, channel)
    except CurationUnavailable:
        response = error_response(503, "feedback_unavailable", "Feedback cannot be stored "
                                  "right now. Please try again in a moment.")
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response
    if not stored:
        return error_response(404, "unknown_reply", "There is no reply with this id, or it is "
                              "older than the feedback period.")
    return Response(status=204)

