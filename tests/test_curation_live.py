"""Recording under real gunicorn workers: 1,000 concurrent questions give exactly 1,000 events
(SQLite in the instance folder and PostgreSQL); a graceful stop writes what the workers still
held, a SIGKILL loses only the killed worker's last moments; PostgreSQL stopped mid-run costs
no answer and recording resumes by itself; and the /admin page over a few hundred varied
questions, seen in Debian's Chromium (screenshot in test-artifacts/)."""

from __future__ import annotations

import glob
import itertools
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from db_tables import read_tables
from ops_live import Gunicorn, metric, wait_for
from pg import postgres_server

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
TOKEN = "live-admin-token-0123456789"

pytestmark = pytest.mark.e2e


def eval_questions() -> list[str]:
    """Every labelled question in tests/eval/: a few hundred varied questions of every kind."""
    out: list[str] = []
    for path in sorted(glob.glob(str(REPO / "tests" / "eval" / "*.yaml"))):
        out += [item["q"] for item in yaml.safe_load(Path(path).read_text())["questions"]]
    return out


def ask_all(server: Gunicorn, questions: list[str], channels: tuple[str, ...] = ("api",),
            threads: int = 48) -> list[dict[str, Any]]:
    """Ask every question at once from `threads` clients; each reply's JSON (all must be 200)."""
    def one(item: tuple[str, str]) -> dict[str, Any]:
        question, channel = item
        started = time.perf_counter()
        response = requests.post(server.url + "/api/v1/ask", timeout=10,
                                 json={"question": question, "channel": channel})
        assert response.status_code == 200, response.text
        return {**response.json(), "_seconds": time.perf_counter() - started,
                "_channel": channel}

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, zip(questions, itertools.cycle(channels), strict=False)))


def stored_ids(url: str) -> set[str]:
    """The ids of the events stored at `url`."""
    return {row["id"] for row in read_tables(url).get("curation_events", [])}


def wait_for_ids(url: str, expected: set[str], timeout: float = 30) -> set[str]:
    """Poll the database until it holds `expected` (bounded); the ids it holds then."""
    found: set[str] = set()

    def done() -> bool:
        nonlocal found
        found = stored_ids(url)
        return expected <= found

    wait_for(done, timeout, f"{len(expected)} events to be recorded", step=0.25)
    return found


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_thousand_concurrent_questions_are_a_thousand_events(
        gunicorn_factory: Callable[..., Gunicorn], request: pytest.FixtureRequest,
        backend: str) -> None:
    if backend == "postgresql":
        url = request.getfixturevalue("postgres").create_database()
        server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off",
                                   "FAQ_BOT_DATABASE_URL": url}, workers=2)
    else:
        # The default: a SQLite file in the instance folder, shared by the two workers.
        server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off"},
                                  workers=2)
        url = f"sqlite:///{server.env['FAQ_BOT_INSTANCE_DIR']}/curation.sqlite3"
    questions = list(itertools.islice(itertools.cycle(eval_questions()), 1000))
    replies = ask_all(server, questions, channels=("api", "web", "slack"))
    ids = {r["id"] for r in replies}
    assert len(ids) == 1000
    found = wait_for_ids(url, ids)
    time.sleep(0.5)  # anything late or doubled would show now
    rows = read_tables(url)["curation_events"]
    assert len(rows) == 1000 and {r["id"] for r in rows} == ids == found
    assert Counter(r["kind"] for r in rows) == Counter(r["kind"] for r in replies)
    assert Counter(r["channel"] for r in rows) == Counter(r["_channel"] for r in replies)
    # Referrals and emergencies name the rule that decided them, with no text; nothing else does.
    for row in rows:
        safety = row["kind"] in {"referral", "emergency"}
        assert bool(row["rule"]) == safety, row
        assert row["question"] is None or not safety
    assert any(row["rule"] for row in rows)
    # Both workers answered (and so both recorded).
    workers = {line.split('"pid": ')[1].split(",")[0]
               for line in server.stdout().splitlines() if '"route": "/api/v1/ask"' in line}
    assert len(workers) == 2


def test_a_graceful_stop_writes_what_the_workers_still_held(
        gunicorn_factory: Callable[..., Gunicorn]) -> None:
    # Events wait in each worker for up to the writer's interval; stopped right after the last
    # reply, the workers must write them before they exit.
    server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off"},
                              workers=2)
    url = f"sqlite:///{server.env['FAQ_BOT_INSTANCE_DIR']}/curation.sqlite3"
    replies = ask_all(server, eval_questions()[:300], threads=16)
    server.stop()
    assert server.proc.returncode == 0, server.stderr()[-3000:]
    assert stored_ids(url) == {r["id"] for r in replies}


def test_votes_right_after_the_answers_find_them_whichever_worker_takes_them(
        gunicorn_factory: Callable[..., Gunicorn]) -> None:
    # Each event waits in the worker that answered until its writer's next batch; a vote taken
    # by the other worker meanwhile must still find the reply, not get a 404.
    server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off"},
                              workers=2)
    replies = ask_all(server, eval_questions()[:80], threads=8)

    def vote(reply: dict[str, Any]) -> int:
        return requests.post(server.url + "/api/v1/feedback", timeout=10,
                             json={"reply_id": reply["id"], "helpful": True}).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(vote, replies))
    assert codes == [204] * len(replies)
    url = f"sqlite:///{server.env['FAQ_BOT_INSTANCE_DIR']}/curation.sqlite3"
    assert {r["reply_id"] for r in read_tables(url)["curation_feedback"]} == {
        r["id"] for r in replies}


def test_a_killed_worker_loses_only_the_replies_it_still_held(
        gunicorn_factory: Callable[..., Gunicorn]) -> None:
    # SIGKILL leaves a worker no time to write: it loses its buffer, the replies of its last
    # writer interval (0.25 s; 1.5 s of margin here). Everything older is stored, and so is
    # everything the other worker and the replacement answered.
    server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off"},
                              workers=2)
    url = f"sqlite:///{server.env['FAQ_BOT_INSTANCE_DIR']}/curation.sqlite3"
    questions = eval_questions()
    answered: list[tuple[float, str]] = []
    stop = time.monotonic() + 7.0

    def client(n: int) -> None:
        with requests.Session() as session:
            for question in itertools.islice(itertools.cycle(questions), n, None, 8):
                if time.monotonic() > stop:
                    return
                try:
                    reply = session.post(server.url + "/api/v1/ask", timeout=5,
                                         json={"question": question}).json()
                except (requests.RequestException, ValueError):
                    continue  # the request in flight on the killed worker
                answered.append((time.monotonic(), reply["id"]))

    with ThreadPoolExecutor(8) as pool:
        clients = [pool.submit(client, n) for n in range(8)]
        time.sleep(4.0)
        pids = {line.split('"pid": ')[1].split(",")[0]
                for line in server.stdout().splitlines() if '"route": "/api/v1/ask"' in line}
        victim = int(min(pids))
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        for done in clients:
            done.result()
    server.stop()  # the survivors write what they hold
    by_pid = {line.split('"reply_id": "')[1][:32]: int(line.split('"pid": ')[1].split(",")[0])
              for line in server.stdout().splitlines() if '"reply_id": "' in line}
    stored = stored_ids(url)
    lost = [(at, rid) for at, rid in answered if rid not in stored]
    assert len(answered) > 500
    assert all(by_pid.get(rid) == victim for _, rid in lost), "only the killed worker loses"
    assert all(at > killed_at - 1.5 for at, _ in lost), \
        f"{len(lost)} lost, the oldest answered {killed_at - min(at for at, _ in lost):.2f} s " \
        "before the kill"


def failures(server: Gunicorn, reason: str) -> float:
    """faq_bot_curation_failures_total{reason} summed over the workers."""
    text = requests.get(server.url + "/metrics", timeout=5).text
    return metric(text, "faq_bot_curation_failures_total", reason=reason)


def test_postgresql_stopped_mid_run_costs_no_answer_and_recording_resumes(
        gunicorn_factory: Callable[..., Gunicorn]) -> None:
    with postgres_server() as pg:
        url = pg.create_database()
        server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off",
                                   "FAQ_BOT_DATABASE_URL": url}, workers=2)
        questions = eval_questions()
        before = ask_all(server, questions[:40])
        wait_for_ids(url, {r["id"] for r in before})
        assert failures(server, "write_error") == 0

        pg.stop()
        during = ask_all(server, questions[40:80])
        # Answered as fast as ever: the database is never on the request path.
        assert max(r["_seconds"] for r in during) < 1.0
        wait_for(lambda: failures(server, "write_error") > 0, 15, "a counted write failure")
        vote = requests.post(server.url + "/api/v1/feedback", timeout=10,
                             json={"reply_id": before[0]["id"], "helpful": True,
                                   "comment": "zebracomment"})
        assert vote.status_code == 503
        assert vote.json()["error"]["code"] == "feedback_unavailable"
        assert "Retry-After" in vote.headers
        assert failures(server, "feedback_error") == 1

        pg.start()
        after = ask_all(server, questions[80:120])
        # The questions asked during the outage were held and written too.
        everything = {r["id"] for r in before + during + after}
        wait_for_ids(url, everything, timeout=30)
        assert stored_ids(url) == everything
        vote = requests.post(server.url + "/api/v1/feedback", timeout=10,
                             json={"reply_id": during[0]["id"], "helpful": False})
        assert vote.status_code == 204
        log = server.stderr()
        # Logged once per worker per outage, not once per failed attempt.
        assert 1 <= log.count("curation: cannot write to") <= 2, log[-3000:]
        assert "curation: recording resumed" in log
        assert "zebracomment" not in log + server.stdout()  # errors never log what was sent


# --- the admin page over a few hundred questions, in a real browser -------------------------

@pytest.mark.browser
def test_admin_page_over_hundreds_of_questions(
        gunicorn_factory: Callable[..., Gunicorn], browser: Any) -> None:
    server = gunicorn_factory({"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off",
                               "FAQ_BOT_ADMIN_TOKEN": TOKEN}, workers=2)
    questions = eval_questions()
    replies = ask_all(server, questions, channels=("web", "api", "web", "slack"))
    answers = [r for r in replies if r["kind"] == "answer"]
    comments = ["Did not answer what I asked", "Too long", None, "Wanted more about strains"]
    for i, reply in enumerate(answers[:60]):
        body = {"reply_id": reply["id"], "helpful": i % 3 == 0, "channel": "web",
                "comment": comments[i % len(comments)]}
        assert requests.post(server.url + "/api/v1/feedback", json=body,
                             timeout=10).status_code == 204
    instance = server.env["FAQ_BOT_INSTANCE_DIR"]
    wait_for_ids(f"sqlite:///{instance}/curation.sqlite3", {r["id"] for r in replies})

    # The command-line report over the same data.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAQ_BOT_")}
    env["FAQ_BOT_INSTANCE_DIR"] = instance
    report = subprocess.run([str(Path(sys.executable).parent / "faq-bot"), "report"],
                            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert report.returncode == 0, report.stderr
    assert f"Replies: {len(replies)} (" in report.stdout
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "curation-report.txt").write_text(report.stdout, encoding="utf-8")

    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1200, "height": 900},
                                  extra_http_headers={"Authorization": f"Bearer {TOKEN}"})
    try:
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text)
                if msg.type in {"error", "warning"} else None)
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        response = page.goto(server.url + "/admin?since=7d")
        assert response is not None and response.status == 200
        assert page.locator("svg.chart").count() == 4
        assert page.locator("svg.chart rect").count() > 20
        assert page.get_by_role("heading", name="Unanswered questions, grouped by need") \
            .is_visible()
        page.screenshot(path=str(ARTIFACTS / "admin-report.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "admin-report-top.png"))
    finally:
        context.close()
    # Without the token the same browser gets nothing but the 401.
    bare = browser.new_context()
    try:
        denied = bare.new_page().goto(server.url + "/admin")
        assert denied is not None and denied.status == 401
    finally:
        bare.close()
    assert problems == []
