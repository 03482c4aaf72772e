"""The web channel over the Flask test client: the widget script, the demo page, and CORS on the
JSON API (allowed origins only, preflight included)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from faq_bot import create_app
from faq_bot.config import Settings

ALLOWED = "https://clinic.example"
OTHER = "https://evil.example"
PREFLIGHT = {"Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "Content-Type"}


@pytest.fixture
def cors_client(settings: Settings) -> FlaskClient:
    """A client of an app that allows one other origin."""
    app = create_app(replace(settings, allowed_origins=(ALLOWED,)))
    app.config["TESTING"] = True
    return app.test_client()


def test_widget_js_is_javascript_with_a_cache_header(client: FlaskClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert re.fullmatch(r"public, max-age=\d+", response.headers["Cache-Control"])
    # Other sites load it with <script src>: a same-origin resource policy would block that.
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    body = response.get_data(as_text=True)
    assert "attachShadow" in body and "/api/v1/ask" in body
    # Text only, never parsed markup.
    assert "innerHTML" not in body
    assert "insertAdjacentHTML" not in body and "document.write" not in body


def test_widget_js_revalidates_with_its_etag(client: FlaskClient) -> None:
    etag = client.get("/widget.js").headers["ETag"]
    assert client.get("/widget.js", headers={"If-None-Match": etag}).status_code == 304


def test_demo_page_has_the_widget_and_the_snippet(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<script src="/widget.js" defer' in page
    assert '&lt;script src="http://localhost/widget.js" defer' in page
    assert "What it does not do" in page
    # Works under a strict CSP: no inline script, style or handler.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)
    css = client.get("/static/demo.css")
    assert css.status_code == 200 and css.mimetype == "text/css"


def test_cors_headers_for_an_allowed_origin(cors_client: FlaskClient) -> None:
    response = cors_client.post("/api/v1/ask", json={"question": "What is kratom?"},
                                headers={"Origin": ALLOWED})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in response.headers["Vary"]
    assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_headers_on_error_replies_too(cors_client: FlaskClient) -> None:
    # The widget reads an error's status and Retry-After only if the browser lets it see them.
    response = cors_client.post("/api/v1/ask", json={"question": "x" * 501},
                                headers={"Origin": ALLOWED})
    assert response.status_code == 413
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize("origin", [
    pytest.param(OTHER, id="other-origin"),
    pytest.param(ALLOWED + ".evil.example", id="allowed-as-prefix"),
    pytest.param("http://clinic.example", id="other-scheme"),
])
def test_no_cors_headers_for_other_origins(cors_client: FlaskClient, origin: str) -> None:
    response = cors_client.post("/api/v1/ask", json={"question": "What is kratom?"},
                                headers={"Origin": origin})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_for_an_allowed_origin(cors_client: FlaskClient) -> None:
    response = cors_client.options("/api/v1/ask", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code in (200, 204)
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"].lower() == "content-type"
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def test_preflight_for_another_origin_is_not_allowed(cors_client: FlaskClient) -> None:
    response = cors_client.options("/api/v1/ask", headers={"Origin": OTHER, **PREFLIGHT})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.mark.parametrize("path", ["/healthz", "/widget.js", "/"])
def test_cors_only_on_the_api(cors_client: FlaskClient, path: str) -> None:
    response = cors_client.get(path, headers={"Origin": ALLOWED})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_allowed_origins_means_same_origin_only(client: FlaskClient) -> None:
    for origin in (OTHER, ALLOWED, "http://localhost"):
        response = client.post("/api/v1/ask", json={"question": "What is kratom?"},
                               headers={"Origin": origin})
        assert response.status_code == 200
        assert "Access-Control-Allow-Origin" not in response.headers
        preflight = client.options("/api/v1/ask", headers={"Origin": origin, **PREFLIGHT})
        assert "Access-Control-Allow-Origin" not in preflight.headers


def test_allowed_origins_come_from_the_environment(settings: Settings) -> None:
    env = {"FAQ_BOT_ALLOWED_ORIGINS": f" {ALLOWED}/ , http://127.0.0.1:9000"}
    configured = Settings.from_env(env, data_dir=settings.data_dir, ratelimit=None,
                                   reload_interval=0, curation=False)
    client = create_app(configured).test_client()
    for origin in (ALLOWED, "http://127.0.0.1:9000"):
        response = client.post("/api/v1/ask", json={"question": "hi"},
                               headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin
