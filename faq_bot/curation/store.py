"""The curation database: its tables, the engine for SQLite or PostgreSQL, the versioned schema
and the few statements that write to it (events, votes, the retention purge).

SQLite (a file in the instance folder) is the default; `FAQ_BOT_DATABASE_URL=postgresql://...`
lets replicas share one database. Every connection has short timeouts: the database is never
allowed to hold up an answer for long. Times are stored as naive UTC in both.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from faq_bot.config import ConfigError, Settings

SQLITE_FILE = "curation.sqlite3"
# Seconds: how long a connection attempt, a lock or a statement may take before it gives up.
CONNECT_TIMEOUT = 2
STATEMENT_TIMEOUT_MS = 3000
# Any fixed number shared by every replica: PostgreSQL serialises migrations on it.
_MIGRATION_LOCK = 0x0FA0B07

metadata = MetaData()

schema_version = Table(
    "faq_bot_schema_version", metadata,
    Column("version", Integer, nullable=False),
)

# One row per reply. `question` holds the scrubbed text of clarify and fallback replies only;
# `rule` the id of the safety rule that decided a referral or emergency (schema version 2).
events = Table(
    "curation_events", metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(), nullable=False),
    Column("day", Date(), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("faq_id", String(100)),
    Column("confidence", Float(), nullable=False),
    Column("topic", String(64)),
    Column("question", Text()),
    Column("rule", String(64)),
    Index("ix_curation_events_created_at", "created_at"),
    Index("ix_curation_events_kind_created_at", "kind", "created_at"),
)

# At most one vote per reply: a second vote replaces the first.
feedback = Table(
    "curation_feedback", metadata,
    Column("reply_id", String(64), ForeignKey("curation_events.id", ondelete="CASCADE"),
           primary_key=True),
    Column("helpful", Boolean(), nullable=False),
    Column("comment", Text()),
    Column("channel", String(16), nullable=False),
    Column("created_at", DateTime(), nullable=False),
    Index("ix_curation_feedback_created_at", "created_at"),
)


def _v1(conn: Connection) -> None:
    """The first schema: events and feedback.

    Migrations are frozen: this builds the tables as version 1 had them, in a MetaData of its
    own, so a later change to the tables above goes into a new step instead of editing this one.
    """
    md = MetaData()
    Table("curation_events", md,
          Column("id", String(64), primary_key=True),
          Column("created_at", DateTime(), nullable=False),
          Column("day", Date(), nullable=False),
          Column("channel", String(16), nullable=False),
          Column("kind", String(16), nullable=False),
          Column("faq_id", String(100)),
          Column("confidence", Float(), nullable=False),
          Column("topic", String(64)),
          Column("question", Text()),
          Index("ix_curation_events_created_at", "created_at"),
          Index("ix_curation_events_kind_created_at", "kind", "created_at"))
    Table("curation_feedback", md,
          Column("reply_id", String(64), ForeignKey("curation_events.id", ondelete="CASCADE"),
                 primary_key=True),
          Column("helpful", Boolean(), nullable=False),
          Column("comment", Text()),
          Column("channel", String(16), nullable=False),
          Column("created_at", DateTime(), nullable=False),
          Index("ix_curation_feedback_created_at", "created_at"))
    md.create_all(conn)


def _v2(conn: Connection) -> None:
    """The rule that decided a referral or emergency: a nullable column, so rows recorded
    before it simply have none. The same statement on SQLite and PostgreSQL."""
    conn.execute(text("ALTER TABLE curation_events ADD COLUMN rule VARCHAR(64)"))


# Ordered: step n takes the schema from version n - 1 to n. Append; never edit or reorder.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2)
LATEST = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer faq-bot than this one."""


def utcnow() -> datetime:
    """Now, as the naive UTC time the tables hold."""
    return datetime.now(UTC).replace(tzinfo=None)


def database_url(settings: Settings) -> URL:
    """The database to use: FAQ_BOT_DATABASE_URL, or a SQLite file in the instance folder."""
    raw = settings.database_url
    if raw is None:
        folder = settings.instance_dir or Path.cwd() / "instance"
        return URL.create("sqlite", database=str(Path(folder).resolve() / SQLITE_FILE))
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError("FAQ_BOT_DATABASE_URL is not a database URL such as "
                          "postgresql://user:password@host:5432/faq_bot") from None
    if url.drivername in {"postgresql", "postgres", "postgresql+psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in {"sqlite", "sqlite+pysqlite"}:
        return url
    raise ConfigError(f"FAQ_BOT_DATABASE_URL uses {url.drivername!r}; use postgresql://... "
                      "or sqlite:///path (or leave it unset for the instance folder)")


def describe(url: URL) -> str:
    """`url` for messages and logs, without its password."""
    return url.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Autocommit at the driver so that SQLAlchemy's "begin" event below decides how a
    # transaction starts (the pysqlite recipe in SQLAlchemy's documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={CONNECT_TIMEOUT * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # WAL lets readers (the report) run while a worker writes. It is set once per database
    # file; the switch does not wait on the busy timeout, so a process that meets another one
    # switching tries again briefly.
    for attempt in range(20):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                break
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            time.sleep(0.05 * (attempt + 1) / 4)
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front: a deferred transaction that reads and then writes
    # can fail with "database is locked" instead of waiting its turn.
    immediate = conn.get_execution_options().get("faq_bot_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: URL) -> Engine:
    """An engine for `url` with short timeouts (SQLite: the folder is created)."""
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": CONNECT_TIMEOUT},
                               pool_size=2, max_overflow=4, pool_timeout=CONNECT_TIMEOUT)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url, pool_pre_ping=True, pool_size=2, max_overflow=4, pool_timeout=CONNECT_TIMEOUT,
        pool_recycle=1800,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "faq-bot",
                      "options": f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
                                 f"-c lock_timeout={STATEMENT_TIMEOUT_MS} -c timezone=UTC"})


class Database:
    """One curation database. Safe across threads and across gunicorn's fork: a process that
    finds an engine made by its parent leaves the parent's connections alone and opens its own."""

    def __init__(self, url: URL) -> None:
        self.url = url
        self._engine = make_engine(url)
        self._pid = os.getpid()
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        """The engine, safe to use in this process."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._engine.dispose(close=False)
                    self._pid = os.getpid()
        return self._engine

    def describe(self) -> str:
        """The database's URL without its password."""
        return describe(self.url)

    @property
    def is_postgresql(self) -> bool:
        """True for PostgreSQL, False for SQLite."""
        return self.url.get_backend_name() == "postgresql"

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (SQLite: holding the write lock from its start)."""
        with self.engine.connect() as conn:
            conn.execution_options(faq_bot_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def _insert(self) -> Any:
        return postgresql.insert if self.is_postgresql else sqlite.insert

    def version(self) -> int:
        """The schema version of the database (0 when it is empty)."""
        with self.reading() as conn:
            if not self.engine.dialect.has_table(conn, schema_version.name):
                return 0
            return int(conn.execute(select(schema_version.c.version)).scalar() or 0)

    def migrate(self) -> int:
        """Bring the schema up to date, one step at a time; returns the version now in place.

        Safe when several processes start at once: PostgreSQL serialises them on an advisory
        lock, SQLite on its write lock. Raises SchemaTooNew for a database newer than this code.
        """
        with self.writing() as conn:
            if self.is_postgresql:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            schema_version.create(conn, checkfirst=True)
            current = conn.execute(select(schema_version.c.version)).scalar()
            if current is None:
                conn.execute(schema_version.insert().values(version=0))
                current = 0
            if current > LATEST:
                raise SchemaTooNew(f"the curation database {describe(self.url)} has schema "
                                   f"version {current}; this faq-bot knows up to {LATEST}. "
                                   "Upgrade faq-bot, or point FAQ_BOT_DATABASE_URL elsewhere.")
            for number in range(current + 1, LATEST + 1):
                MIGRATIONS[number - 1](conn)
                conn.execute(update(schema_version).values(version=number))
            return LATEST

    def add_events(self, rows: Iterable[EventRow]) -> None:
        """Insert events in one transaction; an id already stored (a retried batch) is left as
        it is."""
        rows = list(rows)
        if rows:
            with self.writing() as conn:
                self._add_events(conn, rows)

    # SQLite: the driver's executemany on plain tuples, in the text formats SQLAlchemy's SQLite
    # types read back (checked by the tests). A third of the cost of a compiled insert per row.
    _SQLITE_INSERT = (
        "INSERT INTO curation_events (id, created_at, day, channel, kind, faq_id, confidence, "
        "topic, question, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING")

    def _add_events(self, conn: Connection, rows: list[EventRow]) -> None:
        if not rows:
            return
        if self.is_postgresql:
            # psycopg sends an executemany as one pipelined batch.
            stmt = postgresql.insert(events).on_conflict_do_nothing(index_elements=["id"])
            conn.execute(stmt, [row.as_values() for row in rows])
            return
        conn.exec_driver_sql(self._SQLITE_INSERT, [
            (r.id, r.created_at.isoformat(" ", "microseconds"), r.created_at.date().isoformat(),
             r.channel, r.kind, r.faq_id, round(float(r.confidence), 4), r.topic, r.question,
             r.rule)
            for r in rows])

    def find_event(self, conn: Connection, reply_id: str, cutoff: datetime) -> str | None:
        """The kind of the reply `reply_id` if it is stored and newer than `cutoff`."""
        return conn.execute(select(events.c.kind).where(
            events.c.id == reply_id, events.c.created_at >= cutoff)).scalar()

    def save_vote(self, vote: Vote, cutoff: datetime,
                  keep_comment: Callable[[str, str], str | None]) -> bool:
        """Store `vote`, replacing an earlier one; False when its reply is unknown or older
        than `cutoff`. `keep_comment(kind, comment)` says what of the comment may be kept."""
        with self.writing() as conn:
            return self._save_vote(conn, vote, cutoff, keep_comment)

    def _save_vote(self, conn: Connection, vote: Vote, cutoff: datetime,
                   keep_comment: Callable[[str, str], str | None]) -> bool:
        kind = self.find_event(conn, vote.reply_id, cutoff)
        if kind is None:
            return False
        comment = keep_comment(kind, vote.comment) if vote.comment else None
        values = {"reply_id": vote.reply_id, "helpful": vote.helpful, "comment": comment,
                  "channel": vote.channel, "created_at": vote.created_at}
        stmt = self._insert()(feedback).values(values)
        conn.execute(stmt.on_conflict_do_update(
            index_elements=["reply_id"],
            set_={k: v for k, v in values.items() if k != "reply_id"}))
        return True

    def write_batch(self, items: Iterable[EventRow | Vote], cutoff: datetime,
                    keep_comment: Callable[[str, str], str | None]) -> list[Vote]:
        """Write the recorder's batch in one transaction, in order (a vote after the events
        before it, so a click on a fresh reply finds it); the votes whose reply is unknown or
        older than `cutoff`, which are not stored."""
        ignored: list[Vote] = []
        with self.writing() as conn:
            rows: list[EventRow] = []
            for item in items:
                if isinstance(item, EventRow):
                    rows.append(item)
                    continue
                self._add_events(conn, rows)
                rows = []
                if not self._save_vote(conn, item, cutoff, keep_comment):
                    ignored.append(item)
            self._add_events(conn, rows)
        return ignored

    def purge(self, older_than: datetime) -> tuple[int, int]:
        """Delete events from before `older_than` and their votes; (events, votes) deleted."""
        old = select(events.c.id).where(events.c.created_at < older_than)
        with self.writing() as conn:
            votes = conn.execute(delete(feedback).where(feedback.c.reply_id.in_(old))).rowcount
            gone = conn.execute(delete(events).where(events.c.created_at < older_than)).rowcount
        return gone or 0, votes or 0

    def close(self) -> None:
        """Close this process's connections."""
        self.engine.dispose()


@dataclass(frozen=True, slots=True)
class EventRow:
    """One reply as stored: what was answered, never who asked."""

    id: str
    created_at: datetime
    channel: str
    kind: str
    faq_id: str | None
    confidence: float
    topic: str | None
    question: str | None
    rule: str | None = None

    @property
    def day(self) -> date:
        """The UTC day of the event."""
        return self.created_at.date()

    def as_values(self) -> dict[str, Any]:
        """The row for an INSERT."""
        return {"id": self.id, "created_at": self.created_at, "day": self.day,
                "channel": self.channel, "kind": self.kind, "faq_id": self.faq_id,
                "confidence": round(float(self.confidence), 4), "topic": self.topic,
                "question": self.question, "rule": self.rule}


@dataclass(frozen=True, slots=True)
class Vote:
    """A helpful / not helpful vote on one reply, with an optional comment."""

    reply_id: str
    helpful: bool
    comment: str | None
    channel: str
    created_at: datetime


def retention_cutoff(retention_days: int, now: datetime | None = None) -> datetime:
    """The oldest time still kept."""
    return (now or utcnow()) - timedelta(days=retention_days)
