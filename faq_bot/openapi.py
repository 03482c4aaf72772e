"""The OpenAPI 3 description of the HTTP API, served at /openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from faq_bot import __version__
from faq_bot.replies import KINDS

bp = Blueprint("openapi", __name__)

_ERROR = {"$ref": "#/components/schemas/Error"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


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
                    "413": _error("Body or question too long (question limit 500 characters)"),
                    "415": _error("Not JSON"),
                    "429": {**_error("Rate limited"), "headers": {"Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before asking again"}}},
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
                                 "pattern": r"\S"},
                    "channel": {"type": "string", "enum": ["web", "slack", "cli", "api"]},
                    "session_id": {"type": "string"},
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
                             "suggestions", "topic", "context"],
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
