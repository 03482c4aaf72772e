"""Slack: requests signed exactly as Slack signs them, posted to the real endpoints, with a
loopback HTTP server standing in for Slack's Web API and the real slack_sdk clients aimed at it.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from ports import free_port
from slack_helpers import BOT_TOKEN, SECRET, FakeSlack, redis_server, signed_headers

from faq_bot import create_app
from faq_bot.channels.slack import slack_state, strip_mentions
from faq_bot.channels.slack.blocks import render_reply, unescape
from faq_bot.channels.slack.dedupe import MemoryDedupe, RedisDedupe
from faq_bot.config import Settings
from faq_bot.core.doses import has_dose_amount
from faq_bot.core.replies import Reply, ReplyBuilder
from faq_bot.services import services

REPO = Path(__file__).resolve().parent.parent
FORM = "application/x-www-form-urlencoded"
ANSWERED = "Is kratom safe?"
DOSING = "how many grams should I take"
EMERGENCY = "I think I overdosed"


# --- fixtures and helpers -------------------------------------------------------------------------

class PostsOnly(list):  # type: ignore[type-arg]
    """The calls the bot makes to say something; its reads of a thread (conversations.*, to
    take the conversation back from its last reply there, tests/test_slack_threads.py) are kept
    apart in `reads`. This fake has no messages to give, so the bot falls back on its own
    memory of the thread."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[Any] = []

    def append(self, call: Any) -> None:
        if call.path.startswith("/api/conversations."):
            self.reads.append(call)
        else:
            super().append(call)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A loopback stand-in for Slack's Web API and response_url hooks."""
    fake = FakeSlack()
    fake.calls = PostsOnly()
    yield fake
    fake.close()


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    """Settings with Slack configured and its Web API at `fake_slack`."""
    return replace(settings, slack_signing_secret=SECRET, slack_bot_token=BOT_TOKEN,
                   slack_api_url=fake_slack.api_url)


def make_app(settings: Settings) -> Flask:
    """A test app with a recorder of (reply, channel) on its reply hooks."""
    app = create_app(settings)
    app.config["TESTING"] = True
    app.extensions["test.replies"] = []
    services(app).reply_hooks.append(
        lambda reply, channel: app.extensions["test.replies"].append((reply, channel)))
    return app


@pytest.fixture
def slack_app(slack_settings: Settings) -> Iterator[Flask]:
    """An app with Slack configured; its worker threads are stopped afterwards."""
    app = make_app(slack_settings)
    yield app
    slack_state(app).close()


@pytest.fixture
def slack_client(slack_app: Flask) -> FlaskClient:
    """The test client of `slack_app`."""
    return slack_app.test_client()


def asked(app: Flask) -> list[tuple[Reply, str]]:
    """Every (reply, channel) the app's reply hooks saw."""
    return app.extensions["test.replies"]


def post_signed(client: FlaskClient, path: str, body: bytes, content_type: str,
                **header_overrides: Any) -> Any:
    """POST `body` to `path` with Slack's signature headers (overridable per test)."""
    headers = {**signed_headers(body), **header_overrides}
    return client.post(path, data=body, headers=headers, content_type=content_type)


def command_body(text: str, **extra: str) -> bytes:
    """A slash command's form body as Slack sends it."""
    fields = {"token": "legacy", "team_id": "T1", "channel_id": "C1", "user_id": "U1",
              "command": "/kratom-faq", "text": text,
              "response_url": "https://hooks.slack.com/commands/T1/1/x", "trigger_id": "1.2.3"}
    return urlencode({**fields, **extra}).encode()


def slash(client: FlaskClient, text: str, **extra: str) -> Any:
    """Run the slash command with `text`, signed."""
    return post_signed(client, "/slack/commands", command_body(text, **extra), FORM)


def event_body(event: dict[str, Any], event_id: str = "Ev001") -> bytes:
    """An Events API callback wrapping `event`."""
    return json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": "A1",
                       "type": "event_callback", "event_id": event_id,
                       "event_time": int(time.time()), "event": event}).encode()


def send_event(client: FlaskClient, event: dict[str, Any], event_id: str = "Ev001",
               **headers: str) -> Any:
    """Deliver one signed event callback."""
    return post_signed(client, "/slack/events", event_body(event, event_id),
                       "application/json", **headers)


def dm(text: str, **extra: Any) -> dict[str, Any]:
    """A direct message from a person to the bot."""
    return {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
            "text": text, "ts": "1700000000.000100", **extra}


def mention(text: str, **extra: Any) -> dict[str, Any]:
    """A mention of the bot in a channel."""
    return {"type": "app_mention", "channel": "C1", "user": "U1",
            "text": f"<@U0BOT> {text}", "ts": "1700000000.000300", **extra}


def all_text(message: dict[str, Any]) -> str:
    """Every string in a rendered message (blocks included), as a reader would see it."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in {"text"} and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({"text": message.get("text", ""), "blocks": message.get("blocks", [])})
    return unescape("\n".join(found))


def block_types(message: dict[str, Any]) -> list[str]:
    """The types of the message's blocks, in order."""
    return [block["type"] for block in message["blocks"]]


def assert_no_amounts(text: str) -> None:
    """No dose amount (digits or number words with a unit) anywhere in `text`."""
    assert not has_dose_amount(text), text
    assert not re.search(r"\d+\s*(?:g|mg|grams?|milligrams?|capsules?|tsp)\b", text, re.I), text


# --- configuration and signatures -----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/slack/commands", "/slack/events", "/slack/interactions"])
def test_endpoints_are_off_without_a_signing_secret(client: FlaskClient, path: str) -> None:
    body = command_body("what is kratom")
    response = client.post(path, data=body, headers=signed_headers(body), content_type=FORM)
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "slack_not_configured"
    assert "not configured" in error["message"]


def _tampered(body: bytes) -> tuple[bytes, dict[str, str]]:
    tampered = body.replace(b"D1", b"D2")
    assert tampered != body
    return tampered, signed_headers(body)


def _wrong_secret(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, signed_headers(body, secret="not-the-secret")


def _stale(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, signed_headers(body, timestamp=int(time.time()) - 5 * 60 - 30)


def _future(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, signed_headers(body, timestamp=int(time.time()) + 5 * 60 + 30)


def _no_headers(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {}


def _no_signature(body: bytes) -> tuple[bytes, dict[str, str]]:
    headers = signed_headers(body)
    del headers["X-Slack-Signature"]
    return body, headers


def _no_timestamp(body: bytes) -> tuple[bytes, dict[str, str]]:
    headers = signed_headers(body)
    del headers["X-Slack-Request-Timestamp"]
    return body, headers


def _bad_timestamp(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body, {**signed_headers(body), "X-Slack-Request-Timestamp": "yesterday"}


def _not_utf8(body: bytes) -> tuple[bytes, dict[str, str]]:
    return body + b"\xff", signed_headers(body)


BAD_SIGNATURES = [
    pytest.param(_tampered, id="tampered-body"),
    pytest.param(_wrong_secret, id="wrong-secret"),
    pytest.param(_stale, id="stale-timestamp"),
    pytest.param(_future, id="future-timestamp"),
    pytest.param(_no_headers, id="missing-headers"),
    pytest.param(_no_signature, id="missing-signature"),
    pytest.param(_no_timestamp, id="missing-timestamp"),
    pytest.param(_bad_timestamp, id="timestamp-not-a-number"),
    pytest.param(_not_utf8, id="body-not-utf8"),
]


@pytest.mark.parametrize("forge", BAD_SIGNATURES)
def test_a_bad_signature_on_an_event_is_refused_and_nothing_runs(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack, forge: Any) -> None:
    body, headers = forge(event_body(dm("what is kratom")))
    response = slack_client.post("/slack/events", data=body, headers=headers,
                                 content_type="application/json")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert slack_state(slack_app).drain()
    assert asked(slack_app) == []
    assert fake_slack.calls == []


@pytest.mark.parametrize("forge", BAD_SIGNATURES)
def test_a_bad_signature_on_a_command_is_refused_before_answering(
        slack_app: Flask, slack_client: FlaskClient, forge: Any) -> None:
    body, headers = forge(command_body("what is kratom", channel_id="D1"))
    response = slack_client.post("/slack/commands", data=body, headers=headers, content_type=FORM)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_signature"
    assert asked(slack_app) == []


def test_a_bad_signature_on_a_click_is_refused(slack_app: Flask, slack_client: FlaskClient,
                                               fake_slack: FakeSlack) -> None:
    body = click_body("feedback_yes", "r1", fake_slack.url + "/hooks/1")
    response = slack_client.post("/slack/interactions", data=body, content_type=FORM,
                                 headers=signed_headers(body, secret="wrong"))
    assert response.status_code == 401
    assert slack_state(slack_app).drain()
    assert fake_slack.calls == []


def test_an_oversized_body_gets_a_json_413(slack_client: FlaskClient) -> None:
    body = command_body("x" * 300_000)
    response = post_signed(slack_client, "/slack/commands", body, FORM)
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_get_is_not_allowed(slack_client: FlaskClient) -> None:
    response = slack_client.get("/slack/commands")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


# --- slash command --------------------------------------------------------------------------------

def test_slash_command_answers_with_source_safety_and_feedback(
        slack_app: Flask, slack_client: FlaskClient) -> None:
    response = slash(slack_client, ANSWERED)
    assert response.status_code == 200
    message = response.get_json()
    [(reply, channel)] = asked(slack_app)
    assert (reply.kind, channel) == ("answer", "slack")
    assert message["response_type"] == "ephemeral"
    text = all_text(message)
    assert reply.text in text
    assert reply.source is not None
    assert f"{reply.source.title}* · {reply.source.section}" in text
    assert reply.safety in text
    for note in reply.context:
        assert note.text in text
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions[0]["elements"]] == [
        ("feedback_yes", reply.id), ("feedback_no", reply.id)]


def test_slash_command_can_answer_in_channel(slack_settings: Settings) -> None:
    app = make_app(replace(slack_settings, slack_ephemeral=False))
    message = slash(app.test_client(), ANSWERED).get_json()
    assert message["response_type"] == "in_channel"
    slack_state(app).close()


def test_ephemeral_setting_comes_from_the_environment() -> None:
    assert Settings.from_env({"FAQ_BOT_SLACK_EPHEMERAL": "off"}).slack_ephemeral is False
    assert Settings.from_env({}).slack_ephemeral is True


@pytest.mark.parametrize("text", ["", "   ", "help"], ids=["empty", "blank", "help"])
def test_an_empty_command_gets_usage_help(slack_app: Flask, slack_client: FlaskClient,
                                          text: str) -> None:
    response = slash(slack_client, text)
    assert response.status_code == 200
    message = response.get_json()
    assert message["response_type"] == "ephemeral"
    assert "/kratom-faq What is kratom?" in all_text(message)
    assert asked(slack_app) == []


def test_a_long_question_gets_a_friendly_note(slack_settings: Settings) -> None:
    app = make_app(replace(slack_settings, slack_ephemeral=False))
    response = slash(app.test_client(), "why " * 149 + "why?")
    assert response.status_code == 200
    message = response.get_json()
    assert message["response_type"] == "ephemeral"
    assert "600 characters" in message["text"] and "500" in message["text"]
    assert asked(app) == []
    slack_state(app).close()


def test_slack_ssl_check_is_acknowledged(slack_app: Flask, slack_client: FlaskClient) -> None:
    body = urlencode({"ssl_check": "1", "token": "legacy"}).encode()
    response = post_signed(slack_client, "/slack/commands", body, FORM)
    assert response.status_code == 200
    assert asked(slack_app) == []


def test_slack_escaped_text_is_unescaped_before_asking(slack_app: Flask,
                                                       slack_client: FlaskClient) -> None:
    slash(slack_client, "kratom &amp; alcohol")
    [(reply, _)] = asked(slack_app)
    assert (reply.kind, reply.topic) == ("referral", "interaction")


@pytest.mark.parametrize(("question", "kind", "header"), [
    pytest.param(DOSING, "referral", ":warning:", id="dosing"),
    pytest.param(EMERGENCY, "emergency", ":rotating_light:", id="emergency"),
])
def test_slash_command_safety_replies_stand_out(slack_app: Flask, slack_client: FlaskClient,
                                                question: str, kind: str, header: str) -> None:
    message = slash(slack_client, question).get_json()
    [(reply, _)] = asked(slack_app)
    assert reply.kind == kind
    assert message["blocks"][0]["type"] == "header"
    assert message["blocks"][0]["text"]["text"].startswith(header)
    text = all_text(message)
    assert reply.text in text
    assert reply.safety in text
    assert_no_amounts(text)
    assert "actions" not in block_types(message)
    if kind == "emergency":
        assert f"*{reply.text}*" in text


# --- rendering of every kind ----------------------------------------------------------------------

def test_clarify_and_fallback_list_their_suggestions(engine: Any) -> None:
    builder = ReplyBuilder(engine.faq)
    entries = list(engine.faq.entries[:3])
    for reply in (builder.clarify(entries, 0.6), builder.fallback("default", entries, 0.3)):
        message = render_reply(reply)
        text = all_text(message)
        assert reply.text in text
        for entry in entries:
            assert f"• {entry.question}" in text
        assert reply.safety in text
        assert "actions" not in block_types(message)


def test_context_notes_link_their_source(engine: Any) -> None:
    entry = next(e for e in engine.faq.entries if any(n.url for n in e.context))
    reply = ReplyBuilder(engine.faq).answer(entry, 0.9)
    message = render_reply(reply)
    contexts = [b["elements"][0]["text"] for b in message["blocks"] if b["type"] == "context"]
    for note in reply.context:
        assert any(note.url and f"<{note.url}|" in c and unescape(c).count(note.text) for c in
                   contexts), note


def test_answers_link_the_article_when_a_url_is_configured(engine: Any) -> None:
    entry = engine.faq.entries[0]
    reply = ReplyBuilder(engine.faq).answer(entry, 0.9)
    source = replace(reply.source, url="https://example.org/article")
    text = json.dumps(render_reply(replace(reply, source=source)))
    assert "<https://example.org/article|The Science Behind Kratom and Sleep>" in text


def test_rendering_escapes_slack_control_characters(engine: Any) -> None:
    reply = replace(ReplyBuilder(engine.faq).smalltalk("greeting"), text="a <b> & <!channel>")
    section = render_reply(reply)["blocks"][0]["text"]["text"]
    assert section == "a &lt;b&gt; &amp; &lt;!channel&gt;"


# --- Events API -----------------------------------------------------------------------------------

def test_url_verification_echoes_the_challenge(slack_client: FlaskClient) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    body = json.dumps({"token": "x", "challenge": challenge, "type": "url_verification"}).encode()
    response = post_signed(slack_client, "/slack/events", body, "application/json")
    assert response.status_code == 200
    assert response.get_json() == {"challenge": challenge}


def test_a_direct_message_is_answered_with_chat_post_message(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    started = time.monotonic()
    response = send_event(slack_client, dm(ANSWERED))
    assert response.status_code == 200
    assert time.monotonic() - started < 3
    [call] = fake_slack.wait_for(1)
    assert call.path == "/api/chat.postMessage"
    assert call.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert call.body["channel"] == "D1"
    assert "thread_ts" not in call.body
    [(reply, channel)] = asked(slack_app)
    assert (reply.kind, channel) == ("answer", "slack")
    text = all_text(call.body)
    assert reply.text in text
    assert reply.source is not None and reply.source.section in text
    assert reply.safety in text


def test_a_mention_is_answered_in_its_thread_without_the_mention(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    send_event(slack_client, mention(ANSWERED))
    [call] = fake_slack.wait_for(1)
    assert call.body["channel"] == "C1"
    assert call.body["thread_ts"] == "1700000000.000300"
    [(reply, _)] = asked(slack_app)
    assert reply.kind == "answer"
    assert reply.safety in all_text(call.body)
    assert "<@" not in all_text(call.body)


def test_a_mention_inside_a_thread_is_answered_in_that_thread(
        slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    send_event(slack_client, mention(ANSWERED, thread_ts="1699999999.000001"))
    [call] = fake_slack.wait_for(1)
    assert call.body["thread_ts"] == "1699999999.000001"


def test_a_bare_mention_gets_usage_help(slack_app: Flask, slack_client: FlaskClient,
                                        fake_slack: FakeSlack) -> None:
    send_event(slack_client, mention(""))
    [call] = fake_slack.wait_for(1)
    assert "What is kratom?" in all_text(call.body)
    assert asked(slack_app) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("<@U0BOT> what is kratom", "what is kratom"),
    ("<@U0BOT|faqbot> is kratom safe?", "is kratom safe?"),
    ("hey <@W012AB> what about sleep", "hey   what about sleep"),
    ("no mention", "no mention"),
], ids=["leading", "with-label", "enterprise-id-inside", "none"])
def test_strip_mentions(text: str, expected: str) -> None:
    assert strip_mentions(text) == expected


@pytest.mark.parametrize(("question", "kind"), [
    pytest.param(DOSING, "referral", id="dosing"),
    pytest.param(EMERGENCY, "emergency", id="emergency"),
])
@pytest.mark.parametrize("make_event", [dm, mention], ids=["dm", "mention"])
def test_events_safety_questions_get_policy_replies(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack,
        question: str, kind: str, make_event: Any) -> None:
    send_event(slack_client, make_event(question))
    [call] = fake_slack.wait_for(1)
    [(reply, _)] = asked(slack_app)
    assert reply.kind == kind
    text = all_text(call.body)
    assert reply.text in text
    assert reply.safety in text
    assert_no_amounts(text)


IGNORED = [
    pytest.param(dm("what is kratom", bot_id="B1"), id="bot-message-with-bot-id"),
    pytest.param(dm("what is kratom", subtype="bot_message", bot_id="B1"), id="bot_message"),
    pytest.param(dm("what is kratom", subtype="message_changed",
                    message={"text": "what is kratom?"}), id="edit"),
    pytest.param(dm("what is kratom", subtype="message_deleted"), id="deletion"),
    pytest.param(dm("what is kratom", subtype="channel_join"), id="other-subtype"),
    pytest.param(dm("what is kratom", channel_type="channel"), id="channel-message"),
    pytest.param(mention("what is kratom", bot_id="B9"), id="mention-by-a-bot"),
    pytest.param({"type": "reaction_added", "user": "U1", "reaction": "+1"}, id="other-event"),
    pytest.param("not an object", id="malformed-event"),
]


@pytest.mark.parametrize("event", IGNORED)
def test_events_the_bot_must_not_answer(slack_app: Flask, slack_client: FlaskClient,
                                        fake_slack: FakeSlack, event: Any) -> None:
    response = send_event(slack_client, event)
    assert response.status_code == 200
    assert slack_state(slack_app).drain()
    assert fake_slack.calls == []
    assert asked(slack_app) == []


def test_a_retried_event_is_answered_once(slack_app: Flask, slack_client: FlaskClient,
                                          fake_slack: FakeSlack) -> None:
    assert send_event(slack_client, dm(ANSWERED), "EvSame").status_code == 200
    for retry in ("1", "2"):
        response = send_event(slack_client, dm(ANSWERED), "EvSame",
                              **{"X-Slack-Retry-Num": retry,
                                 "X-Slack-Retry-Reason": "http_timeout"})
        assert response.status_code == 200
    fake_slack.wait_for(1)
    assert slack_state(slack_app).drain()
    assert len(fake_slack.calls) == 1
    assert len(asked(slack_app)) == 1
    send_event(slack_client, dm(ANSWERED, ts="1700000000.000101"), "EvOther")
    fake_slack.wait_for(2)
    # The same message under another event id (a mention is also a message) is taken once.
    send_event(slack_client, dm(ANSWERED, ts="1700000000.000101"), "EvOtherAgain")
    assert slack_state(slack_app).drain()
    assert len(fake_slack.calls) == 2


def test_events_are_acknowledged_without_a_bot_token(slack_settings: Settings,
                                                     fake_slack: FakeSlack) -> None:
    app = make_app(replace(slack_settings, slack_bot_token=None))
    assert send_event(app.test_client(), dm(ANSWERED)).status_code == 200
    assert slack_state(app).drain()
    assert fake_slack.calls == []
    slack_state(app).close()


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"], ids=["not-json", "not-an-object"])
def test_a_malformed_event_body_is_a_json_400(slack_client: FlaskClient, body: bytes) -> None:
    response = post_signed(slack_client, "/slack/events", body, "application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_body"


# --- interactions ---------------------------------------------------------------------------------

def click_body(action_id: str, value: str, response_url: str,
               message: dict[str, Any] | None = None) -> bytes:
    """A block_actions payload for one button click, form-encoded as Slack sends it."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"},
        "channel": {"id": "C1"}, "response_url": response_url, "trigger_id": "1.2.3",
        "container": {"type": "message", "message_ts": "1700000000.000200",
                      "is_ephemeral": message is None},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "feedback",
                     "value": value, "action_ts": "1700000001.000000"}],
    }
    if message is not None:
        payload["message"] = message
    return urlencode({"payload": json.dumps(payload)}).encode()


def click(client: FlaskClient, *args: Any, **kwargs: Any) -> Any:
    """Post one signed button click."""
    return post_signed(client, "/slack/interactions", click_body(*args, **kwargs), FORM)


@pytest.mark.parametrize(("action_id", "helpful"), [("feedback_yes", True),
                                                    ("feedback_no", False)],
                         ids=["helpful", "not-helpful"])
def test_a_feedback_click_thanks_in_place_and_reaches_the_hook(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack,
        action_id: str, helpful: bool) -> None:
    votes: list[tuple[str, bool, str]] = []
    slack_state(slack_app).feedback_hooks.append(lambda *vote: votes.append(vote))
    answered = slash(slack_client, ANSWERED).get_json()
    [(reply, _)] = asked(slack_app)
    message = {"type": "message", "ts": "1700000000.000200", "text": answered["text"],
               "blocks": answered["blocks"]}
    response = click(slack_client, action_id, reply.id, fake_slack.url + "/hooks/T1/B1/x", message)
    assert response.status_code == 200
    [call] = fake_slack.wait_for(1)
    assert call.path == "/hooks/T1/B1/x"
    assert call.body["replace_original"] is True
    assert "actions" not in block_types(call.body)
    text = all_text(call.body)
    assert reply.text in text and reply.safety in text
    assert ("glad it helped" in text) is helpful
    assert "Thanks" in text
    assert votes == [(reply.id, helpful, "slack")]


def test_a_click_on_an_ephemeral_answer_thanks_privately(
        slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    click(slack_client, "feedback_yes", "r1", fake_slack.url + "/hooks/T1/B1/y")
    [call] = fake_slack.wait_for(1)
    assert call.body["replace_original"] is False
    assert call.body["response_type"] == "ephemeral"
    assert "Thanks" in all_text(call.body)


def test_without_a_response_url_the_message_is_updated_with_chat_update(
        slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    message = {"type": "message", "ts": "1700000000.000200", "text": "answer",
               "blocks": render_reply(Reply(kind="answer", text="answer", safety="safe"))["blocks"]}
    body = click_body("feedback_no", "r1", "", message)
    post_signed(slack_client, "/slack/interactions", body, FORM)
    [call] = fake_slack.wait_for(1)
    assert call.path == "/api/chat.update"
    assert (call.body["channel"], call.body["ts"]) == ("C1", "1700000000.000200")
    assert "actions" not in block_types(call.body)


@pytest.mark.parametrize("args", [
    pytest.param(("some_other_action", "r1"), id="unknown-action"),
    pytest.param(("feedback_yes", ""), id="no-reply-id"),
], )
def test_other_clicks_are_acknowledged_and_ignored(slack_app: Flask, slack_client: FlaskClient,
                                                   fake_slack: FakeSlack, args: Any) -> None:
    votes: list[Any] = []
    slack_state(slack_app).feedback_hooks.append(lambda *vote: votes.append(vote))
    response = click(slack_client, *args, fake_slack.url + "/hooks/1")
    assert response.status_code == 200
    assert slack_state(slack_app).drain()
    assert fake_slack.calls == [] and votes == []


def test_a_response_url_outside_slack_is_never_called(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    elsewhere = f"http://127.0.0.1:{free_port()}/hooks/1"
    assert slack_state(slack_app).trusts_response_url(elsewhere) is False
    assert slack_state(slack_app).trusts_response_url("https://hooks.slack.com/actions/T/1/x")
    assert not slack_state(slack_app).trusts_response_url("http://hooks.slack.com/actions/1")
    assert click(slack_client, "feedback_yes", "r1", elsewhere).status_code == 200
    assert slack_state(slack_app).drain()
    assert fake_slack.calls == []


@pytest.mark.parametrize("body", [
    pytest.param(b"", id="no-payload"),
    pytest.param(urlencode({"payload": "{not json"}).encode(), id="payload-not-json"),
    pytest.param(urlencode({"payload": "[]"}).encode(), id="payload-not-an-object"),
])
def test_a_malformed_click_is_a_json_400(slack_client: FlaskClient, body: bytes) -> None:
    response = post_signed(slack_client, "/slack/interactions", body, FORM)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_payload"


def test_other_interaction_types_are_acknowledged(slack_client: FlaskClient) -> None:
    body = urlencode({"payload": json.dumps({"type": "view_submission"})}).encode()
    assert post_signed(slack_client, "/slack/interactions", body, FORM).status_code == 200


# --- dedupe stores --------------------------------------------------------------------------------

def test_memory_dedupe_forgets_after_its_ttl() -> None:
    now = [1000.0]
    store = MemoryDedupe(ttl=60, clock=lambda: now[0])
    assert store.first_time("Ev1") is True
    assert store.first_time("Ev1") is False
    assert store.first_time("Ev2") is True
    now[0] += 61
    assert store.first_time("Ev1") is True


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """The URL of a real redis-server started for this test."""
    with redis_server(tmp_path) as url:
        yield url


def test_redis_dedupe_against_a_real_server(redis_url: str) -> None:
    store = RedisDedupe.from_url(redis_url, ttl=120)
    assert store.first_time("Ev1") is True
    assert store.first_time("Ev1") is False
    assert RedisDedupe.from_url(redis_url).first_time("Ev1") is False
    assert store.first_time("Ev2") is True
    assert 0 < store.client.ttl("faq-bot:slack-event:Ev1") <= 120


def test_redis_dedupe_fails_open_when_redis_is_down() -> None:
    store = RedisDedupe.from_url(f"redis://127.0.0.1:{free_port()}/0")
    assert store.first_time("Ev1") is True


def test_replicas_sharing_redis_answer_a_retried_event_once(
        slack_settings: Settings, fake_slack: FakeSlack, redis_url: str) -> None:
    shared = replace(slack_settings, ratelimit_storage=redis_url)
    first, second = make_app(shared), make_app(shared)
    assert isinstance(slack_state(first).dedupe, RedisDedupe)
    send_event(first.test_client(), dm(ANSWERED), "EvReplica")
    send_event(second.test_client(), dm(ANSWERED), "EvReplica", **{"X-Slack-Retry-Num": "1"})
    fake_slack.wait_for(1)
    for app in (first, second):
        assert slack_state(app).drain()
        slack_state(app).close()
    assert len(fake_slack.calls) == 1
    assert len(asked(first)) + len(asked(second)) == 1


# --- the app manifest -----------------------------------------------------------------------------

def test_manifest_declares_the_endpoints_and_least_scopes() -> None:
    manifest = yaml.safe_load((REPO / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/kratom-faq"
    assert command["url"].endswith("/slack/commands")
    settings = manifest["settings"]
    assert settings["event_subscriptions"]["request_url"].endswith("/slack/events")
    # message.channels and message.groups: replies in the bot's threads without a mention.
    assert sorted(settings["event_subscriptions"]["bot_events"]) == [
        "app_mention", "message.channels", "message.groups", "message.im"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith("/slack/interactions")
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read", "channels:history", "chat:write", "commands", "groups:history",
        "im:history"]
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True


# --- conversations: a thread is one -----------------------------------------------------------

FOLLOW_ON = "and 5?"  # alone nothing to refer; after a dosing question, part of that thread


def reply_to(app: Flask, fake_slack: FakeSlack, calls: int) -> tuple[Reply, Any]:
    """The latest reply the app built and the Slack call that posted it."""
    posted = fake_slack.wait_for(calls)
    assert slack_state(app).drain()
    return asked(app)[-1][0], posted[-1]


def test_a_thread_is_a_conversation(slack_app: Flask, slack_client: FlaskClient,
                                    fake_slack: FakeSlack) -> None:
    send_event(slack_client, mention(DOSING, ts="1700000100.000001"), "EvT1")
    first, _ = reply_to(slack_app, fake_slack, 1)
    assert first.kind == "referral"
    send_event(slack_client, mention(FOLLOW_ON, ts="1700000100.000002",
                                     thread_ts="1700000100.000001"), "EvT2")
    second, call = reply_to(slack_app, fake_slack, 2)
    assert (second.kind, second.topic) == ("referral", "dosing")
    assert call.body["thread_ts"] == "1700000100.000001"
    # The same words in another thread, or at the top of the channel, stand alone.
    send_event(slack_client, mention(FOLLOW_ON, ts="1700000100.000003"), "EvT3")
    alone, _ = reply_to(slack_app, fake_slack, 3)
    assert alone.kind != "referral"
    # A message that stands on its own leaves the thread.
    send_event(slack_client, mention("never mind, where does kratom grow?",
                                     ts="1700000100.000004",
                                     thread_ts="1700000100.000001"), "EvT4")
    fresh, _ = reply_to(slack_app, fake_slack, 4)
    assert (fresh.kind, fresh.faq_id) == ("answer", "what-is-kratom")


def test_a_direct_message_chat_is_a_conversation(slack_app: Flask, slack_client: FlaskClient,
                                                 fake_slack: FakeSlack) -> None:
    send_event(slack_client, dm(DOSING, ts="1700000200.000001"), "EvD1")
    reply_to(slack_app, fake_slack, 1)
    send_event(slack_client, dm(FOLLOW_ON, ts="1700000200.000002"), "EvD2")
    second, call = reply_to(slack_app, fake_slack, 2)
    assert second.kind == "referral"
    assert "thread_ts" not in call.body


def test_replicas_sharing_redis_share_a_thread(slack_settings: Settings, fake_slack: FakeSlack,
                                               redis_url: str) -> None:
    shared = replace(slack_settings, ratelimit_storage=redis_url, secret_key="r" * 32)
    first, second = make_app(shared), make_app(shared)
    try:
        send_event(first.test_client(), mention(DOSING, ts="1700000300.000001"), "EvR1")
        fake_slack.wait_for(1)
        assert slack_state(first).drain()
        send_event(second.test_client(), mention(FOLLOW_ON, ts="1700000300.000002",
                                                 thread_ts="1700000300.000001"), "EvR2")
        fake_slack.wait_for(2)
        assert slack_state(second).drain()
        [(reply, _)] = asked(second)
        assert reply.kind == "referral"
    finally:
        for app in (first, second):
            slack_state(app).close()


def followup_buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The followup buttons of a rendered message, each with its section's text as `label`."""
    return [{**block["accessory"], "label": unescape(block["text"]["text"])}
            for block in message["blocks"]
            if str(block.get("block_id", "")).startswith("followups_")]


def test_followups_are_buttons_that_ask_in_the_same_conversation(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    answered = slash(slack_client, ANSWERED).get_json()
    [(first, _)] = asked(slack_app)
    entry = services(slack_app).store.engine.faq.by_id[first.faq_id or ""]
    buttons = followup_buttons(answered)
    assert [b["label"] for b in buttons] == [
        services(slack_app).store.engine.faq.by_id[i].question for i in entry.followups]
    assert len({b["action_id"] for b in buttons}) == len(buttons)

    # The slash command's answer is private: the followup's answer comes privately too.
    click(slack_client, buttons[0]["action_id"], buttons[0]["value"],
          fake_slack.url + "/hooks/T1/B1/f")
    [call] = fake_slack.wait_for(1)
    assert call.path == "/hooks/T1/B1/f"
    assert call.body["response_type"] == "ephemeral" and call.body["replace_original"] is False
    second = asked(slack_app)[-1][0]
    assert (second.kind, second.faq_id) == ("answer", entry.followups[0])
    assert second.text in all_text(call.body)
    tokens = services(slack_app).conversations
    assert tokens is not None
    previous, now = tokens.read(first.conversation), tokens.read(second.conversation)
    assert previous is not None and now is not None
    assert now.turns == previous.turns + 1  # the same conversation, one turn on


def test_a_followup_clicked_in_a_thread_answers_in_that_thread(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    send_event(slack_client, mention(ANSWERED, ts="1700000400.000001"), "EvF1")
    [posted] = fake_slack.wait_for(1)
    button = followup_buttons(posted.body)[0]
    message = {"type": "message", "ts": "1700000400.000002",
               "thread_ts": "1700000400.000001", "text": posted.body["text"],
               "blocks": posted.body["blocks"]}
    click(slack_client, button["action_id"], button["value"], fake_slack.url + "/hooks/x",
          message)
    calls = fake_slack.wait_for(2)
    assert calls[-1].path == "/api/chat.postMessage"
    assert calls[-1].body["thread_ts"] == "1700000400.000001"
    assert slack_state(slack_app).drain()
    reply = asked(slack_app)[-1][0]
    assert reply.kind == "answer"
    # The thread goes on from the followup's answer.
    from faq_bot.channels.slack.threads import thread_key

    kept = slack_state(slack_app).threads.get(thread_key("C1", "1700000400.000001"))
    assert kept == reply.conversation


def test_a_followup_for_an_entry_that_is_gone_is_ignored(
        slack_app: Flask, slack_client: FlaskClient, fake_slack: FakeSlack) -> None:
    from faq_bot.channels.slack.blocks import followup_value

    response = click(slack_client, "followup_0", followup_value("no-such-entry", "x"),
                     fake_slack.url + "/hooks/g")
    assert response.status_code == 200
    assert slack_state(slack_app).drain()
    assert fake_slack.calls == [] and asked(slack_app) == []
