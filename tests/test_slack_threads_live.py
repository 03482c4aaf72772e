"""A Slack thread on a real several-worker gunicorn server without Redis: whichever worker takes a
reply with no mention, it goes on in the thread's conversation (read back from the bot's last
reply there). Events are signed exactly as Slack signs them.

Which worker accepts a connection is the kernel's choice, and it is not spread: gunicorn's sync
workers all wait in select() on one listening socket, and the one that wins accept() is often
the same for many connections in a row (all nine events of a run on one worker, about one run
in five). So the worker that took the last event is paused (SIGSTOP) while the next one is
posted: every reply is then taken by a worker that did not take the turn before it.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from ops_live import Gunicorn
from slack_helpers import BOT_TOKEN, SECRET, signed_headers
from test_slack_threads import APP_ID, BOT_USER, CHANNEL, SlackWorld

_ids = itertools.count(1)


@pytest.fixture
def world() -> Iterator[SlackWorld]:
    slack = SlackWorld()
    yield slack
    slack.close()


def post_event(server: Gunicorn, event: dict[str, Any]) -> int:
    """Post one event callback, signed; the pid of the worker that took it."""
    body = json.dumps({"token": "legacy", "team_id": "T1", "api_app_id": APP_ID,
                       "type": "event_callback", "event_id": f"EvLive{next(_ids)}",
                       "event_time": int(time.time()), "event": event,
                       "authorizations": [{"team_id": "T1", "user_id": BOT_USER,
                                           "is_bot": True}]}).encode()
    # A new connection each time, so the events land on any worker.
    response = requests.post(server.url + "/slack/events", data=body, timeout=10,
                             headers={**signed_headers(body), "Connection": "close",
                                      "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return worker_of(server, response.headers["X-Request-ID"])


def worker_of(server: Gunicorn, request_id: str) -> int:
    """The pid in the log line of a request (written before its response is sent)."""
    for line in server.stdout().splitlines():
        if line.startswith("{") and f'"request_id": "{request_id}"' in line:
            pid: int = json.loads(line)["pid"]
            return pid
    raise AssertionError(f"no log line for request {request_id}:\n{server.stdout()[-2000:]}")


@contextmanager
def paused(pid: int) -> Iterator[None]:
    """Stop a worker for a moment, so the connections made meanwhile go to the others."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def thread_state(post: dict[str, Any]) -> dict[str, Any]:
    """The (readable, signed) payload of the token a post carries in its metadata."""
    token = post["metadata"]["event_payload"]["conversation"]
    state: dict[str, Any] = json.loads(bytes.fromhex(token.split(".")[0]))
    return state


def test_any_worker_goes_on_in_the_thread(gunicorn_factory: Callable[..., Gunicorn],
                                          world: SlackWorld) -> None:
    server = gunicorn_factory({"FAQ_BOT_RATELIMIT": "off", "SLACK_SIGNING_SECRET": SECRET,
                               "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": world.api_url,
                               "FAQ_BOT_CURATION": "off"}, workers=3)
    question = "my toddler got into my kratom powder and ate some"
    thread = world.person_says(CHANNEL, f"<@{BOT_USER}> {question}")
    worker = post_event(server, {"type": "app_mention", "channel": CHANNEL, "user": "U1",
                                 "text": f"<@{BOT_USER}> {question}", "ts": thread})
    taken = [worker]
    first = world.wait_for_posts(1)[-1]
    assert thread_state(first)["r"] == "emergency"
    follow_ons = ["he seems fine now", "i mean it", "what do I do", "ok and now?",
                  "should I still call someone?", "is he going to be ok?", "he threw up",
                  "what do I do?"]
    for n, text in enumerate(follow_ons, start=2):
        ts = world.person_says(CHANNEL, text, thread)
        # The worker that took the last turn waits, so another one takes this one.
        with paused(taken[-1]):
            worker = post_event(server, {"type": "message", "channel_type": "channel",
                                         "channel": CHANNEL, "user": "U1", "text": text,
                                         "ts": ts, "thread_ts": thread, "parent_user_id": "U1"})
        assert worker != taken[-1], taken
        taken.append(worker)
        post = world.wait_for_posts(n)[-1]
        assert post["thread_ts"] == thread
        state = thread_state(post)
        assert (state["k"], state["r"], state["n"]) == ("emergency", "emergency", n), text
    pids = {json.loads(line)["pid"] for line in server.stdout().splitlines()
            if line.startswith("{") and '"route": "/slack/events"' in line}
    assert len(pids) > 1, "every event went to one worker; the test proves nothing"
    # Nine events on three workers, none taking two in a row: some worker took a turn while it
    # kept an older turn of the thread in its own memory (the stale copy must not win).
    assert any(taken[i] in taken[:i] for i in range(1, len(taken))), taken
