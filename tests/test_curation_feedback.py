"""Votes on replies: `POST /api/v1/feedback` against SQLite and a real PostgreSQL, its contract
errors and rate limit, and a signed Slack button click that lands in the curator's report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from db_tables import TableRows
from flask import Flask
from flask.testing import FlaskClient
from slack_helpers import BOT_TOKEN, SECRET, FakeSlack, signed_headers

from faq_bot import create_app
from faq_bot.channels.slack import slack_state
from faq_bot.config import Settings
from faq_bot.curation.hooks import curation
from faq_bot.curation.store import EventRow, utcnow

ANSWERED = "What is kratom?"
FORM = "application/x-www-form-urlencoded"


def ask(client: FlaskClient, question: str = ANSWERED) -> dict[str, Any]:
    """POST one question; the reply's JSON."""
    response = client.post("/api/v1/ask", json={"question": question})
    assert response.status_code == 200
    return response.get_json()


def vote(client: FlaskClient, reply_id: str, helpful: bool, **extra: Any) -> Any:
    """POST one vote."""
    return client.post("/api/v1/feedback",
                       json={"reply_id": reply_id, "helpful": helpful, **extra})


def votes_of(app: Flask, rows: Callable[[], TableRows]) -> list[dict[str, Any]]:
    """The stored votes, once the app's recorder has written what it holds."""
    assert curation(app).recorder.flush(10)
    return rows()["curation_feedback"]


# --- the endpoint, on both databases --------------------------------------------------------

def test_a_vote_is_stored_and_a_second_replaces_it(curation_app: Flask,
                                                    db_rows: Callable[[], TableRows]) -> None:
    client = curation_app.test_client()
    reply = ask(client)
    response = vote(client, reply["id"], False, comment="Too vague; mail me at a@b.example")
    assert (response.status_code, response.data) == (204, b"")
    [stored] = votes_of(curation_app, db_rows)
    assert (stored["reply_id"], stored["helpful"], stored["comment"], stored["channel"]) == (
        reply["id"], False, "Too vague; mail me at [email]", "api")
    assert vote(client, reply["id"], True, channel="web").status_code == 204
    [stored] = votes_of(curation_app, db_rows)
    assert (stored["helpful"], stored["comment"], stored["channel"]) == (True, None, "web")


def test_a_vote_right_after_the_answer_finds_it(curation_app: Flask) -> None:
    # The event may still wait in the writer's queue: the vote must not miss it.
    client = curation_app.test_client()
    for _ in range(25):
        reply = ask(client, "what about research and risk in general")
        assert vote(client, reply["id"], True).status_code == 204


@pytest.mark.parametrize("reply_id", [
    pytest.param("0" * 32, id="never-issued"),
    pytest.param("expired", id="past-retention"),
])
def test_an_unknown_or_expired_reply_is_404(curation_app: Flask, reply_id: str) -> None:
    cur = curation(curation_app)
    cur.db.add_events([EventRow("expired", utcnow() - timedelta(days=31), "api", "answer",
                                "what-is-kratom", 1.0, None, None)])
    response = vote(curation_app.test_client(), reply_id, True)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_reply"


def test_comments_on_safety_replies_or_about_emergencies_are_not_kept(
        curation_app: Flask, db_rows: Callable[[], TableRows]) -> None:
    client = curation_app.test_client()
    answer, referral = ask(client), ask(client, "how many grams should I take")
    assert vote(client, answer["id"], False, comment="I want to kill myself").status_code == 204
    assert vote(client, referral["id"], False, comment="just tell me the dose").status_code == 204
    stored = {v["reply_id"]: v for v in votes_of(curation_app, db_rows)}
    assert stored[answer["id"]]["comment"] is None
    assert stored[referral["id"]]["comment"] is None
    assert stored[referral["id"]]["helpful"] is False


# --- bad input: the contract's errors (one database is enough) ------------------------------

@pytest.fixture
def sqlite_app(settings: Settings, tmp_path: Any) -> Iterator[Flask]:
    """An app recording to a SQLite file."""
    app = create_app(replace(settings, curation=True, instance_dir=tmp_path))
    yield app
    curation(app).close()


@pytest.mark.parametrize(("body", "content_type", "status", "code"), [
    pytest.param(b'{"reply_id": "a", "helpful": true}', "text/plain", 415,
                 "unsupported_media_type", id="not-json-type"),
    pytest.param(b"{not json", "application/json", 400, "invalid_json", id="invalid-json"),
    pytest.param(b"[1, 2]", "application/json", 400, "invalid_body", id="not-an-object"),
    pytest.param({"helpful": True}, None, 400, "missing_reply_id", id="no-reply-id"),
    pytest.param({"reply_id": 12, "helpful": True}, None, 400, "invalid_reply_id",
                 id="reply-id-number"),
    pytest.param({"reply_id": "a b<", "helpful": True}, None, 400, "invalid_reply_id",
                 id="reply-id-odd-characters"),
    pytest.param({"reply_id": "a" * 65, "helpful": True}, None, 400, "invalid_reply_id",
                 id="reply-id-too-long"),
    pytest.param({"reply_id": "abc"}, None, 400, "missing_helpful", id="no-helpful"),
    pytest.param({"reply_id": "abc", "helpful": "yes"}, None, 400, "invalid_helpful",
                 id="helpful-string"),
    pytest.param({"reply_id": "abc", "helpful": 1}, None, 400, "invalid_helpful",
                 id="helpful-number"),
    pytest.param({"reply_id": "abc", "helpful": True, "comment": 5}, None, 400,
                 "invalid_comment", id="comment-number"),
    pytest.param({"reply_id": "abc", "helpful": True, "comment": "x" * 501}, None, 413,
                 "comment_too_long", id="comment-501-chars"),
    pytest.param({"reply_id": "abc", "helpful": True, "channel": "fax"}, None, 400,
                 "invalid_channel", id="unknown-channel"),
    pytest.param({"reply_id": "abc", "helpful": True, "comment": "x" * 20000}, None, 413,
                 "payload_too_large", id="body-too-large"),
])
def test_bad_votes_get_the_contract_error(sqlite_app: Flask, body: Any, content_type: str | None,
                                          status: int, code: str) -> None:
    client = sqlite_app.test_client()
    if isinstance(body, dict):
        response = client.post("/api/v1/feedback", json=body)
    else:
        response = client.post("/api/v1/feedback", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert set(response.get_json()["error"]) == {"code", "message"}


def test_a_comment_of_500_characters_is_fine(sqlite_app: Flask) -> None:
    client = sqlite_app.test_client()
    reply = ask(client)
    assert vote(client, reply["id"], False, comment="x" * 500).status_code == 204


def test_other_methods_are_405(sqlite_app: Flask) -> None:
    response = sqlite_app.test_client().get("/api/v1/feedback")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


def test_votes_are_rate_limited_per_client(settings: Settings, tmp_path: Any) -> None:
    app = create_app(replace(settings, curation=True, instance_dir=tmp_path,
                             ratelimit="3/minute"))
    try:
        client = app.test_client()
        reply = ask(client)
        statuses = [vote(client, reply["id"], True).status_code for _ in range(4)]
        assert statuses == [204, 204, 204, 429]
        limited = vote(client, reply["id"], True)
        assert limited.get_json()["error"]["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
        # Asking has a limit of its own: votes do not use it up.
        assert client.post("/api/v1/ask", json={"question": ANSWERED}).status_code == 200
    finally:
        curation(app).close()


# --- Slack: a signed button click lands in the report ---------------------------------------

def find_values(node: Any, key: str) -> list[Any]:
    """Every value stored under `key` anywhere in a JSON document."""
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == key] + [
            x for v in node.values() for x in find_values(v, key)]
    if isinstance(node, list):
        return [x for item in node for x in find_values(item, key)]
    return []


def signed_post(client: FlaskClient, path: str, fields: dict[str, str]) -> Any:
    """POST a form to a Slack endpoint, signed as Slack signs it."""
    body = urlencode(fields).encode()
    return client.post(path, data=body, headers=signed_headers(body), content_type=FORM)


def test_a_signed_slack_vote_lands_in_the_report(curation_settings: Settings) -> None:
    fake = FakeSlack()
    app = create_app(replace(curation_settings, slack_signing_secret=SECRET,
                             slack_bot_token=BOT_TOKEN, slack_api_url=fake.api_url))
    try:
        client = app.test_client()
        answered = signed_post(client, "/slack/commands", {
            "command": "/kratom-faq", "text": ANSWERED, "team_id": "T1", "channel_id": "C1",
            "user_id": "U1", "response_url": fake.url + "/hooks/T1/1/x"}).get_json()
        # The feedback buttons' value (followup buttons carry an entry and a conversation).
        feedback = [b for b in answered["blocks"] if b.get("block_id") == "feedback"]
        [reply_id] = {v for v in find_values(feedback, "value") if v}
        payload = {
            "type": "block_actions", "user": {"id": "U1"}, "channel": {"id": "C1"},
            "response_url": fake.url + "/hooks/T1/B1/x",
            "message": {"ts": "1700000000.000200", "text": answered["text"],
                        "blocks": answered["blocks"]},
            "actions": [{"type": "button", "action_id": "feedback_no", "block_id": "feedback",
                         "value": reply_id}],
        }
        response = signed_post(client, "/slack/interactions", {"payload": json.dumps(payload)})
        assert response.status_code == 200
        [thanks] = fake.wait_for(1)  # the message is updated to say thanks
        assert thanks.body["replace_original"] is True
        assert "Thanks" in json.dumps(thanks.body)
        cur = curation(app)
        assert cur.recorder.flush(10)
        report = cur.report(app.extensions["faq_bot"].store.engine.matcher, timedelta(days=1))
        assert report.votes_by_channel == {"slack": 1}
        assert report.by_channel == {"slack": 1}
        [entry] = report.not_helpful
        assert (entry.key, entry.not_helpful, entry.helpful) == ("what-is-kratom", 1, 0)
    finally:
        slack_state(app).close()
        curation(app).close()
        fake.close()
