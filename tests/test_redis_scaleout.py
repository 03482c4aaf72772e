"""Scale-out: two real gunicorn instances sharing one real redis-server keep one rate limit
between them, and a Slack event retried to the other instance is answered once."""

from __future__ import annotations

import json
import time

import pytest
import redis
import requests
from ops_live import Gunicorn, wait_for
from slack_helpers import BOT_TOKEN, SECRET, FakeSlack, signed_headers

QUESTION = "What is kratom?"


@pytest.mark.e2e
def test_two_instances_share_one_rate_limit(redis_url: str, gunicorn_factory) -> None:
    env = {"FAQ_BOT_RATELIMIT": "5/minute", "FAQ_BOT_RATELIMIT_STORAGE": redis_url}
    a: Gunicorn = gunicorn_factory(env, workers=2)
    b: Gunicorn = gunicorn_factory(env, workers=2)

    first = [a.ask(QUESTION).status_code for _ in range(3)]
    then = [b.ask(QUESTION).status_code for _ in range(2)]
    assert first + then == [200] * 5
    sixth = b.ask(QUESTION)
    assert sixth.status_code == 429
    assert sixth.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(sixth.headers["Retry-After"]) <= 60
    assert a.ask(QUESTION).status_code == 429, "the budget is spent on every instance"
    # Another client (here: the health probes) is not affected.
    assert a.get("/healthz").status_code == b.get("/readyz").status_code == 200

    client = redis.Redis.from_url(redis_url, socket_timeout=2)
    try:
        assert client.keys("*faq-bot*"), "the counts should live in Redis"
    finally:
        client.close()


def _event(event_id: str, text: str, ts: str) -> bytes:
    return json.dumps({
        "type": "event_callback", "event_id": event_id, "team_id": "T1",
        "event": {"type": "app_mention", "user": "U1", "channel": "C1", "ts": ts,
                  "text": f"<@UBOT> {text}"},
    }).encode()


def _deliver(server: Gunicorn, body: bytes, retry: int | None = None) -> requests.Response:
    headers = {"Content-Type": "application/json", **signed_headers(body)}
    if retry is not None:
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    return requests.post(server.url + "/slack/events", data=body, headers=headers, timeout=5)


@pytest.mark.e2e
def test_slack_event_retried_to_the_other_instance_is_answered_once(
        redis_url: str, gunicorn_factory) -> None:
    fake = FakeSlack()
    try:
        env = {"FAQ_BOT_RATELIMIT_STORAGE": redis_url, "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": fake.api_url}
        a: Gunicorn = gunicorn_factory(env)
        b: Gunicorn = gunicorn_factory(env)

        retried = _event("Ev-retried", QUESTION, "1700000000.000100")
        assert _deliver(a, retried).status_code == 200
        assert _deliver(b, retried, retry=1).status_code == 200
        assert _deliver(b, retried, retry=2).status_code == 200
        other = _event("Ev-other", "hello", "1700000000.000300")
        assert _deliver(b, other).status_code == 200

        calls = fake.wait_for(2, timeout=10)
        # Give a wrongly repeated answer time to arrive before counting.
        time.sleep(1.0)
        posts = [c for c in fake.calls if c.path.endswith("chat.postMessage")]
        assert len(posts) == 2, [c.body for c in calls]
        assert sorted(p.body["thread_ts"] for p in posts) == ["1700000000.000100",
                                                              "1700000000.000300"]
        # Each answer was logged once, by the instance that took the event.
        wait_for(lambda: (a.stdout() + b.stdout()).count('"event": "reply"') == 2, 5,
                 "the two answers in the logs")
    finally:
        fake.close()
