"""The OpenAPI 3 description of the HTTP API, served at /openapi.json."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, jsonify

from faq_bot.core.normalize import clean
from faq_bot.core.replies import KINDS
from faq_bot.version import __version__

bp = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def _rate_limited(wait: str) -> dict[str, Any]:
    return {**_error("Rate limited"), "headers": {"Retry-After": {
        "schema": {"type": "integer"}, "description": wait}}}


_LATE_BODY = _error("The body did not arrive within the body deadline")


@lru_cache(maxsize=1)
def _visible_char() -> str:
    # The server refuses a question that is blank once control, format and invisible characters
    # are removed (engine.validate_question); a plain \S would call "\u200b" or "\x02" valid.
    # Derived from the same `clean` so the spec and the server cannot drift apart. BMP only: a
    # JSON Schema pattern has no portable way to name astral code points.
    blank = [c for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF and not clean(chr(c)).strip()]
    ranges: list[list[int]] = []
    for c in blank:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "[^" + "".join(f"\\u{a:04x}" + (f"-\\u{b:04x}" if b > a else "")
                          for a, b in ranges) + "]"


def spec() -> dict[str, Any]:
    """The OpenAPI document as a dict."""
    nullable_str = {"type": ["string", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "faq-bot",
            "version": __version__,
            "description": "Answers questions about the article 'The Science Behind Kratom and "
                           "Sleep' from a curated FAQ. Dosing, mixing and special situations get "
                           "a clinician referral; emergencies get the emergency reply.",
        },
        "paths": {
            "/api/v1/ask": {"post": {
                "operationId": "ask",
                "summary": "Ask one question",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/AskRequest"}}}},
                "responses": {
                    "200": {"description": "The reply",
                            "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Reply"}}}},
                    "400": _error("Not JSON, no question, not a string, empty or blank"),
                    "408": _LATE_BODY,
                    "413": _error("Body or question too long (question limit 500 characters)"),
                    "415": _error("Not JSON"),
                    "429": _rate_limited("Seconds to wait before asking again"),
                },
            }},
            "/api/v1/feedback": {"post": {
                "operationId": "feedback",
                "summary": "Vote on a reply (helpful or not), with an optional comment",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/FeedbackRequest"}}}},
                "responses": {
                    "204": {"description": "Stored; a second vote on a reply replaces the first"},
                    "400": _error("Not JSON, no or bad reply_id, helpful not a boolean"),
                    "408": _LATE_BODY,
                    "404": _error("No reply with this id, or it is past the retention period"),
                    "413": _error("Body or comment too long (comment limit 500 characters)"),
                    "415": _error("Not JSON"),
                    "429": _rate_limited("Seconds to wait before voting again"),
                    "503": _error("The feedback store cannot be reached; try again later"),
                },
            }},
            "/api/v1/faq": {"get": {
                "operationId": "listFaq",
                "summary": "The curated entries",
                "responses": {"200": {"description": "Entries", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["entries"], "properties": {
                        "entries": {"type": "array", "items": {
                            "type": "object", "required": ["id", "question", "section"],
                            "properties": {"id": {"type": "string"},
                                           "question": {"type": "string"},
                                           "section": {"type": "string"}}}}}}}}}},
            }},
            "/healthz": {"get": {"operationId": "healthz", "summary": "Liveness", "responses": {
                "200": {"description": "Up", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["status"],
                    "properties": {"status": {"const": "ok"}}}}}}}}},
            "/readyz": {"get": {"operationId": "readyz", "summary": "Readiness", "responses": {
                "200": {"description": "A valid FAQ is loaded", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["status"],
                               "properties": {"status": {"type": "string"}}}}}},
                "503": {"description": "No valid FAQ is loaded"}}}},
        },
        "components": {"schemas": {
            "AskRequest": {
                "type": "object",
                "required": ["question"],
                "properties": {
                    "question": {"type": "string", "minLength": 1, "maxLength": 500,
                                 "pattern": _visible_char()},
                    "channel": {"type": "string", "enum": ["web", "slack", "cli", "api"]},
                    # Any JSON value is accepted and ignored by the server today.
                    "session_id": {"description": "An opaque client value; not used by the "
                                                  "server."},
                    # Any JSON value is accepted: one that is not a live token is ignored.
                    "conversation": {"description": "The `conversation` of the previous reply "
                                                    "in the same chat. An unknown, expired, "
                                                    "malformed or tampered value is ignored: "
                                                    "the question is answered on its own."},
                },
            },
            "FeedbackRequest": {
                "type": "object",
                "required": ["reply_id", "helpful"],
                "properties": {
                    "reply_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$",
                                 "description": "The id of the reply from /api/v1/ask"},
                    "helpful": {"type": "boolean"},
                    "comment": {"type": ["string", "null"], "maxLength": 500},
                    "channel": {"type": "string", "enum": ["web", "slack", "cli", "api"]},
                },
            },
            "Source": {
                "type": "object",
                "required": ["title", "section", "quote", "url"],
                "properties": {"title": {"type": "string"}, "section": {"type": "string"},
                               "quote": nullable_str, "url": nullable_str},
            },
            "Reply": {
                "type": "object",
                "required": ["id", "kind", "text", "source", "safety", "faq_id", "confidence",
                             "suggestions", "topic", "context", "followups", "conversation"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"type": "string", "enum": list(KINDS)},
                    "text": {"type": "string"},
                    "source": {"oneOf": [{"$ref": "#/components/schemas/Source"},
                                         {"type": "null"}]},
                    "safety": {"type": "string"},
                    "faq_id": nullable_str,
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "suggestions": {"type": "array", "items": {
                        "type": "object", "required": ["faq_id", "question"],
                        "properties": {"faq_id": {"type": "string"},
                                       "question": {"type": "string"}}}},
                    "topic": nullable_str,
                    "context": {"type": "array", "items": {
                        "type": "object", "required": ["text", "source"],
                        "properties": {"text": {"type": "string"}, "source": {
                            "type": "object", "required": ["title", "url"],
                            "properties": {"title": {"type": "string"}, "url": nullable_str}}}}},
                    "followups": {"type": "array", "maxItems": 4, "items": {
                        "type": "object", "required": ["faq_id", "question"],
                        "properties": {"faq_id": {"type": "string"},
                                       "question": {"type": "string"}}},
                        "description": "For an answer: what to ask next (empty otherwise)."},
                    "conversation": {"type": "string",
                                     "description": "Opaque; send it back as `conversation` "
                                                    "with the next question of the same chat."},
                },
            },
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "object", "required": ["code", "message"],
                                         "properties": {"code": {"type": "string"},
                                                        "message": {"type": "string"}}}},
            },
        }},
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """Serve the OpenAPI document."""
    return jsonify(spec())
