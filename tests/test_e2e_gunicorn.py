"""Real gunicorn, started the three ways an operator does (with the package's config, plainly
from the repository root, and `faq-bot serve`), asked over HTTP; and refusing to start at all
on a bad FAQ, a missing data directory or a bad setting."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from live import (
    FAQ_BOT_SERVE,
    GUNICORN,
    GUNICORN_PLAIN,
    REPO,
    Server,
    listening,
    run_to_exit,
    running,
    server_env,
)
from ports import free_port

from faq_bot.core.faq.model import Faq

pytestmark = pytest.mark.e2e

QUESTIONS = {
    "What is kratom?": "answer",
    "how many grams of kratom for sleep": "referral",
    "can I take kratom with alcohol": "referral",
    "I think I overdosed": "emergency",
    "where can I buy the best kratom": "fallback",
    "hello": "smalltalk",
}


def start(cmd: list[str], cwd: Path, tmp: Path) -> Iterator[Server]:
    port = free_port()
    with running(cmd, server_env(port, tmp), cwd, tmp / "server.log") as server:
        yield server


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn -c python:faq_bot.server.conf, run away from the repository root."""
    tmp = tmp_path_factory.mktemp("packaged")
    yield from start(GUNICORN, tmp, tmp)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Plain `gunicorn 'faq_bot:create_app()'` from the repository root (./gunicorn.conf.py)."""
    yield from start(GUNICORN_PLAIN, REPO, tmp_path_factory.mktemp("plain"))


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`faq-bot serve`."""
    tmp = tmp_path_factory.mktemp("serve")
    yield from start(FAQ_BOT_SERVE, tmp, tmp)


def ask(server: Server, question: str) -> dict[str, Any]:
    response = requests.post(f"{server.url}/api/v1/ask", json={"question": question}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def comparable(reply: dict[str, Any]) -> dict[str, Any]:
    """A reply without its per-reply id and conversation token (which holds its issue time)."""
    return {k: v for k, v in reply.items() if k not in ("id", "conversation")}


def test_gunicorn_answers_over_http(packaged: Server, faq: Faq) -> None:
    for question, kind in QUESTIONS.items():
        reply = ask(packaged, question)
        assert reply["kind"] == kind, (question, reply)
        assert reply["safety"] == faq.policy.safety_line
        if kind in {"answer", "referral", "emergency"}:
            assert reply["source"] and reply["source"]["title"]
    answer = ask(packaged, "What is kratom?")
    assert answer["faq_id"] == "what-is-kratom"
    assert answer["source"]["section"] == "Introduction"
    assert "911" in ask(packaged, "I think I overdosed")["text"]


def test_gunicorn_serves_the_other_endpoints(packaged: Server) -> None:
    assert requests.get(f"{packaged.url}/healthz", timeout=5).json() == {"status": "ok"}
    assert requests.get(f"{packaged.url}/readyz", timeout=5).status_code == 200
    entries = requests.get(f"{packaged.url}/api/v1/faq", timeout=5).json()["entries"]
    assert any(e["id"] == "what-is-kratom" for e in entries)
    assert requests.get(f"{packaged.url}/openapi.json", timeout=5).json()["openapi"]


def test_gunicorn_errors_are_json(packaged: Server) -> None:
    response = requests.post(f"{packaged.url}/api/v1/ask", data="hi",
                             headers={"Content-Type": "text/plain"}, timeout=5)
    assert response.status_code == 415
    assert set(response.json()["error"]) >= {"code", "message"}
    response = requests.get(f"{packaged.url}/api/v1/ask", timeout=5)
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]


def test_both_workers_answer_alike(packaged: Server) -> None:
    # Twenty requests on fresh connections land on both workers; each must give the same reply.
    replies = {str(comparable(ask(packaged, "What is kratom?"))) for _ in range(20)}
    assert len(replies) == 1


@pytest.mark.parametrize("other", ["plain", "served"])
def test_every_way_of_starting_answers_the_same(packaged: Server, other: str,
                                                request: pytest.FixtureRequest) -> None:
    server: Server = request.getfixturevalue(other)
    for question in QUESTIONS:
        assert comparable(ask(server, question)) == comparable(ask(packaged, question))


# --- refusing to start ------------------------------------------------------------------------

def break_faq(folder: Path) -> int:
    """Give the second entry of folder/faq.yaml the first entry's id; return that line."""
    text = (folder / "faq.yaml").read_text(encoding="utf-8")
    ids = list(re.finditer(r"^  - id: (\S+)$", text, re.M))
    first, second = ids[0], ids[1]
    text = text[:second.start(1)] + first.group(1) + text[second.end(1):]
    (folder / "faq.yaml").write_text(text, encoding="utf-8")
    return text.count("\n", 0, second.start()) + 1


@pytest.mark.parametrize("cmd", [GUNICORN, FAQ_BOT_SERVE], ids=["gunicorn", "faq-bot-serve"])
def test_a_bad_faq_stops_the_start_with_file_and_line(cmd: list[str], faq_copy: Path,
                                                     tmp_path: Path) -> None:
    line = break_faq(faq_copy)
    port = free_port()
    result = run_to_exit(cmd, server_env(port, tmp_path, FAQ_BOT_DATA_DIR=str(faq_copy)),
                         tmp_path)
    assert result.returncode != 0
    assert f"{faq_copy / 'faq.yaml'}:{line}: " in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not listening(port)


def test_a_missing_data_directory_stops_the_start(tmp_path: Path) -> None:
    missing = tmp_path / "no-faq-here"
    port = free_port()
    result = run_to_exit(GUNICORN, server_env(port, tmp_path, FAQ_BOT_DATA_DIR=str(missing)),
                         tmp_path)
    assert result.returncode != 0
    assert str(missing) in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not listening(port)


@pytest.mark.parametrize(("variable", "value"), [("FAQ_BOT_WORKERS", "many"),
                                                 ("FAQ_BOT_CURATION", "maybe")])
def test_a_bad_setting_stops_the_start(tmp_path: Path, variable: str, value: str) -> None:
    port = free_port()
    result = run_to_exit(GUNICORN, server_env(port, tmp_path, **{variable: value}), tmp_path)
    assert result.returncode != 0
    assert variable in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not listening(port)
