"""GET /metrics: requests by route and status, replies by kind and topic, latency, the FAQ gauge
and reload counters; per app under the test client, summed over workers under gunicorn."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from ops_live import Gunicorn, metric, wait_for
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from faq_bot import create_app
from faq_bot.config import Settings
from faq_bot.services import services

QUESTIONS = [
    "What is kratom?",
    "how much kratom should I take to sleep",
    "my friend took kratom and is not breathing",
    "hello",
    "what is the weather today",
    "What is kratom?",
]


def _scrape(client: FlaskClient) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return response.get_data(as_text=True)


def test_requests_replies_and_latency_are_counted(client: FlaskClient) -> None:
    replies = Counter()
    for question in QUESTIONS:
        body = client.post("/api/v1/ask", json={"question": question}).get_json()
        replies[body["kind"], body["topic"] or ""] += 1
    text = _scrape(client)
    n = len(QUESTIONS)
    assert metric(text, "faq_bot_http_requests_total", method="POST", route="/api/v1/ask",
                  status="200") == n
    assert metric(text, "faq_bot_http_request_duration_seconds_count", route="/api/v1/ask") == n
    assert metric(text, "faq_bot_http_request_duration_seconds_sum", route="/api/v1/ask") > 0
    assert {kind for kind, _ in replies} >= {"answer", "emergency", "smalltalk", "fallback"}
    for (kind, topic), count in replies.items():
        assert metric(text, "faq_bot_replies_total", kind=kind, topic=topic,
                      channel="api") == count, (kind, topic)
    # Safety replies carry the rule that fired; the others an empty topic.
    assert metric(text, "faq_bot_replies_total", kind="emergency", topic="") == 0


# Referrals and emergencies, one asked twice; a word no rule id holds, to look for in /metrics.
SAFETY_QUESTIONS = [
    "how many grams of maeng da should my zebrafinch take",
    "my friend took kratom and is not breathing",
    "can I mix kratom with alcohol",
    "how many grams of maeng da should my zebrafinch take",
]


def test_safety_decisions_are_counted_by_rule_never_by_text(client: FlaskClient) -> None:
    engine = services(client.application).store.engine
    expected: Counter[tuple[str, str, str]] = Counter()
    for question in SAFETY_QUESTIONS:
        body = client.post("/api/v1/ask", json={"question": question}).get_json()
        # The rule is not in the reply's JSON; the engine decides the same question the same way.
        verdict = engine.ask(question)
        assert (verdict.kind, verdict.topic) == (body["kind"], body["topic"])
        assert body["kind"] in {"referral", "emergency"} and verdict.rule, question
        expected[body["kind"], body["topic"], verdict.rule] += 1
    for question in ("What is kratom?", "hello", "what is the weather today"):
        client.post("/api/v1/ask", json={"question": question})
    text = _scrape(client)
    assert {kind for kind, _, _ in expected} == {"referral", "emergency"}
    assert len({rule for _, _, rule in expected}) == 3
    for (kind, topic, rule), count in expected.items():
        assert metric(text, "faq_bot_safety_decisions_total", kind=kind, topic=topic,
                      rule=rule) == count, rule
    # Only referrals and emergencies are counted here, and never with what was asked.
    assert metric(text, "faq_bot_safety_decisions_total") == len(SAFETY_QUESTIONS)
    assert "zebrafinch" not in text and "maeng" not in text


def test_errors_are_counted_by_status(client: FlaskClient) -> None:
    client.post("/api/v1/ask", data="not json", content_type="text/plain")
    client.post("/api/v1/ask", json={"question": ""})
    client.get("/api/v1/ask")
    text = _scrape(client)
    assert metric(text, "faq_bot_http_requests_total", route="/api/v1/ask", status="415") == 1
    assert metric(text, "faq_bot_http_requests_total", route="/api/v1/ask", status="400") == 1
    # No rule matches a wrong method, so it counts with the unrouted requests.
    assert metric(text, "faq_bot_http_requests_total", route="unmatched", status="405") == 1
    assert metric(text, "faq_bot_replies_total") == 0


def test_unrouted_paths_share_one_label(client: FlaskClient) -> None:
    for path in ("/nope/1", "/nope/2", "/wp-admin.php"):
        assert client.get(path).status_code == 404
    text = _scrape(client)
    assert metric(text, "faq_bot_http_requests_total", route="unmatched", status="404") == 3
    assert "/nope" not in text and "wp-admin" not in text


def test_each_app_counts_for_itself(settings: Settings) -> None:
    first, second = create_app(settings).test_client(), create_app(settings).test_client()
    for _ in range(3):
        first.post("/api/v1/ask", json={"question": "What is kratom?"})
    assert metric(_scrape(first), "faq_bot_replies_total") == 3
    assert metric(_scrape(second), "faq_bot_replies_total") == 0


def test_faq_gauge_and_reload_counters(settings: Settings, faq_copy: Path) -> None:
    app = create_app(replace(settings, data_dir=faq_copy))
    client, store = app.test_client(), services(app).store
    entries = len(store.current.faq.entries)
    text = _scrape(client)
    assert metric(text, "faq_bot_faq_entries") == entries
    assert metric(text, "faq_bot_faq_reloads_total") == 0

    faq_yaml = faq_copy / "faq.yaml"
    good = faq_yaml.read_text(encoding="utf-8")
    faq_yaml.write_text("entries: [unclosed\n", encoding="utf-8")
    assert store.reload() is False
    text = _scrape(client)
    assert metric(text, "faq_bot_faq_reload_failures_total") == 1
    assert metric(text, "faq_bot_faq_entries") == entries

    faq_yaml.write_text(good, encoding="utf-8")
    assert store.reload() is True
    text = _scrape(client)
    assert metric(text, "faq_bot_faq_reloads_total") == 1
    assert metric(text, "faq_bot_faq_reload_failures_total") == 1
    assert metric(text, "faq_bot_faq_entries") == entries


def _stale_count(metrics_dir: Path) -> None:
    """A counter file as an earlier run would have left it: 1000 answered questions."""
    db = MmapedDict(str(metrics_dir / "counter_999999.db"))
    key = mmap_key("faq_bot_http_requests", "faq_bot_http_requests_total",
                   ["method", "route", "status"], ["POST", "/api/v1/ask", "200"], "stale")
    db.write_value(key, 1000.0, 0.0)
    db.close()


@pytest.mark.e2e
@pytest.mark.parametrize("configured", [True, False], ids=["given-dir", "own-temp-dir"])
def test_metrics_add_up_across_gunicorn_workers(gunicorn_factory, tmp_path: Path,
                                                configured: bool) -> None:
    env = {"FAQ_BOT_RATELIMIT": "off"}
    if configured:
        metrics_dir = tmp_path / "prometheus"
        metrics_dir.mkdir()
        _stale_count(metrics_dir)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    else:
        # Unset: the gunicorn config makes a directory (under TMPDIR) and removes it at exit.
        scratch = tmp_path / "tmp"
        scratch.mkdir()
        env["TMPDIR"] = str(scratch)
    server: Gunicorn = gunicorn_factory(env, workers=2)
    if configured:
        assert not (metrics_dir / "counter_999999.db").exists(), "stale counts were not cleared"
    else:
        (metrics_dir,) = scratch.glob("faq-bot-metrics-*")

    # Fast replies can all land on one worker; ask in rounds until both have served some
    # (bounded), so the sum across workers is what gets checked.
    total, pids = 0, set()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(10):
            statuses = list(pool.map(lambda _: server.ask("What is kratom?").status_code,
                                     range(40)))
            assert statuses == [200] * 40
            total += 40
            lines = [json.loads(line) for line in server.stdout().splitlines()
                     if line.startswith("{")]
            pids = {line["pid"] for line in lines if line["route"] == "/api/v1/ask"}
            if len(pids) == 2:
                break
    assert len(pids) == 2, f"the requests should reach both workers, got pids {pids}"
    assert {f"counter_{pid}.db" for pid in pids} <= set(os.listdir(metrics_dir))

    entries = len(server.get("/api/v1/faq").json()["entries"])
    text = server.get("/metrics").text
    assert metric(text, "faq_bot_http_requests_total", route="/api/v1/ask",
                  status="200") == total
    assert metric(text, "faq_bot_replies_total", kind="answer", channel="api") == total
    assert metric(text, "faq_bot_http_request_duration_seconds_count",
                  route="/api/v1/ask") == total
    assert metric(text, "faq_bot_faq_entries") == entries

    # A worker that dies keeps its counts; its live gauge goes (child_exit) and a new worker
    # takes its place.
    dead = min(pids)
    os.kill(dead, signal.SIGKILL)
    wait_for(lambda: server.stderr().count("Booting worker") >= 3, 15, "a replacement worker")
    wait_for(lambda: not (metrics_dir / f"gauge_livemostrecent_{dead}.db").exists(), 5,
             "the dead worker's gauge file to be removed")
    text = server.get("/metrics").text
    assert metric(text, "faq_bot_http_requests_total", route="/api/v1/ask",
                  status="200") == total
    assert metric(text, "faq_bot_faq_entries") == entries
    if not configured:
        server.stop()
        assert not metrics_dir.exists(), "the master should remove the directory it made"
