"""Recording replies for curators, against SQLite and a real PostgreSQL: what each event holds,
what is never stored, the versioned schema, the retention purge, and recording that never holds
up an answer."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from click.testing import CliRunner
from db_tables import TableRows, read_tables
from flask import Flask
from flask.testing import FlaskClient

from faq_bot import create_app
from faq_bot.cli import main
from faq_bot.config import ConfigError, Settings
from faq_bot.core.replies import Reply, new_id
from faq_bot.curation import Curation
from faq_bot.curation.hooks import curation
from faq_bot.curation.recorder import Recorder
from faq_bot.curation.store import (
    LATEST,
    MIGRATIONS,
    Database,
    EventRow,
    SchemaTooNew,
    Vote,
    database_url,
    events,
    feedback,
    schema_version,
    utcnow,
)
from faq_bot.services import services

# One question for each kind of reply (checked in the first test).
ASKED = {
    "answer": "What is kratom?",
    "clarify": "what about research and risk in general",
    "fallback": "is kratom legal in texas",
    "referral": "how many grams should I take",
    "emergency": "I think I overdosed",
    "smalltalk": "hello",
}
# Safety questions with a word no other text holds, to look for anywhere in the database.
DOSING = "how many grams of maeng da should my zebrafinch take"
EMERGENCY = "my friend took too much kratom and wont wake up, quokkasecret"
CONTACT = "is kratom legal in texas? write to jane.doe@example.com or call +1 (555) 123-4567"


def ask(client: FlaskClient, question: str, channel: str | None = None) -> dict[str, Any]:
    """POST one question; the reply's JSON."""
    body = {"question": question} | ({"channel": channel} if channel else {})
    response = client.post("/api/v1/ask", json=body)
    assert response.status_code == 200, response.data
    return response.get_json()


def flush(app: Flask) -> None:
    """Wait until the app's recorder has written everything queued."""
    cur = curation(app)
    assert cur is not None and cur.recorder.flush(10)


def event_row(reply_id: str, days_ago: float = 0, kind: str = "answer",
              question: str | None = None) -> EventRow:
    """An event as the recorder makes it, `days_ago` days old."""
    return EventRow(reply_id, utcnow() - timedelta(days=days_ago), "api", kind,
                    "what-is-kratom" if kind == "answer" else None, 0.9, None, question)


# --- what is recorded --------------------------------------------------------------------------

def test_every_reply_is_recorded_with_its_fields(curation_app: Flask,
                                                 db_rows: Callable[[], TableRows]) -> None:
    client = curation_app.test_client()
    replies = {kind: ask(client, q, channel) for (kind, q), channel
               in zip(ASKED.items(), ["web", "slack", "api", "web", None, "cli"], strict=True)}
    assert {kind: r["kind"] for kind, r in replies.items()} == {k: k for k in ASKED}
    flush(curation_app)
    stored = {row["id"]: row for row in db_rows()["curation_events"]}
    assert set(stored) == {r["id"] for r in replies.values()}
    for kind, reply in replies.items():
        row = stored[reply["id"]]
        assert (row["kind"], row["faq_id"], row["topic"]) == (kind, reply["faq_id"],
                                                              reply["topic"])
        assert row["confidence"] == pytest.approx(reply["confidence"], abs=1e-3)
        assert row["day"] == row["created_at"].date()
        assert abs(row["created_at"] - utcnow()) < timedelta(minutes=1)
        # The text is kept only where a curator acts on it.
        assert row["question"] == (ASKED[kind] if kind in {"clarify", "fallback"} else None)
    assert stored[replies["answer"]["id"]]["channel"] == "web"
    assert stored[replies["emergency"]["id"]]["channel"] == "api"  # the default


def test_dosing_and_emergency_questions_are_nowhere_in_the_database(
        curation_app: Flask, curation_db: str, db_rows: Callable[[], TableRows],
        tmp_path: Path) -> None:
    client = curation_app.test_client()
    dosing, emergency = ask(client, DOSING), ask(client, EMERGENCY)
    assert (dosing["kind"], emergency["kind"]) == ("referral", "emergency")
    # A comment on them is a way to store their text too: it is dropped, the vote kept.
    for reply in (dosing, emergency):
        vote = {"reply_id": reply["id"], "helpful": False, "comment": "zebrafinch quokkasecret"}
        assert client.post("/api/v1/feedback", json=vote).status_code == 204
    flush(curation_app)
    tables = db_rows()
    assert len(tables["curation_events"]) == 2 and len(tables["curation_feedback"]) == 2
    cells = [str(v).lower() for rows in tables.values() for row in rows for v in row.values()]
    for secret in ("zebrafinch", "maeng", "quokkasecret", "wake up", "grams"):
        assert not any(secret in cell for cell in cells), secret
    if curation_db.startswith("sqlite"):
        # Not in a free page or the write-ahead log either.
        path = Path(curation_db.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert b"zebrafinch" not in raw and b"quokkasecret" not in raw


def test_referral_and_emergency_events_name_their_rule_and_hold_no_text(
        curation_app: Flask, db_rows: Callable[[], TableRows]) -> None:
    client = curation_app.test_client()
    engine = services(curation_app).store.engine
    asked = [DOSING, EMERGENCY, "can I mix kratom with alcohol", ASKED["answer"],
             ASKED["fallback"], ASKED["clarify"]]
    replies = [ask(client, q) for q in asked]
    flush(curation_app)
    stored = {row["id"]: row for row in db_rows()["curation_events"]}
    assert len(stored) == len(asked)
    rules = set()
    for question, reply in zip(asked, replies, strict=True):
        row = stored[reply["id"]]
        if reply["kind"] in {"referral", "emergency"}:
            # The rule is not in the reply's JSON; the engine decides the same way again.
            rule = engine.ask(question).rule
            assert rule and row["rule"] == rule, question
            assert row["question"] is None
            rules.add(rule)
        else:
            assert row["rule"] is None, question
    assert len(rules) == 3


def test_contact_details_in_a_fallback_question_are_stored_scrubbed(
        curation_app: Flask, db_rows: Callable[[], TableRows]) -> None:
    reply = ask(curation_app.test_client(), CONTACT)
    assert reply["kind"] == "fallback"
    flush(curation_app)
    [row] = db_rows()["curation_events"]
    assert row["question"] == "is kratom legal in texas? write to [email] or call [phone]"


def test_with_curation_off_nothing_is_recorded_and_no_database_is_made(
        settings: Settings, tmp_path: Path) -> None:
    app = create_app(replace(settings, curation=False, instance_dir=tmp_path / "instance"))
    client = app.test_client()
    reply = ask(client, ASKED["fallback"])
    assert curation(app) is None
    response = client.post("/api/v1/feedback", json={"reply_id": reply["id"], "helpful": True})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "feedback_off"
    assert not (tmp_path / "instance").exists()


def test_by_default_the_database_is_a_sqlite_file_in_the_instance_folder(
        settings: Settings, tmp_path: Path) -> None:
    app = create_app(replace(settings, curation=True, instance_dir=tmp_path / "inst"))
    try:
        reply = ask(app.test_client(), ASKED["clarify"])
        flush(app)
    finally:
        curation(app).close()
    with sqlite3.connect(tmp_path / "inst" / "curation.sqlite3") as conn:
        rows = conn.execute("SELECT id, kind FROM curation_events").fetchall()
    assert rows == [(reply["id"], "clarify")]


@pytest.mark.parametrize(("url", "expected"), [
    pytest.param("postgresql://u:pw@db:5432/faq", "postgresql+psycopg://u:***@db:5432/faq",
                 id="postgresql"),
    pytest.param("postgres://u@db/faq", "postgresql+psycopg://u@db/faq", id="postgres-alias"),
    pytest.param("postgresql+psycopg://u@db/faq", "postgresql+psycopg://u@db/faq", id="driver"),
    pytest.param("sqlite:////var/lib/faq.sqlite3", "sqlite:////var/lib/faq.sqlite3", id="sqlite"),
])
def test_database_urls_use_the_psycopg_driver(url: str, expected: str) -> None:
    got = database_url(Settings(database_url=url))
    assert got.render_as_string(hide_password=True) == expected


@pytest.mark.parametrize("url", [
    pytest.param("mysql://u:hunter2@db/faq", id="other-database"),
    pytest.param("not a url hunter2", id="not-a-url"),
])
def test_a_bad_database_url_stops_the_start_without_showing_the_password(
        settings: Settings, url: str) -> None:
    with pytest.raises(ConfigError, match="FAQ_BOT_DATABASE_URL") as info:
        create_app(replace(settings, curation=True, database_url=url))
    assert "hunter2" not in str(info.value)


# --- the schema -----------------------------------------------------------------------------

def _url(curation_db: str) -> Any:
    return database_url(Settings(database_url=curation_db))


def test_migrations_run_from_an_empty_database_and_only_once(curation_db: str) -> None:
    db = Database(_url(curation_db))
    try:
        assert db.version() == 0
        assert db.migrate() == LATEST
        assert db.version() == LATEST
        # The migrated schema is the one the code queries: every column, with its nullability.
        inspector = sqlalchemy.inspect(db.engine)
        for table in (events, feedback, schema_version):
            found = {c["name"]: c["nullable"] for c in inspector.get_columns(table.name)}
            assert found == {c.name: c.nullable for c in table.columns}, table.name
        db.add_events([event_row("r1")])
        assert db.migrate() == LATEST  # nothing to do, nothing lost
        tables = read_tables(curation_db)
        assert [r["id"] for r in tables["curation_events"]] == ["r1"]
        assert tables["faq_bot_schema_version"] == [{"version": LATEST}]
    finally:
        db.close()


def test_a_version_1_database_gets_the_rule_column_and_keeps_its_rows(
        curation_db: str) -> None:
    db = Database(_url(curation_db))
    try:
        with db.writing() as conn:  # a database as the first release left it
            schema_version.create(conn)
            conn.execute(schema_version.insert().values(version=1))
            MIGRATIONS[0](conn)
            conn.execute(events.insert().values(
                id="old", created_at=utcnow(), day=utcnow().date(), channel="api",
                kind="referral", confidence=1.0, topic="dosing"))
        assert db.version() == 1
        assert "rule" not in {c["name"] for c in sqlalchemy.inspect(db.engine)
                              .get_columns(events.name)}
        assert db.migrate() == LATEST
        assert db.version() == LATEST >= 2
        found = {c["name"] for c in sqlalchemy.inspect(db.engine).get_columns(events.name)}
        assert found == {c.name for c in events.columns}
        new = replace(event_row("new", kind="emergency"), rule="overdose.overdose-words")
        db.add_events([new])
        rows = {r["id"]: r for r in read_tables(curation_db)["curation_events"]}
        assert {k: (r["kind"], r["topic"], r["rule"]) for k, r in rows.items()} == {
            "old": ("referral", "dosing", None),
            "new": ("emergency", None, "overdose.overdose-words")}
    finally:
        db.close()


def test_processes_starting_together_migrate_once(curation_db: str) -> None:
    dbs = [Database(_url(curation_db)) for _ in range(4)]
    results: list[Any] = []
    barrier = threading.Barrier(len(dbs))

    def start(db: Database) -> None:
        barrier.wait(5)
        try:
            results.append(db.migrate())
        except Exception as exc:  # collected: a failure in a thread must fail the test
            results.append(exc)

    threads = [threading.Thread(target=start, args=(db,)) for db in dbs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    for db in dbs:
        db.close()
    assert results == [LATEST] * len(dbs)
    assert read_tables(curation_db)["faq_bot_schema_version"] == [{"version": LATEST}]


def test_a_database_from_a_newer_faq_bot_is_not_touched(curation_db: str) -> None:
    db = Database(_url(curation_db))
    try:
        db.migrate()
        with db.writing() as conn:
            conn.execute(schema_version.update().values(version=LATEST + 1))
        with pytest.raises(SchemaTooNew, match="Upgrade faq-bot"):
            db.migrate()
    finally:
        db.close()


# --- retention ------------------------------------------------------------------------------

def test_purge_deletes_old_events_with_their_votes(curation_db: str) -> None:
    settings = Settings(database_url=curation_db, retention_days=30)
    cur = Curation(settings)
    try:
        cur.db.migrate()
        cur.db.add_events([event_row("old", days_ago=31), event_row("new", days_ago=29)])
        for reply_id in ("old", "new"):
            vote = Vote(reply_id, False, "meh", "web", utcnow() - timedelta(days=1))
            assert cur.db.save_vote(vote, utcnow() - timedelta(days=60), lambda k, c: c)
        assert cur.purge() == (1, 1)
        assert cur.purge() == (0, 0)
    finally:
        cur.close()
    tables = read_tables(curation_db)
    assert [r["id"] for r in tables["curation_events"]] == ["new"]
    assert [r["reply_id"] for r in tables["curation_feedback"]] == ["new"]


def test_faq_bot_purge_command(curation_db: str) -> None:
    db = Database(_url(curation_db))
    db.migrate()
    db.add_events([event_row("old", days_ago=8), event_row("new", days_ago=1)])
    db.close()
    result = CliRunner().invoke(main, ["purge"], env={"FAQ_BOT_DATABASE_URL": curation_db,
                                                      "FAQ_BOT_RETENTION_DAYS": "7"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Purged 1 event(s) and 0 vote(s) older than 7 days")
    assert [r["id"] for r in read_tables(curation_db)["curation_events"]] == ["new"]


def test_expired_events_are_purged_at_start_and_by_the_writer(
        curation_settings: Settings, curation_db: str) -> None:
    db = Database(_url(curation_db))
    db.migrate()
    db.add_events([event_row("at-start", days_ago=40)])
    app = create_app(curation_settings)  # the start purges
    assert read_tables(curation_db)["curation_events"] == []
    try:
        # The writer purges on its own schedule too (here: after every batch).
        db.add_events([event_row("later", days_ago=40)])
        ask(app.test_client(), ASKED["answer"])
        flush(app)
    finally:
        curation(app).close()
        db.close()
    assert [r["kind"] for r in read_tables(curation_db)["curation_events"]] == ["answer"]


# --- recording never holds up an answer -----------------------------------------------------

def test_a_locked_sqlite_database_delays_recording_not_answers(
        settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "locked.sqlite3"
    failures: list[str] = []
    app = create_app(replace(settings, curation=True, database_url=f"sqlite:///{path}"))
    cur = curation(app)
    cur.recorder.on_failure = failures.append
    client = app.test_client()
    # Another process holds the write lock for longer than the writer is willing to wait.
    locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        ids = []
        for _ in range(20):
            started = time.perf_counter()
            ids.append(ask(client, ASKED["clarify"])["id"])
            assert time.perf_counter() - started < 0.5
        deadline = time.monotonic() + 10
        while not failures and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "write_error" in failures
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    try:
        assert cur.recorder.flush(15)
        stored = {r["id"] for r in read_tables(f"sqlite:///{path}")["curation_events"]}
        assert stored == set(ids)  # held, retried, written once the lock was free
    finally:
        cur.close()


def test_a_full_queue_drops_and_counts_but_answers(settings: Settings, tmp_path: Path) -> None:
    app = create_app(replace(settings, curation=True, instance_dir=tmp_path))
    cur = curation(app)
    failures: list[str] = []
    cur.recorder.on_failure = failures.append
    cur.recorder.queue_size = 1
    locker = sqlite3.connect(tmp_path / "curation.sqlite3", isolation_level=None,
                             check_same_thread=False)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        client = app.test_client()
        for _ in range(5):
            ask(client, ASKED["answer"])
        assert failures.count("queue_full") >= 3
    finally:
        locker.execute("ROLLBACK")
        locker.close()
        cur.close()


def test_recorder_threads_start_lazily(tmp_path: Path) -> None:
    db = Database(database_url(Settings(instance_dir=tmp_path)))
    recorder = Recorder(db)
    assert recorder._worker is None  # nothing runs until something is recorded
    recorder.record_vote(Vote("x", True, None, "web", utcnow()))
    worker = recorder._worker
    assert worker is not None and worker.thread is not None and worker.thread.is_alive()
    recorder.close()
    assert not worker.thread.is_alive()
    db.close()


def test_a_record_the_database_refuses_costs_no_other_record_of_its_batch(
        tmp_path: Path) -> None:
    db = Database(database_url(Settings(instance_dir=tmp_path)))
    failures: list[str] = []
    recorder = Recorder(db, on_failure=failures.append)
    try:
        # A lone surrogate cannot be encoded for SQLite: refused whatever the retries.
        rows = [event_row("good-1"), replace(event_row("bad", kind="fallback"),
                                             question="a \ud800 b"), event_row("good-2")]
        for row in rows:
            recorder._put(row)
        assert recorder.flush(15)
    finally:
        recorder.close()
        db.close()
    stored = {r["id"] for r in read_tables(f"sqlite:///{tmp_path / 'curation.sqlite3'}")
              ["curation_events"]}
    assert stored == {"good-1", "good-2"}
    assert failures.count("rejected") == 1


def test_replies_are_written_in_batches_not_one_transaction_each(tmp_path: Path) -> None:
    db = Database(database_url(Settings(instance_dir=tmp_path)))
    db.migrate()
    commits: list[int] = []
    sqlalchemy.event.listen(db.engine, "commit", lambda conn: commits.append(1))
    recorder = Recorder(db, interval=3600)  # only a flush (or a full batch) writes
    recorder.migrated = True
    recorder._maybe_purge = lambda: None  # type: ignore[method-assign]  # (its own transaction)
    reply = Reply(kind="answer", text="x", safety="s", faq_id="what-is-kratom", confidence=1)
    try:
        for _ in range(250):
            recorder.record("What is kratom?", reply.with_id(new_id()), "api")
        assert recorder.is_pending(reply.id) is False
        assert commits == []  # nothing written on the request path
        assert recorder.flush(10)
    finally:
        recorder.close()
        db.close()
    assert len(commits) == 1
    assert len(read_tables(f"sqlite:///{tmp_path / 'curation.sqlite3'}")["curation_events"]) \
        == 250

