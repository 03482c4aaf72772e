"""Rate limits on POST /api/v1/ask: per client, the contract's 429 with Retry-After, proxies
believed only when declared, nothing else limited, and a limit that is easy to reuse."""

from __future__ import annotations

from dataclasses import replace

import pytest
from flask import Flask, jsonify
from ports import free_port

from faq_bot import create_app
from faq_bot.config import ConfigError, Settings
from faq_bot.ops.ratelimit import limit_endpoint, per_client

ASK = {"question": "What is kratom?"}


def _app(settings: Settings, **changes: object) -> Flask:
    return create_app(replace(settings, ratelimit="3/minute", **changes))  # type: ignore[arg-type]


def _asks(client, n: int, **kwargs: object) -> list[int]:
    return [client.post("/api/v1/ask", json=ASK, **kwargs).status_code for _ in range(n)]


def test_the_fourth_question_in_a_minute_is_refused(settings: Settings) -> None:
    client = _app(settings).test_client()
    assert _asks(client, 3) == [200, 200, 200]
    response = client.post("/api/v1/ask", json=ASK)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert response.get_json()["error"]["message"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-RateLimit-Remaining"] == "0"


def test_limit_headers_on_allowed_questions(settings: Settings) -> None:
    response = _app(settings).test_client().post("/api/v1/ask", json=ASK)
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "2"
    assert "Retry-After" not in response.headers


def test_bad_requests_count_too(settings: Settings) -> None:
    client = _app(settings).test_client()
    for _ in range(3):
        assert client.post("/api/v1/ask", data="x", content_type="text/plain").status_code == 415
    assert _asks(client, 1) == [429]


def test_each_client_has_its_own_budget(settings: Settings) -> None:
    client = _app(settings).test_client()
    first = {"environ_base": {"REMOTE_ADDR": "198.51.100.1"}}
    second = {"environ_base": {"REMOTE_ADDR": "198.51.100.2"}}
    assert _asks(client, 4, **first) == [200, 200, 200, 429]
    assert _asks(client, 1, **second) == [200]


def test_forwarded_for_is_ignored_without_trusted_proxies(settings: Settings) -> None:
    client = _app(settings).test_client()
    spoofed = [client.post("/api/v1/ask", json=ASK,
                           headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
               for i in range(4)]
    assert spoofed == [200, 200, 200, 429]


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(settings: Settings) -> None:
    client = _app(settings, trusted_proxies=1).test_client()

    def via_proxy(client_addr: str) -> list[int]:
        # What nginx sends: the client's own (possibly forged) header, then the address it saw.
        headers = {"X-Forwarded-For": f"10.9.9.9, {client_addr}"}
        return _asks(client, 1, headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"})

    assert [via_proxy("203.0.113.7")[0] for _ in range(4)] == [200, 200, 200, 429]
    assert via_proxy("203.0.113.8") == [200]


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics", "/api/v1/faq",
                                  "/openapi.json"])
def test_other_endpoints_are_not_limited(settings: Settings, path: str) -> None:
    client = _app(settings).test_client()
    assert {client.get(path).status_code for _ in range(6)} == {200}


@pytest.mark.parametrize("path", ["/slack/commands", "/slack/events", "/slack/interactions"])
def test_slack_endpoints_are_not_limited(settings: Settings, path: str) -> None:
    client = _app(settings, slack_signing_secret="s3cret").test_client()
    statuses = {client.post(path, data={"text": "hi"}).status_code for _ in range(6)}
    assert 429 not in statuses


def test_off_means_off(settings: Settings) -> None:
    client = create_app(replace(settings, ratelimit=None)).test_client()
    assert set(_asks(client, 10)) == {200}


def test_a_view_can_reuse_the_limit(settings: Settings) -> None:
    app = _app(settings)

    @per_client
    def feedback() -> object:
        return jsonify({})

    app.add_url_rule("/feedback-like", "feedback_like", feedback, methods=["POST"])
    limit_endpoint(app, "feedback_like")
    client = app.test_client()
    assert [client.post("/feedback-like").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _asks(client, 1) == [200], "each limited endpoint has a budget of its own"


@pytest.mark.parametrize(("change", "variable"), [
    ({"ratelimit": "sixty a minute"}, "FAQ_BOT_RATELIMIT"),
    ({"ratelimit_storage": "carrier-pigeon://coop"}, "FAQ_BOT_RATELIMIT_STORAGE"),
], ids=["rate", "storage"])
def test_bad_settings_stop_the_start(settings: Settings, change, variable: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        create_app(replace(settings, **{"ratelimit": "3/minute", **change}))


def test_an_unreachable_redis_does_not_fail_questions(settings: Settings) -> None:
    # Nothing listens there: the limiter falls back to counting in this process.
    storage = f"redis://127.0.0.1:{free_port()}/0"
    client = _app(settings, ratelimit_storage=storage).test_client()
    assert _asks(client, 4) == [200, 200, 200, 429]
