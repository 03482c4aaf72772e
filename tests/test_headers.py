"""Security headers on every response, a content policy for the pages, a widget script that
other sites can still load, no server version, and no debugger."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask.testing import FlaskClient
from ops_live import Gunicorn

from faq_bot import create_app
from faq_bot.config import Settings
from faq_bot.ops.headers import NON_DOCUMENT_POLICY

EVERY_KIND = [
    ("GET", "/", 200),
    ("GET", "/widget.js", 200),
    ("GET", "/healthz", 200),
    ("GET", "/metrics", 200),
    ("GET", "/api/v1/faq", 200),
    ("POST", "/api/v1/ask", 200),
    ("GET", "/api/v1/ask", 405),
    ("GET", "/no/such/page", 404),
]


def _policy(header: str) -> dict[str, str]:
    return {d.split()[0]: d.partition(" ")[2] for d in map(str.strip, header.split(";")) if d}


@pytest.mark.parametrize(("method", "path", "status"), EVERY_KIND,
                         ids=[f"{m} {p} {s}" for m, p, s in EVERY_KIND])
def test_every_response_is_hardened(client: FlaskClient, method: str, path: str,
                                    status: int) -> None:
    response = client.open(path, method=method, json={"question": "What is kratom?"}
                           if method == "POST" else None)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in response.headers  # plain http: nothing to pin


def test_pages_get_a_content_policy(settings: Settings) -> None:
    origins = ("https://clinic.example", "https://blog.example")
    client = create_app(replace(settings, allowed_origins=origins)).test_client()
    response = client.get("/")
    assert response.mimetype == "text/html"
    policy = _policy(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"].split() == ["'self'", *origins]
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_json_cannot_be_framed_or_run(client: FlaskClient) -> None:
    response = client.get("/api/v1/faq")
    assert response.headers["Content-Security-Policy"] == NON_DOCUMENT_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_widget_stays_embeddable(client: FlaskClient) -> None:
    response = client.get("/widget.js")
    # nosniff makes browsers insist on a script type; a same-origin resource policy or a
    # document policy would stop other sites loading it.
    assert response.mimetype in {"application/javascript", "text/javascript"}
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert "Content-Security-Policy" not in response.headers
    assert "X-Frame-Options" not in response.headers


def test_https_requests_get_hsts(client: FlaskClient) -> None:
    response = client.get("/healthz", base_url="https://faq.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_view_may_set_its_own_policy(settings: Settings) -> None:
    app = create_app(settings)
    app.add_url_rule("/custom", "custom", lambda: ("ok", 200, {
        "Content-Security-Policy": "default-src 'self'"}))
    assert app.test_client().get("/custom").headers["Content-Security-Policy"] == \
        "default-src 'self'"


def test_flask_debug_in_the_environment_is_ignored(settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    app = create_app(settings)
    assert app.debug is False

    def boom() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b"secret internals" not in response.data and b"Traceback" not in response.data


@pytest.mark.e2e
def test_gunicorn_does_not_name_itself(gunicorn_factory) -> None:
    server: Gunicorn = gunicorn_factory({"FAQ_BOT_RATELIMIT": "off"})
    for response in (server.get("/healthz"), server.get("/nope"), server.get("/widget.js"),
                     server.ask("What is kratom?")):
        assert response.headers["Server"] == "faq-bot"
        assert "gunicorn" not in str(response.headers).lower()
        assert response.headers["X-Content-Type-Options"] == "nosniff"
