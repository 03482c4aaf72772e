"""Safe reload: a new FAQ is checked before it replaces the old one. A bad one is refused, the
last good FAQ keeps answering and /readyz says why; a good one is picked up; no request fails
meanwhile, whether the file changes under a running server or the master gets SIGHUP."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from ops_live import REPO, Gunicorn, metric, wait_for

from faq_bot import create_app
from faq_bot.config import Settings
from faq_bot.services import services

BROKEN = "entries: [this list is never closed\n"
_QUESTION = re.compile(r"^(\s+question: )(.+)$", re.MULTILINE)


def _write(path: Path, text: str) -> None:
    """Replace `path` at once, as an editor or a ConfigMap update does."""
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _revised(faq_yaml: str) -> tuple[str, str]:
    """`faq_yaml` with its first question reworded, and that new question."""
    match = _QUESTION.search(faq_yaml)
    assert match, "faq.yaml has no question line"
    new = match.group(2) + " (revised)"
    return faq_yaml[:match.start(2)] + new + faq_yaml[match.end(2):], new


def _first_question(faq: dict) -> str:
    return faq["entries"][0]["question"]


def test_refused_reload_keeps_the_last_good_faq(settings: Settings, faq_copy: Path) -> None:
    app = create_app(replace(settings, data_dir=faq_copy))
    client, store = app.test_client(), services(app).store
    before = client.get("/api/v1/faq").get_json()
    faq_yaml = faq_copy / "faq.yaml"
    good = faq_yaml.read_text(encoding="utf-8")

    _write(faq_yaml, BROKEN)
    store.poll(force=True)
    ready = client.get("/readyz")
    assert ready.status_code == 200, "the last good FAQ still answers, so still ready"
    assert "faq.yaml" in ready.get_json()["reload_error"]
    assert client.get("/api/v1/faq").get_json() == before
    reply = client.post("/api/v1/ask", json={"question": "What is kratom?"}).get_json()
    assert reply["kind"] == "answer"

    revised, question = _revised(good)
    _write(faq_yaml, revised)
    store.poll(force=True)
    assert "reload_error" not in client.get("/readyz").get_json()
    assert _first_question(client.get("/api/v1/faq").get_json()) == question


@contextmanager
def _load(server: Gunicorn, threads: int = 3) -> Iterator[Callable[[], tuple[int, list[str]]]]:
    """Keep asking, listing and probing from `threads` threads; yields a (count, failures)
    getter. Every request must succeed."""
    stop = threading.Event()
    lock = threading.Lock()
    failures: list[str] = []
    done = [0]

    def hammer() -> None:
        calls = [lambda: server.ask("What is kratom?"), lambda: server.get("/api/v1/faq"),
                 lambda: server.get("/readyz")]
        i = 0
        while not stop.is_set():
            try:
                response = calls[i % 3]()
                ok = response.status_code == 200
                problem = f"{response.request.url}: {response.status_code}"
            except requests.RequestException as exc:
                ok, problem = False, repr(exc)
            with lock:
                done[0] += 1
                if not ok:
                    failures.append(problem)
            i += 1

    workers = [threading.Thread(target=hammer, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    try:
        yield lambda: (done[0], list(failures))
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=10)


def _steadily(server: Gunicorn, check: Callable[[dict, dict], bool], what: str,
              timeout: float = 20) -> None:
    """Wait until `check(readyz, faq)` holds for several requests in a row (any worker)."""
    streak = [0]

    def holds() -> bool:
        ok = check(server.get("/readyz").json(), server.get("/api/v1/faq").json())
        streak[0] = streak[0] + 1 if ok else 0
        return streak[0] >= 8

    wait_for(holds, timeout, what, step=0.02)


def _exercise_reload(server: Gunicorn, data_dir: Path, kick: Callable[[], None]) -> None:
    faq_yaml = data_dir / "faq.yaml"
    good = faq_yaml.read_text(encoding="utf-8")
    original = _first_question(server.get("/api/v1/faq").json())
    revised, question = _revised(good)

    with _load(server) as progress:
        _write(faq_yaml, BROKEN)
        kick()
        _steadily(server, lambda ready, faq: "faq.yaml" in ready.get("reload_error", ""),
                  "every worker to report the refused reload")
        assert server.alive(), "a bad FAQ must not stop the server"
        assert _first_question(server.get("/api/v1/faq").json()) == original
        reply = server.ask("What is kratom?").json()
        assert reply["kind"] == "answer" and reply["faq_id"]

        _write(faq_yaml, revised)
        kick()
        _steadily(server, lambda ready, faq: "reload_error" not in ready
                  and _first_question(faq) == question, "every worker to answer the new FAQ")
        count, failures = progress()
    assert failures == [], f"{len(failures)} of {count} requests failed during the reloads"
    assert count >= 30, f"only {count} requests were made during the reloads"

    refusals = [json.loads(line) for line in server.stderr().splitlines()
                if line.startswith("{") and "reload refused" in line]
    assert refusals and refusals[0]["level"] == "error" and "faq.yaml" in refusals[0]["message"]
    text = server.get("/metrics").text
    assert metric(text, "faq_bot_faq_reload_failures_total") >= 1
    assert metric(text, "faq_bot_faq_reloads_total") >= 1


@pytest.mark.e2e
def test_changed_file_is_checked_then_picked_up(gunicorn_factory, tmp_path: Path,
                                                 data_dir: Path) -> None:
    copy = tmp_path / "faq"
    shutil.copytree(data_dir, copy)
    server = gunicorn_factory({"FAQ_BOT_DATA_DIR": str(copy), "FAQ_BOT_RELOAD_INTERVAL": "1",
                               "FAQ_BOT_RATELIMIT": "off"}, workers=2)
    _exercise_reload(server, copy, kick=lambda: None)


@pytest.mark.e2e
def test_sighup_checks_the_faq_before_new_workers_start(gunicorn_factory, tmp_path: Path,
                                                        data_dir: Path) -> None:
    copy = tmp_path / "faq"
    shutil.copytree(data_dir, copy)
    # Polling off, so only SIGHUP can bring the new FAQ in. The config is given as a file,
    # which gunicorn executes again on SIGHUP: the start-up check must not stop the master.
    server = gunicorn_factory({"FAQ_BOT_DATA_DIR": str(copy), "FAQ_BOT_RELOAD_INTERVAL": "0",
                               "FAQ_BOT_RATELIMIT": "off"}, workers=2,
                              conf=str(REPO / "faq_bot" / "gunicorn_conf.py"))
    boots = [server.stderr().count("Booting worker")]

    def hup() -> None:
        server.signal(signal.SIGHUP)
        boots[0] += 2  # gunicorn forks a fresh set of workers from the master
        wait_for(lambda: server.stderr().count("Booting worker") >= boots[0], 15,
                 "gunicorn to start new workers after SIGHUP")

    _exercise_reload(server, copy, kick=hup)
    assert server.alive()
