"""A reply hook (metrics, logs, curation, or one an operator adds) that raises never costs the
user the reply: the reply goes out as built, the failure is logged once with the request id,
and counted in /metrics."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from ops_live import metric

from faq_bot.core.replies import Reply
from faq_bot.services import services

QUESTION = "What is kratom?"


class Broken(RuntimeError):
    pass


def exploding_reply_hook(reply: Reply, channel: str) -> None:
    raise Broken("a reply hook fell over")


def exploding_question_hook(question: str, reply: Reply, channel: str) -> None:
    raise Broken("a question hook fell over")


@pytest.mark.parametrize("hooks, hook", [
    ("reply_hooks", exploding_reply_hook),
    ("question_hooks", exploding_question_hook),
])
def test_a_raising_hook_leaves_the_reply_intact(app: Flask, hooks: str, hook: object,
                                                caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    expected = client.post("/api/v1/ask", json={"question": QUESTION}).get_json()
    # First in line, so the hooks after it (metrics, logs) must still run.
    getattr(services(app), hooks).insert(0, hook)

    with caplog.at_level(logging.ERROR, logger="faq_bot.hooks"):
        response = client.post("/api/v1/ask", json={"question": QUESTION},
                               headers={"X-Request-ID": "req-hook-test-1"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["kind"] == "answer"
    # The id and the conversation token (it holds its issue time) are per reply.
    assert body["conversation"]
    assert {k: v for k, v in body.items() if k not in ("id", "conversation")} == \
        {k: v for k, v in expected.items() if k not in ("id", "conversation")}
    failures = [r for r in caplog.records if r.name == "faq_bot.hooks"]
    assert len(failures) == 1, [r.getMessage() for r in failures]
    assert "req-hook-test-1" in failures[0].getMessage()
    assert hook.__name__ in failures[0].getMessage()
    assert failures[0].exc_info and failures[0].exc_info[0] is Broken
    assert QUESTION not in failures[0].getMessage()

    scraped = client.get("/metrics").get_data(as_text=True)
    assert metric(scraped, "faq_bot_hook_failures_total", hook=hook.__name__) == 1
    # The hooks after the broken one still saw the reply.
    assert metric(scraped, "faq_bot_replies_total", kind="answer", topic="", channel="api") == 2


def test_a_raising_failure_counter_does_not_break_the_reply_either(app: Flask) -> None:
    svc = services(app)
    svc.reply_hooks.insert(0, exploding_reply_hook)
    svc.hook_failure_listeners.insert(0, lambda name: exploding_reply_hook(None, name))  # type: ignore[arg-type]
    response = app.test_client().post("/api/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    assert response.get_json()["kind"] == "answer"
