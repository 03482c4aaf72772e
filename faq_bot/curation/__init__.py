"""Learning from what people ask: every reply recorded as an event, votes on replies, and the
curator's report built from them. Nothing here decides what a reply says; recording happens after
the reply is built (a Services hook), never inside the matcher.

What is kept, and for how long, is described in docs/curation.md and the README's privacy
section.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from faq_bot.config import Settings
from faq_bot.core.matcher import Matcher
from faq_bot.core.replies import Reply
from faq_bot.curation.recorder import (
    FLUSH_INTERVAL,
    FailureHook,
    Recorder,
    kept_comment,
    short_error,
)
from faq_bot.curation.report import Report, build_report
from faq_bot.curation.store import (
    Database,
    SchemaTooNew,
    Vote,
    database_url,
    retention_cutoff,
    utcnow,
)

__all__ = ["Curation", "CurationUnavailable", "Report", "SchemaTooNew"]

log = logging.getLogger("faq_bot.curation")

# A vote may reach one worker while the reply it is about still waits in another worker's
# buffer (up to the writer's interval): an unknown id is looked up again for that long, and a
# little more, before it is a 404.
VOTE_WAIT = FLUSH_INTERVAL + 0.2
VOTE_RETRY_PAUSE = 0.1


class CurationUnavailable(RuntimeError):
    """The curation database cannot be reached right now."""


class Curation:
    """The curation data of one deployment: its database and this process's recorder."""

    def __init__(self, settings: Settings, on_failure: FailureHook | None = None) -> None:
        self.settings = settings
        self.db = Database(database_url(settings))
        self.recorder = Recorder(self.db, retention_days=settings.retention_days,
                                 on_failure=on_failure)

    def start(self) -> None:
        """Migrate the schema and purge expired events; never fails the start.

        Under gunicorn this runs once in the master, before the workers are forked. A database
        that is down now is migrated later by the first worker that records.
        """
        try:
            self.db.migrate()
            self.recorder.migrated = True
            self.purge()
        except (SQLAlchemyError, OSError, SchemaTooNew) as exc:
            log.error("curation: the database %s is not ready; recording will retry: %s",
                      self.db.describe(), short_error(exc))
        finally:
            # Connections opened here belong to this process; workers open their own.
            self.db.engine.dispose()

    def observe(self, question: str, reply: Reply, channel: str) -> None:
        """Record one reply (a Services question hook): queued, written in the background."""
        self.recorder.record(question, reply, channel)

    def vote(self, reply_id: str, helpful: bool, comment: str | None, channel: str) -> bool:
        """Store a vote now; False when the reply is unknown or past the retention period.

        Raises CurationUnavailable when the database cannot be reached.
        """
        if self.recorder.is_pending(reply_id):
            self.recorder.flush(2.0)
        vote = Vote(reply_id, helpful, comment, channel, utcnow())
        cutoff = retention_cutoff(self.settings.retention_days)
        deadline = time.monotonic() + VOTE_WAIT
        try:
            while not self.db.save_vote(vote, cutoff, kept_comment):
                if time.monotonic() + VOTE_RETRY_PAUSE > deadline:
                    return False
                time.sleep(VOTE_RETRY_PAUSE)
            return True
        except SQLAlchemyError as exc:
            self.recorder.count_failure("feedback_error")
            log.error("curation: cannot store a vote in %s: %s", self.db.describe(),
                      short_error(exc))
            raise CurationUnavailable(short_error(exc)) from None

    def queue_vote(self, reply_id: str, helpful: bool, channel: str) -> None:
        """Store a vote in the background (Slack clicks, which must be answered at once)."""
        self.recorder.record_vote(Vote(reply_id, helpful, None, channel, utcnow()))

    def purge(self, now: datetime | None = None) -> tuple[int, int]:
        """Delete what is older than the retention period: (events, votes) deleted."""
        self.db.migrate()
        return self.db.purge(retention_cutoff(self.settings.retention_days, now))

    def report(self, matcher: Matcher, since: timedelta, now: datetime | None = None) -> Report:
        """The curator's report over the last `since`; CurationUnavailable when the database
        cannot be read."""
        self.recorder.flush(2.0)
        try:
            self.db.migrate()
            return build_report(self.db, matcher, since, now=now,
                                retention_days=self.settings.retention_days)
        except (SQLAlchemyError, SchemaTooNew) as exc:
            log.error("curation: cannot read %s: %s", self.db.describe(), short_error(exc))
            raise CurationUnavailable(short_error(exc)) from None

    def close(self) -> None:
        """Write what is queued, stop the writer and close the connections."""
        self.recorder.close()
        self.db.close()
