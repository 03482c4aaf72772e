"""Liveness and readiness probes."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from faq_bot.services import services

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """The process is up."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Ready once a valid FAQ is loaded; a refused reload is reported but still ready."""
    store = services().store
    engine = store.engine
    body = {"status": "ready", "entries": len(engine.faq.entries),
            "fingerprint": engine.faq.fingerprint}
    if store.last_error:
        body["reload_error"] = store.last_error
    return jsonify(body), 200
