"""Recording replies off the request path: a bounded queue per process and one writer thread.

`record` only builds a small row and puts it on the queue, so answering never waits for the
database. The writer sends rows in batches; when the database is slow or gone it keeps the batch,
counts the failure, logs it once, and retries with a growing pause until the database is back,
so recording resumes by itself. When the queue is full, new rows are dropped and counted.

The thread starts lazily in the process that records (gunicorn forks workers from a master
that loaded the app, and threads do not survive a fork).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
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
BATCH = 500
PURGE_EVERY = 3600.0  # seconds, per process
MAX_PAUSE = 5.0
# A batch the database refuses for a reason other than being unreachable is tried this often.
MAX_REJECTS = 3
TRANSIENT = (OperationalError, DisconnectionError, PoolTimeout)

FailureHook = Callable[[str], None]
"""Called with a reason ("write_error", "queue_full", "rejected") for every failure."""


def event_row(question: str, reply: Reply, channel: str) -> EventRow:
    """The row that records `reply`: its text only for clarify and fallback, scrubbed."""
    keep = reply.kind in KEEP_QUESTION
    return EventRow(id=reply.id, created_at=utcnow(), channel=channel, kind=reply.kind,
                    faq_id=reply.faq_id, confidence=reply.confidence, topic=reply.topic,
                    question=(scrub(question) or None) if keep else None)


def kept_comment(kind: str, comment: str) -> str | None:
    """What of a vote's comment may be stored: nothing on a referral or emergency reply, nothing
    that is itself a dosing or emergency message, else the scrubbed text."""
    if kind in NO_TEXT or assess(comment) is not None:
        return None
    return scrub(comment) or None


@dataclass
class _Worker:
    """The queue and thread of one process."""

    pid: int
    queue: queue.Queue[EventRow | Vote | None]
    thread: threading.Thread | None = None
    enqueued: int = 0
    done: int = 0
    pending_ids: set[str] = field(default_factory=set)
    cond: threading.Condition = field(default_factory=threading.Condition)


class Recorder:
    """Writes events and Slack votes to `db` from a background thread."""

    def __init__(self, db: Database, *, retention_days: int = 30,
                 on_failure: FailureHook | None = None, queue_size: int = QUEUE_SIZE,
                 purge_every: float = PURGE_EVERY) -> None:
        self.db = db
        self.retention_days = retention_days
        self.on_failure = on_failure
        self.queue_size = queue_size
        self.purge_every = purge_every
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
        """Queue the event of one reply. Never raises, never blocks."""
        try:
            self._put(event_row(question, reply, channel))
        except Exception:  # recording must never turn an answer into an error
            log.exception("curation: could not queue a reply")
            self.count_failure("rejected")

    def record_vote(self, vote: Vote) -> None:
        """Queue a vote (Slack clicks: Slack must be answered within three seconds)."""
        try:
            self._put(vote)
        except Exception:
            log.exception("curation: could not queue a vote")
            self.count_failure("rejected")

    def _put(self, item: EventRow | Vote) -> None:
        worker = self._started()
        if worker is None:
            return
        try:
            with worker.cond:
                worker.queue.put_nowait(item)
                worker.enqueued += 1
                if isinstance(item, EventRow):
                    worker.pending_ids.add(item.id)
        except queue.Full:
            if not self._full:
                log.error("curation: the recording queue is full (%d); replies go unrecorded "
                          "until the database catches up", self.queue_size)
                self._full = True
            self.count_failure("queue_full")

    def is_pending(self, reply_id: str) -> bool:
        """True while the event of `reply_id` waits in this process's queue."""
        worker = self._worker
        if worker is None or worker.pid != os.getpid():
            return False
        with worker.cond:
            return reply_id in worker.pending_ids

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far in this process is written (or `timeout`)."""
        worker = self._worker
        if worker is None or worker.pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        with worker.cond:
            target = worker.enqueued
            while worker.done < target:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                worker.cond.wait(left)
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (up to `timeout`) and stop the thread."""
        self._closed = True
        worker = self._worker
        if worker is None or worker.pid != os.getpid() or worker.thread is None:
            return
        self.flush(timeout)
        with contextlib.suppress(queue.Full):
            worker.queue.put_nowait(None)
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
                worker = _Worker(pid, queue.Queue(maxsize=self.queue_size))
                worker.thread = threading.Thread(target=self._run, args=(worker,),
                                                 name="faq-bot-curation", daemon=True)
                self._worker = worker
                self._failing = self._full = False
                self._next_purge = 0.0
                worker.thread.start()
                _at_exit(self)
            return self._worker

    def _run(self, worker: _Worker) -> None:
        batch: list[EventRow | Vote] = []
        pause, rejects, stop = 0.0, 0, False
        while True:
            if not batch:
                try:
                    item = worker.queue.get(timeout=max(1.0, min(60.0, self.purge_every)))
                except queue.Empty:
                    self._maybe_purge()
                    continue
                if item is None:
                    return
                batch = [item]
                while len(batch) < BATCH:
                    try:
                        more = worker.queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        stop = True  # close(): finish this batch, then end
                        break
                    batch.append(more)
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
                if not self._dropping:
                    log.error("curation: dropping records the database refuses (pid %s): %s",
                              os.getpid(), short_error(exc))
                    self._dropping = True
                self.count_failure("rejected")
            else:
                if self._failing or self._full:
                    log.warning("curation: recording resumed (pid %s)", os.getpid())
                self._failing = self._full = self._dropping = False
                self._maybe_purge()
            with worker.cond:
                worker.done += len(batch)
                for item in batch:
                    if isinstance(item, EventRow):
                        worker.pending_ids.discard(item.id)
                worker.cond.notify_all()
            batch, pause, rejects = [], 0.0, 0
            if stop:
                return

    def _write(self, batch: list[EventRow | Vote]) -> None:
        if not self.migrated:
            self.db.migrate()
            self.migrated = True
        rows: list[EventRow] = []
        for item in batch:
            if isinstance(item, EventRow):
                rows.append(item)
                continue
            # Votes after the events queued before them, so a click on a fresh reply finds it.
            self.db.add_events(rows)
            rows = []
            if not self.db.save_vote(item, retention_cutoff(self.retention_days), kept_comment):
                log.info("curation: a %s vote for an unknown or expired reply was ignored",
                         item.channel)
        self.db.add_events(rows)

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
