"""Slack threads (issue 17): a reply in a thread the bot answered, with no mention, is answered in
the same conversation; on any worker or replica, with or without Redis.

Requests are signed exactly as Slack signs them (the v0 HMAC of the raw body and timestamp) and
posted to the real endpoints; a loopback stand-in for Slack's Web API keeps what the bot posts
(metadata included) and serves it back from conversations.replies and conversations.history
as Slack does (`oldest`, `latest`, `limit` and cursor pages), so a process that has not seen a
thread must read it back from "Slack".
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from slack_helpers import BOT_TOKEN, SECRET, signed_headers

from faq_bot import create_app
from faq_bot.channels.slack import slack_state
from faq_bot.channels.slack.routes import EventTarget, _event_target
from faq_bot.channels.slack.threads import (
    METADATA_EVENT,
    MemoryThreads,
    reply_metadata,
    thread_key,
)
from faq_bot.config import Settings
from faq_bot.core.conversation import ConversationTokens, Turn
from faq_bot.core.replies import Reply
from faq_bot.services import services

APP_ID = "A1"
BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
CHANNEL = "C1"
EMERGENCY = "my toddler got into my kratom powder and ate some"
DOSING = "how many grams should I take"
KEY = "k" * 32


class SlackWorld:
    """Slack's Web API on 127.0.0.1: keeps every message (people's and the bot's) by channel,
    answers chat.postMessage, conversations.replies and conversations.history from them, and
    records every call."""

    def __init__(self) -> None:
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._cond = threading.Condition()
        self._ts = itertools.count(1)
        # Messages are stamped from a minute ago on: inside the window the bot reads back
        # (`oldest` is now minus the idle time) and before Slack's default `latest`, now.
        self._epoch = int(time.time()) - 60
        # Errors (e.g. "ratelimited") to answer the next reads with, in turn; None reads as usual.
        self.read_errors: list[str | None] = []
        world = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self._reply(world.handle(parts.path, query))

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or b"{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                self._reply(world.handle(urlsplit(self.path).path, body))

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.api_url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def next_ts(self) -> str:
        return f"{self._epoch}.{next(self._ts):06d}"

    def handle(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        method = path.rsplit("/", 1)[-1]
        with self._cond:
            self.calls.append((method, body))
            self._cond.notify_all()
            if method == "chat.postMessage":
                metadata = body.get("metadata")
                if isinstance(metadata, str):
                    metadata = json.loads(metadata)
                message = {"type": "message", "user": BOT_USER, "bot_id": BOT_ID,
                           "app_id": APP_ID, "text": body.get("text", ""), "ts": self.next_ts(),
                           "thread_ts": body.get("thread_ts"), "metadata": metadata}
                self.messages.setdefault(body["channel"], []).append(message)
                return {"ok": True, "channel": body["channel"], "ts": message["ts"]}
            if method.startswith("conversations.") and self.read_errors:
                error = self.read_errors.pop(0)
                if error:
                    return {"ok": False, "error": error}
            if method == "conversations.replies":
                everything = self.messages.get(body["channel"], [])
                thread = [m for m in everything
                          if m["ts"] == body["ts"] or m.get("thread_ts") == body["ts"]]
                if not any(m["ts"] == body["ts"] for m in thread):
                    return {"ok": False, "error": "thread_not_found"}
                return self._page(thread, body, newest_first=False)
            if method == "conversations.history":
                main = [m for m in self.messages.get(body["channel"], [])
                        if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
                return self._page(main, body, newest_first=True)
            return {"ok": True}

    @classmethod
    def _page(cls, messages: list[dict[str, Any]], query: dict[str, Any],
              newest_first: bool) -> dict[str, Any]:
        """One page of `messages` as Slack serves it: only those between `oldest` and `latest`
        (exclusive unless `inclusive`), replies oldest first and history newest first, at most
        `limit` of them, and a cursor (`next_ts:<ts>`, base64) for the rest."""
        oldest = float(query.get("oldest") or 0)
        latest = float(query.get("latest") or time.time())
        if str(query.get("inclusive")).lower() in ("1", "true"):
            window = [m for m in messages if oldest <= float(m["ts"]) <= latest]
        else:
            window = [m for m in messages if oldest < float(m["ts"]) < latest]
        window.sort(key=lambda m: float(m["ts"]), reverse=newest_first)
        cursor = query.get("cursor")
        if cursor:
            try:
                start = float(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
            except ValueError:
                return {"ok": False, "error": "invalid_cursor"}
            window = [m for m in window
                      if (float(m["ts"]) <= start if newest_first else float(m["ts"]) >= start)]
        limit = min(max(int(query.get("limit") or 1000), 1), 1000)
        page, rest = window[:limit], window[limit:]
        next_cursor = base64.b64encode(f"next_ts:{rest[0]['ts']}".encode()).decode() if rest else ""
        return {"ok": True, "messages": [cls._shown(m, query) for m in page],
                "has_more": bool(rest), "response_metadata": {"next_cursor": next_cursor}}

    @staticmethod
    def _shown(message: dict[str, Any], query: dict[str, Any]) -> dict[str, Any]:
        # Slack leaves metadata out unless include_all_metadata is asked for.
        shown = {k: v for k, v in message.items() if v is not None}
        if str(query.get("include_all_metadata")).lower() not in ("1", "true"):
            shown.pop("metadata", None)
        return shown

    def person_says(self, channel: str, text: str, thread_ts: str | None = None,
                    user: str = "U1") -> str:
        """A person's message appears in Slack; its ts."""
        ts = self.next_ts()
        with self._cond:
            self.messages.setdefault(channel, []).append(
                {"type": "message", "user": user, "text": text, "ts": ts,
                 "thread_ts": thread_ts})
        return ts

    def posts(self) -> list[dict[str, Any]]:
        with self._cond:
            return [body for method, body in self.calls if method == "chat.postMessage"]

    def methods(self) -> list[str]:
        with self._cond:
            return [method for method, _ in self.calls]

    def wait_for_posts(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while len([c for c in self.calls if c[0] == "chat.postMessage"]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} post(s), got {self.calls}")
                self._cond.wait(left)
        return self.posts()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world() -> Iterator[SlackWorld]:
    slack = SlackWorld()
    yield slack
    slack.close()


def make_app(settings: Settings) -> Flask:
    app = create_app(settings)
    app.config["TESTING"] = True
    app.extensions["test.replies"] = []
    services(app).reply_hooks.append(
        lambda reply, channel: app.extensions["test.replies"].append(reply))
    return app


@pytest.fixture
def slack_settings(settings: Settings, world: SlackWorld) -> Settings:
    # One FAQ_BOT_SECRET_KEY, as several workers of one server (or replicas) share.
    return replace(settings, slack_signing_secret=SECRET, slack_bot_token=BOT_TOKEN,
                   slack_api_url=world.api_url, secret_key=KEY)


@pytest.fixture
def workers(slack_settings: Settings) -> Iterator[list[Flask]]:
    """Two workers of one server without Redis: each its own memory, one secret."""
    apps = [make_app(slack_settings), make_app(slack_settings)]
    yield apps
    for app in apps:
        slack_state(app).close()


def replies(app: Flask) -> list[Reply]:
    return app.extensions["test.replies"]


def read_token(app: Flask, token: str | None) -> Turn | None:
    """What a conversation token of `app` carries."""
    tokens = services(app).conversations
    assert tokens is not None
    return tokens.read(token)


_event_ids = itertools.count(1)


def deliver(app: Flask, event: dict[str, Any], *, authorizations: bool = True,
            secret: str = SECRET) -> Any:
    """One event callback, signed as Slack signs it, to `app`; then wait for its work."""
    body = {"token": "legacy", "team_id": "T1", "api_app_id": APP_ID, "type": "event_callback",
            "event_id": f"Ev{next(_event_ids):05d}", "event_time": int(time.time()),
            "event": event}
    if authorizations:
        body["authorizations"] = [{"enterprise_id": None, "team_id": "T1", "user_id": BOT_USER,
                                   "is_bot": True, "is_enterprise_install": False}]
    raw = json.dumps(body).encode()
    response = app.test_client().post("/slack/events", data=raw,
                                      headers=signed_headers(raw, secret),
                                      content_type="application/json")
    assert slack_state(app).drain()
    return response


def mention(world: SlackWorld, text: str, thread_ts: str | None = None) -> dict[str, Any]:
    ts = world.person_says(CHANNEL, f"<@{BOT_USER}> {text}", thread_ts)
    event = {"type": "app_mention", "channel": CHANNEL, "user": "U1",
             "text": f"<@{BOT_USER}> {text}", "ts": ts, "event_ts": ts}
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def thread_reply(world: SlackWorld, text: str, thread_ts: str, parent_user: str = "U1",
                 user: str = "U1") -> dict[str, Any]:
    """A message.channels event: a person's reply in a thread, as Slack sends it."""
    ts = world.person_says(CHANNEL, text, thread_ts, user)
    return {"type": "message", "channel": CHANNEL, "user": user, "text": text, "ts": ts,
            "thread_ts": thread_ts, "parent_user_id": parent_user, "channel_type": "channel",
            "event_ts": ts}


def start_thread(app: Flask, world: SlackWorld, question: str) -> str:
    """Mention the bot at the top of the channel; the thread's ts."""
    event = mention(world, question)
    deliver(app, event)
    return str(event["ts"])


# --- a reply with no mention in the bot's thread ---------------------------------------------

def test_a_reply_without_a_mention_goes_on_in_the_same_conversation(
        workers: list[Flask], world: SlackWorld) -> None:
    app = workers[0]
    thread = start_thread(app, world, EMERGENCY)
    assert replies(app)[-1].kind == "emergency"
    for n, text in enumerate(["he seems fine now", "i mean it", "what do I do",
                              "ok and now?"], start=2):
        deliver(app, thread_reply(world, text, thread))
        posted = world.wait_for_posts(n)[-1]
        assert posted["thread_ts"] == thread
        reply = replies(app)[-1]
        assert (reply.kind, reply.topic) in (("emergency", "child_ingestion"),
                                             ("emergency", "urgent")), text
    turn = read_token(app, replies(app)[-1].conversation)
    assert turn is not None and turn.turns == 5
    # A question that stands apart is answered in the thread, which then goes on from it.
    deliver(app, thread_reply(world, "never mind, where does kratom grow?", thread))
    assert (replies(app)[-1].kind, replies(app)[-1].faq_id) == ("answer", "what-is-kratom")


def test_a_thread_of_people_is_not_joined(workers: list[Flask], world: SlackWorld) -> None:
    app = workers[0]
    parent = world.person_says(CHANNEL, "anyone tried kratom for sleep?")
    response = deliver(app, thread_reply(world, "how many grams do you take?", parent))
    assert response.status_code == 200
    assert world.posts() == [] and replies(app) == []


@pytest.mark.parametrize("text", ["<@U2> what do you think?", "ask <@U2|bob> about it"])
def test_a_reply_addressed_to_someone_else_is_left_to_them(
        workers: list[Flask], world: SlackWorld, text: str) -> None:
    app = workers[0]
    thread = start_thread(app, world, DOSING)
    deliver(app, thread_reply(world, text, thread))
    assert len(world.posts()) == 1 and len(replies(app)) == 1


def test_a_mention_in_the_thread_is_answered_once(workers: list[Flask],
                                                  world: SlackWorld) -> None:
    # Slack sends a mention inside a thread twice: as app_mention and as a channel message.
    app = workers[0]
    thread = start_thread(app, world, DOSING)
    event = mention(world, "and 5?", thread)
    as_message = {**event, "type": "message", "channel_type": "channel",
                  "parent_user_id": "U1"}
    deliver(app, event)
    deliver(app, as_message)
    assert len(world.wait_for_posts(2)) == 2
    assert [r.kind for r in replies(app)] == ["referral", "referral"]


def test_the_bot_s_own_posts_and_edits_in_the_thread_are_not_answered(
        workers: list[Flask], world: SlackWorld) -> None:
    app = workers[0]
    thread = start_thread(app, world, DOSING)
    ours = {**thread_reply(world, "and 5?", thread, user=BOT_USER), "bot_id": BOT_ID}
    edit = {**thread_reply(world, "and 5?", thread), "subtype": "message_changed"}
    for event in (ours, edit):
        deliver(app, event)
    assert len(world.posts()) == 1


def test_a_thread_under_the_bot_s_own_message_is_the_bot_s(workers: list[Flask],
                                                          world: SlackWorld) -> None:
    # E.g. a slash command answered in the channel: the thread hangs under the bot's post,
    # whose conversation is not kept; the reply is answered as a new conversation.
    app = workers[0]
    parent = world.person_says(CHANNEL, "an answer posted in the channel", user=BOT_USER)
    deliver(app, thread_reply(world, "what is kratom?", parent, parent_user=BOT_USER))
    [posted] = world.wait_for_posts(1)
    assert posted["thread_ts"] == parent
    assert replies(app)[-1].kind == "answer"
    # Without the bot's id in the callback, such a thread is not known to be the bot's.
    other = world.person_says(CHANNEL, "another post of the bot's", user=BOT_USER)
    deliver(app, thread_reply(world, "what is kratom?", other, parent_user=BOT_USER),
            authorizations=False)
    assert len(world.posts()) == 1


def test_an_idle_thread_is_not_rejoined(workers: list[Flask], world: SlackWorld) -> None:
    app = workers[0]
    thread = start_thread(app, world, DOSING)
    # The conversation has been idle past FAQ_BOT_CONVERSATION_TTL: its token is stale.
    stale = ConversationTokens(KEY.encode(), clock=lambda: time.time() - 7200).issue(
        Turn("referral", None, "referral", "dosing"))
    slack_state(app).threads.put(thread_key(CHANNEL, thread), stale)
    for message in world.messages[CHANNEL]:
        if message.get("metadata"):
            message["metadata"]["event_payload"]["conversation"] = stale
    deliver(app, thread_reply(world, "and 5?", thread))
    assert len(world.posts()) == 1


def test_a_badly_signed_thread_reply_is_refused(workers: list[Flask],
                                                world: SlackWorld) -> None:
    app = workers[0]
    thread = start_thread(app, world, DOSING)
    response = deliver(app, thread_reply(world, "and 5?", thread), secret="x" * 32)
    assert response.status_code == 401
    assert len(world.posts()) == 1


# --- several workers, several replicas -------------------------------------------------------

def test_another_worker_reads_the_conversation_back_from_slack(
        workers: list[Flask], world: SlackWorld) -> None:
    first, second = workers
    thread = start_thread(first, world, EMERGENCY)
    [posted] = world.wait_for_posts(1)
    # The reply carries its token in its metadata: ids and topics, signed; no question text.
    assert posted["metadata"]["event_type"] == METADATA_EVENT
    payload = posted["metadata"]["event_payload"]
    assert set(payload) == {"conversation"}
    assert "toddler" not in json.dumps(payload) and "kratom" not in json.dumps(payload)
    # The second worker has never seen the thread: it reads it back and stays in it.
    assert slack_state(second).threads.get(thread_key(CHANNEL, thread)) is None
    deliver(second, thread_reply(world, "he seems fine now", thread))
    assert "conversations.replies" in world.methods()
    [reply] = replies(second)
    assert (reply.kind, reply.topic) == ("emergency", "child_ingestion")
    # And back on the first worker, from the second's reply.
    deliver(first, thread_reply(world, "should I still call someone?", thread))
    assert replies(first)[-1].kind == "emergency"
    turn = read_token(first, replies(first)[-1].conversation)
    assert turn is not None and turn.turns == 3


def test_the_newest_reply_is_found_past_the_first_page_of_a_long_thread(
        workers: list[Flask], world: SlackWorld) -> None:
    first, second = workers
    thread = start_thread(first, world, DOSING)
    # People talk on in the thread: 250 messages, more than one page of the read-back.
    for n in range(250):
        world.person_says(CHANNEL, f"chatter {n}", thread, user="U2")
    deliver(first, mention(world, EMERGENCY, thread))
    assert replies(first)[-1].kind == "emergency"
    # The second worker never saw the thread; the bot's latest reply is on the second page,
    # and the first page holds only its first turn (dosing): that older turn must not win.
    deliver(second, thread_reply(world, "he seems fine now", thread))
    [reply] = replies(second)
    assert (reply.kind, reply.topic) in (("emergency", "child_ingestion"),
                                         ("emergency", "urgent"))
    turn = read_token(second, reply.conversation)
    assert turn is not None and turn.turns == 3
    reads = [body for method, body in world.calls if method == "conversations.replies"]
    assert any(body.get("cursor") for body in reads)


def test_slack_failing_on_a_later_page_means_no_token(workers: list[Flask],
                                                     world: SlackWorld) -> None:
    first, second = workers
    thread = start_thread(first, world, DOSING)
    for n in range(250):
        world.person_says(CHANNEL, f"chatter {n}", thread, user="U2")
    # The first page holds a turn of the bot's, but not necessarily its latest: not taken.
    world.read_errors = [None, "ratelimited"]
    response = deliver(second, thread_reply(world, "and 5?", thread))
    assert response.status_code == 200
    assert len(world.posts()) == 1 and replies(second) == []


@pytest.mark.parametrize(("age", "joined"), [(-120, True), (600, False)])
def test_a_reply_older_than_the_idle_time_is_not_read_back(
        slack_settings: Settings, world: SlackWorld, age: int, joined: bool) -> None:
    ttl = 900
    app = make_app(replace(slack_settings, conversation_ttl=ttl))
    try:
        # The bot's reply was posted `age` seconds past the idle time ago. Its token is issued
        # now, so it would still be read as live: only the read's `oldest` can leave it out.
        posted = time.time() - ttl - age
        parent = world.person_says(CHANNEL, DOSING)
        token = services(app).conversations.issue(Turn("referral", None, "referral", "dosing"))
        world.messages[CHANNEL].append(
            {"type": "message", "user": BOT_USER, "bot_id": BOT_ID, "app_id": APP_ID,
             "text": "a reply", "ts": f"{posted:.6f}", "thread_ts": parent,
             "metadata": reply_metadata(token)})
        before = time.time()
        deliver(app, thread_reply(world, "and 5?", parent))
        assert (len(world.posts()) == 1) is joined
        assert [r.topic for r in replies(app)] == (["dosing"] if joined else [])
        [read] = [body for method, body in world.calls if method == "conversations.replies"]
        assert before - ttl - 120 < float(read["oldest"]) <= time.time() - ttl
    finally:
        slack_state(app).close()


def test_metadata_of_another_app_is_not_ours(workers: list[Flask], world: SlackWorld) -> None:
    first, second = workers
    thread = start_thread(first, world, DOSING)
    for message in world.messages[CHANNEL]:
        if message.get("app_id") == APP_ID:
            message["app_id"], message["user"] = "A_OTHER", "U_OTHER"
    deliver(second, thread_reply(world, "and 5?", thread))
    assert len(world.posts()) == 1 and replies(second) == []


def test_a_direct_message_chat_moves_between_workers(workers: list[Flask],
                                                     world: SlackWorld) -> None:
    first, second = workers
    for app, text in ((first, DOSING), (second, "and 5?")):
        ts = world.person_says("D1", text)
        deliver(app, {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                      "text": text, "ts": ts})
    assert "conversations.history" in world.methods()
    assert (replies(second)[-1].kind, replies(second)[-1].topic) == ("referral", "dosing")


def test_replicas_sharing_redis_share_the_thread_without_asking_slack(
        slack_settings: Settings, world: SlackWorld, redis_url: str) -> None:
    shared = replace(slack_settings, ratelimit_storage=redis_url)
    first, second = make_app(shared), make_app(shared)
    try:
        thread = start_thread(first, world, EMERGENCY)
        deliver(second, thread_reply(world, "he seems fine now", thread))
        assert [r.kind for r in replies(second)] == ["emergency"]
        assert "conversations.replies" not in world.methods()
        # A thread of people is not the bot's: Redis has no conversation for it.
        parent = world.person_says(CHANNEL, "kratom anyone?")
        deliver(second, thread_reply(world, "what is kratom?", parent))
        assert len(world.posts()) == 2
    finally:
        for app in (first, second):
            slack_state(app).close()


def test_slack_away_means_the_message_is_not_joined_nor_answered_wrongly(
        slack_settings: Settings) -> None:
    # No Slack to read the thread back from: a reply with no mention in a thread this worker
    # does not know is left alone (a mention would still be answered, on its own).
    app = make_app(replace(slack_settings, slack_api_url="http://127.0.0.1:9/api/"))
    try:
        deliver(app, {"type": "message", "channel": CHANNEL, "user": "U1", "text": "and 5?",
                      "ts": "1700002000.000002", "thread_ts": "1700002000.000001",
                      "parent_user_id": "U1", "channel_type": "channel"})
        assert replies(app) == []
    finally:
        slack_state(app).close()


# --- which events are thread replies ---------------------------------------------------------

@pytest.mark.parametrize(("event", "expected"), [
    ({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1", "text": "x",
      "ts": "2.0", "thread_ts": "1.0", "parent_user_id": "U1"},
     EventTarget("C1", "1.0", "x", "2.0", own_thread_only=True)),
    ({"type": "message", "channel_type": "group", "channel": "G1", "user": "U1", "text": "x",
      "ts": "2.0", "thread_ts": "1.0", "parent_user_id": BOT_USER},
     EventTarget("G1", "1.0", "x", "2.0", own_thread_only=True, parent_is_bot=True)),
    # The first message of a thread, a top-level message, or one with a mention: not replies.
    ({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1", "text": "x",
      "ts": "1.0", "thread_ts": "1.0"}, None),
    ({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1", "text": "x",
      "ts": "1.0"}, None),
    ({"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
      "text": f"<@{BOT_USER}> x", "ts": "2.0", "thread_ts": "1.0"}, None),
    ({"type": "message", "channel_type": "mpim", "channel": "M1", "user": "U1", "text": "x",
      "ts": "2.0", "thread_ts": "1.0"}, None),
])
def test_event_targets(event: dict[str, Any], expected: EventTarget | None) -> None:
    assert _event_target(event, BOT_USER) == expected


def test_memory_threads_are_not_shared() -> None:
    assert MemoryThreads(60).shared is False
