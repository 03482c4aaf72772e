"""The floor for the HTTP benchmark: a bare Flask app that reads the JSON body of
POST /api/v1/ask and returns a fixed reply of the contract's shape and about the same size.

Served by the same gunicorn settings as the real app, it measures what gunicorn, Flask and JSON
cost on their own; the real app's rate over this one's is the share left after the service's
own work (safety screen, matching, logging, metrics, headers).
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

REPLY = {
    "id": "0" * 32,
    "kind": "answer",
    "text": "The article describes kratom as a tropical tree native to Southeast Asia. It says "
            "kratom has gained popularity for its potential to promote relaxation and improve "
            "sleep, and that its leaves contain active compounds called alkaloids.",
    "source": {"title": "The Science Behind Kratom and Sleep", "section": "Introduction",
               "quote": "Kratom, a tropical tree native to Southeast Asia", "url": None},
    "safety": "General information from one article, not medical advice. Kratom has no "
              "approved medical use; talk to a doctor or pharmacist before using it, and in an "
              "emergency call 911.",
    "faq_id": "what-is-kratom",
    "confidence": 1.0,
    "suggestions": [],
    "topic": None,
    "context": [],
}


def create_app() -> Flask:
    """The floor app."""
    app = Flask(__name__)

    @app.post("/api/v1/ask")
    def ask() -> Response:
        request.get_json(silent=True)  # parse the body, as any JSON API must
        return jsonify(REPLY)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    return app
