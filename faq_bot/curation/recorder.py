"""Recording replies off the request path: a bounded buffer per process and one writer thread.

`record` only builds a small row and appends it to the buffer: no database call, no lock held
by anything slow, and no thread woken. Answering never waits for the database.

The writer wakes every FLUSH_INTERVAL seconds (or as soon as BATCH rows are waiting, or when
someone waits on `flush`) and writes what has gathered in one transaction per batch: a
multi-row insert (SQLite in WAL mode; PostgreSQL through the driver's batched executemany).
Writing each reply as it came cost the service half its throughput: a transaction per row, the
writer woken for every reply, and two workers taking turns on SQLite's write lock.

When the database is slow or gone the writer keeps the batch, counts the failure, logs it once,
and retries with a growing pause until the database is back, so recording resumes by itself.
When the buffer is full (QUEUE_SIZE rows), new rows are dropped and counted
(faq_bot_curation_failures_total{reason="queue_full"}); a reply never waits.

What a worker killed with SIGKILL loses is what it held in memory: at most FLUSH_INTERVAL
seconds of its replies (BATCH rows at most) while the database keeps up, and up to QUEUE_SIZE
rows while it does not. A graceful stop (SIGTERM, SIGHUP, max_requests) writes the buffer first.

The thread starts lazily in the process that records (gunicorn forks workers from a master
that loaded the app, and threads do not survive a fork).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from faq_bot.core.replies import Reply
from faq_bot.core.safety import assess
from faq_bot.core.scrub import scrub
from faq_bot.curation.store import Database, EventRow, Vote, retention_cutoff, utcnow

log = logging.getLogger("faq_bot.curation")

# The replies a curator acts on; only theirs keep the (scrubbed) question text.
KEEP_QUESTION = frozenset({"clarify", "fallback"})
# Counted, never stored with any text: not even a comment on them is kept.
NO_TEXT = frozenset({"referral", "emergency"})
QUEUE_SIZE = 10_000
BATCH = 1000
FLUSH_INTERVAL = 0.25  # seconds: the longest a recorded reply waits in memory, normally
PURGE_EVERY = 3600.0  # seconds, per process
MAX_PAUSE = 5.0
# A batch the database refuses for a reason other than being unreachable is tried this often.
MAX_REJECTS = 3
TRANSIENT = (OperationalError, DisconnectionError, PoolTimeout)

FailureHook = Callable[[str], None]
"""Called with a reason ("write_error", "queue_full", "rejected") for every failure."""


def event_row(question: str, reply: Reply, channel: str) -> EventRow:
    """The row that records `reply`: its text only for clarify and fallback, scrubbed; for a
    referral or emergency, the id of the rule that decided it (never any text)."""
    keep = reply.kind in KEEP_QUESTION
    return EventRow(reply.id, utcnow(), channel, reply.kind, reply.faq_id, reply.confidence,
                    reply.topic, (scrub(question) or None) if keep else None,
                    reply.rule if reply.kind in NO_TEXT else None)


def kept_comment(kind: str, comment: str) -> str | None:
    """What of a vote's comment may be stored: nothing on a referral or emergency reply, nothing
    that is itself a dosing or emergency message, else the scrubbed text."""
    if kind in NO_TEXT or assess(comment) is not None:
        return None
    return scrub(comment) or None


@dataclass
class _Worker:
    """The buffer and thread of one process. `cond` guards every field but `thread`."""

    pid: int
    items: list[EventRow | Vote] = field(default_factory=list)
    cond: threading.Condition = field(
        default_factory=lambda: threading.Condition(threading.Lock()))
    wake: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None
    enqueued: int = 0
    done: int = 0
    waiting: int = 0  # callers of flush() waiting now: the writer does not sleep meanwhile
    stopping: bool = False
    pending_ids: set[str] = field(default_factory=set)


class Recorder:
    """Writes events and Slack votes to `db` from a background thread, in batches."""

    def __init__(self, db: Database, *, retention_days: int = 30,
                 on_failure: FailureHook | None = None, queue_size: int = QUEUE_SIZE,
                 purge_every: float = PURGE_EVERY, interval: float = FLUSH_INTERVAL,
                 batch: int = BATCH) -> None:
        self.db = db
        self.retention_days = retention_days
        self.on_failure = on_failure
        self.queue_size = queue_size
        self.purge_every = purge_every
        self.interval = interval
        self.batch = batch
        self.failures = 0
        self.migrated = False
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self._failing = False
        self._full = False
        self._dropping = False
        self._next_purge = 0.0
        self._closed = False

    # --- the request path -----------------------------------------------------------------

    def record(self, question: str, reply: Reply, channel: str) -> None:
        """Buffer the event of one reply. Never raises, never blocks on the database."""
        try:
            self._put(event_row(question, reply, channel))
        except Exception:  # recording must never turn an answer into an error
            log.exception("curation: could not queue a reply")
            self.count_failure("rejected")

    def record_vote(self, vote: Vote) -> None:
        """Buffer a vote (Slack clicks: Slack must be answered within three seconds)."""
        try:
            self._put(vote)
        except Exception:
            log.exception("curation: could not queue a vote")
            self.count_failure("rejected")

    def _put(self, item: EventRow | Vote) -> None:
        worker = self._worker
        if worker is None or worker.pid != os.getpid():
            worker = self._started()
            if worker is None:
                return
        with worker.cond:
            held = len(worker.items)
            if held < self.queue_size:
                worker.items.append(item)
                worker.enqueued += 1
                if type(item) is EventRow:
                    worker.pending_ids.add(item.id)
        if held >= self.queue_size:
            if not self._full:
                log.error("curation: the recording queue is full (%d); replies go unrecorded "
                          "until the database catches up", self.queue_size)
                self._full = True
            self.count_failure("queue_full")
        elif held + 1 == self.batch:
            worker.wake.set()  # a full batch is written now, not at the next interval

    def is_pending(self, reply_id: str) -> bool:
        """True while the event of `reply_id` waits in this process's buffer (or is being
        written)."""
        worker = self._worker
        if worker is None or worker.pid != os.getpid():
            return False
        with worker.cond:
            return reply_id in worker.pending_ids

    def flush(self, timeout: float = 5.0) -> bool:
        """Write everything buffered so far in this process now, and wait until it is written
        (False when `timeout` passes first)."""
        worker = self._worker
        if worker is None or worker.pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        with worker.cond:
            target = worker.enqueued
            if worker.done >= target:
                return True
            worker.waiting += 1
            worker.wake.set()
            try:
                while worker.done < target:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    worker.cond.wait(left)
            finally:
                worker.waiting -= 1
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write what is buffered (up to `timeout`) and stop the thread."""
        self._closed = True
        worker = self._worker
        if worker is None or worker.pid != os.getpid() or worker.thread is None:
            return
        self.flush(timeout)
        with worker.cond:
            worker.stopping = True
        worker.wake.set()
        worker.thread.join(timeout)

    # --- the writer thread ----------------------------------------------------------------

    def _started(self) -> _Worker | None:
        worker = self._worker
        pid = os.getpid()
        if worker is not None and worker.pid == pid:
            return worker
        if self._closed:
            return None
        with self._lock:
            if self._worker is None or self._worker.pid != pid:
                worker = _Worker(pid)
                worker.thread = threading.Thread(target=self._run, args=(worker,),
                                                 name="faq-bot-curation", daemon=True)
                self._worker = worker
                self._failing = self._full = False
                self._next_purge = 0.0
                worker.thread.start()
                _at_exit(self)
            return self._worker

    def _take(self, worker: _Worker) -> tuple[list[EventRow | Vote], bool]:
        """Wait for the next batch: (the batch, whether the thread is to stop after it)."""
        with worker.cond:
            hurry = worker.waiting or worker.stopping or len(worker.items) >= self.batch
        if not hurry:
            # Woken early by a full batch, flush() or close(); else the interval's rows.
            worker.wake.wait(max(0.01, self.interval))
        worker.wake.clear()
        with worker.cond:
            batch = worker.items[:self.batch]
            del worker.items[:self.batch]
            return batch, worker.stopping and not worker.items

    def _run(self, worker: _Worker) -> None:
        batch: list[EventRow | Vote] = []
        pause, rejects, stop = 0.0, 0, False
        while True:
            if not batch:
                batch, stop = self._take(worker)
                if not batch:
                    if stop:
                        return
                    self._maybe_purge()  # on its own schedule: a clock check until then
                    continue
            try:
                self._write(batch)
            except TRANSIENT as exc:
                self._write_failed(exc)
                pause = min(MAX_PAUSE, max(0.25, pause * 2))
                time.sleep(pause)
                continue
            except Exception as exc:  # never let the thread die: recording must resume
                rejects += 1
                self._write_failed(exc)
                if rejects < MAX_REJECTS:
                    self.migrated = False  # a missing table: migrate again before the retry
                    time.sleep(0.25)
                    continue
                # One bad record must not cost the others of its batch: each on its own.
                dropped = self._write_each(batch)
                if dropped and not self._dropping:
                    log.error("curation: dropping records the database refuses (pid %s): %s",
                              os.getpid(), short_error(exc))
                    self._dropping = True
                for _ in range(dropped):
                    self.count_failure("rejected")
            else:
                if self._failing or self._full:
                    log.warning("curation: recording resumed (pid %s)", os.getpid())
                self._failing = self._full = self._dropping = False
                self._maybe_purge()
            with worker.cond:
                worker.done += len(batch)
                for item in batch:
                    if type(item) is EventRow:
                        worker.pending_ids.discard(item.id)
                worker.cond.notify_all()
            batch, pause, rejects = [], 0.0, 0
            if stop:
                return

    def _write(self, batch: list[EventRow | Vote]) -> None:
        if not self.migrated:
            self.db.migrate()
            self.migrated = True
        # One transaction; votes after the events buffered before them, so that a click on a
        # fresh reply finds it.
        for vote in self.db.write_batch(batch, retention_cutoff(self.retention_days),
                                        kept_comment):
            log.info("curation: a %s vote for an unknown or expired reply was ignored",
                     vote.channel)

    def _write_each(self, batch: list[EventRow | Vote]) -> int:
        """Write a refused batch one record per transaction; how many the database refused."""
        dropped = 0
        for item in batch:
            try:
                self._write([item])
            except Exception:
                dropped += 1
        return dropped

    def _write_failed(self, exc: BaseException) -> None:
        self.count_failure("write_error")
        if not self._failing:
            # Once per outage and process; "recording resumed" closes it.
            log.error("curation: cannot write to %s, retrying until it is back (pid %s): %s",
                      self.db.describe(), os.getpid(), short_error(exc))
            self._failing = True

    def count_failure(self, reason: str) -> None:
        """Count one failure (the metrics hook); never raises."""
        self.failures += 1
        if self.on_failure is not None:
            try:
                self.on_failure(reason)
            except Exception:
                log.exception("curation: the failure hook failed")

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now < self._next_purge or not self.migrated:
            return
        self._next_purge = now + self.purge_every
        try:
            gone, votes = self.db.purge(retention_cutoff(self.retention_days))
        except Exception as exc:
            log.warning("curation: retention purge failed, will try again: %s", short_error(exc))
            self._next_purge = now + 60.0
            return
        if gone or votes:
            log.info("curation: purged %d events and %d votes older than %d days",
                     gone, votes, self.retention_days)


_live: weakref.WeakSet[Recorder] = weakref.WeakSet()
_exit_pid: list[int] = []


def _at_exit(recorder: Recorder) -> None:
    # A gunicorn worker that stops normally writes what it still holds, within a short wait.
    _live.add(recorder)
    if os.getpid() not in _exit_pid:
        _exit_pid.append(os.getpid())
        atexit.register(_flush_all)


def _flush_all() -> None:
    for recorder in list(_live):
        recorder.flush(2.0)


def short_error(exc: BaseException) -> str:
    """The first line of the driver's message: SQLAlchemy's full text repeats the statement and
    its parameters, which may hold a comment or a question, and has no place in a log."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0] if first else ''}"[:300]
