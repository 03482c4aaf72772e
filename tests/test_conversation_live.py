"""Conversations on real gunicorn servers: any worker takes the next turn (no sticky sessions),
and replicas that share FAQ_BOT_SECRET_KEY take each other's conversations."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import requests
from ops_live import Gunicorn

SECRET = "replicas-share-this-secret-0123456789"


def ask(server: Gunicorn, question: str, conversation: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question}
    if conversation is not None:
        body["conversation"] = conversation
    # A new connection each time, so the turns of one conversation land on any worker.
    response = requests.post(server.url + "/api/v1/ask", json=body, timeout=10,
                             headers={"Connection": "close"})
    assert response.status_code == 200, response.text
    reply = response.json()
    assert isinstance(reply["conversation"], str) and reply["conversation"]
    return reply


def test_any_worker_takes_the_next_turn(gunicorn_factory: Callable[..., Gunicorn]) -> None:
    server = gunicorn_factory({"FAQ_BOT_RATELIMIT": "off"}, workers=3)
    for _ in range(12):
        first = ask(server, "can I mix kratom with alcohol?")
        second = ask(server, "only a glass of wine, though?", first["conversation"])
        assert second["kind"] == "referral", second
        answer = ask(server, "What does the article say about red vein kratom?")
        follow = ask(server, "and the green ones?", answer["conversation"])
        assert (follow["kind"], follow["faq_id"]) == ("answer", "green-and-white-vs-red")
    pids = {json.loads(line)["pid"] for line in server.stdout().splitlines()
            if line.startswith("{") and '"route": "/api/v1/ask"' in line}
    assert len(pids) > 1, "every request went to one worker; the test proves nothing"


def test_replicas_sharing_the_secret_share_conversations(
        gunicorn_factory: Callable[..., Gunicorn]) -> None:
    env = {"FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_SECRET_KEY": SECRET}
    one, two = gunicorn_factory(env), gunicorn_factory(env)
    other = gunicorn_factory({"FAQ_BOT_RATELIMIT": "off"})
    first = ask(one, "how many grams should I take?")
    assert ask(two, "and the green ones?", first["conversation"])["kind"] == "referral"
    # A server with another secret ignores the token: the message is read on its own.
    alone = ask(other, "and the green ones?")
    assert ask(other, "and the green ones?", first["conversation"])["kind"] == alone["kind"]
    assert alone["kind"] != "referral"


def test_the_labelled_conversations_pass_over_http(
        gunicorn_factory: Callable[..., Gunicorn]) -> None:
    # faq-bot eval --url: every turn over HTTP, on a several-worker server, as any client.
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    server = gunicorn_factory({"FAQ_BOT_RATELIMIT": "off"}, workers=3)
    for file in sorted((repo / "tests" / "eval" / "conversations").glob("*.yaml")):
        result = subprocess.run(
            [str(Path(sys.executable).parent / "faq-bot"), "eval", "--url", server.url,
             "--json", str(file)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        scores = json.loads(result.stdout)
        assert scores["failed"] == []
        assert scores["conversation"]["without_conversation"] == 0
        assert scores["conversation"]["followup_rate"] >= 0.8
