"""Conversations on real gunicorn servers: any worker takes the next turn (no sticky sessions),
and replicas that share FAQ_BOT_SECRET_KEY take each other's conversations."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from ops_live import Gunicorn

SECRET = "replicas-share-this-secret-0123456789"


def post(server: Gunicorn, question: str,
         conversation: str | None = None) -> tuple[dict[str, Any], str]:
    """Ask on a new connection; the reply and the request id the server logged it under."""
    body: dict[str, Any] = {"question": question}
    if conversation is not None:
        body["conversation"] = conversation
    # A new connection each time, so the turns of one conversation land on any worker.
    response = requests.post(server.url + "/api/v1/ask", json=body, timeout=10,
                             headers={"Connection": "close"})
    assert response.status_code == 200, response.text
    reply = response.json()
    assert isinstance(reply["conversation"], str) and reply["conversation"]
    return reply, response.headers["X-Request-ID"]


def ask(server: Gunicorn, question: str, conversation: str | None = None) -> dict[str, Any]:
    return post(server, question, conversation)[0]


def two_turns(server: Gunicorn, turns: tuple[str, str],
              expected: tuple[str, str | None]) -> tuple[str, str]:
    """One conversation of two turns; checks the second reply and returns both request ids."""
    first, first_id = post(server, turns[0])
    second, second_id = post(server, turns[1], first["conversation"])
    assert (second["kind"], second.get("faq_id")) == expected, second
    return first_id, second_id


CONVERSATIONS = [
    (("can I mix kratom with alcohol?", "only a glass of wine, though?"), ("referral", None)),
    (("What does the article say about red vein kratom?", "and the green ones?"),
     ("answer", "green-and-white-vs-red")),
]


def test_any_worker_takes_the_next_turn(gunicorn_factory: Callable[..., Gunicorn]) -> None:
    server = gunicorn_factory({"FAQ_BOT_RATELIMIT": "off"}, workers=3)
    # Sequential requests on a busy machine can all be accepted by one worker, so the
    # conversations run side by side: a worker busy with one turn leaves the next to another.
    # Rounds go on until a second turn was served by another worker than its first.
    crossed = 0
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(10):
            pairs = list(pool.map(lambda c: two_turns(server, *c), CONVERSATIONS * 6))
            pid_of = {line["request_id"]: line["pid"] for line in map(
                json.loads, filter(lambda s: s.startswith("{"), server.stdout().splitlines()))
                if line.get("route") == "/api/v1/ask"}
            crossed = sum(pid_of[first] != pid_of[second] for first, second in pairs)
            if crossed:
                break
    assert crossed, "every conversation stayed on one worker; the test proves nothing"


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
