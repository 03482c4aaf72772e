"""Remembering which Slack events were already taken, so a retried event is answered once.

Slack retries an event it thinks was not acknowledged, possibly to another replica. The store
answers one question, `first_time(event_id)`, in memory for one process or in Redis when the
replicas share one (the same `FAQ_BOT_RATELIMIT_STORAGE` the rate limiter uses).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

import redis

from faq_bot.config import Settings

log = logging.getLogger("faq_bot.slack")

# Slack's last retry comes about five minutes after the first attempt; an hour is ample.
DEFAULT_TTL_SECONDS = 3600
_MEMORY_CAP = 10_000
_REDIS_PREFIX = "faq-bot:slack-event:"


class DedupeStore(Protocol):
    """Says whether an event id is seen for the first time (and remembers it if so)."""

    def first_time(self, event_id: str) -> bool:
        """True the first time `event_id` is offered within the TTL, False afterwards."""
        ...


class MemoryDedupe:
    """A TTL set in this process: enough for one worker, not shared between replicas."""

    def __init__(self, ttl: float = DEFAULT_TTL_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """True the first time `event_id` is offered within the TTL, False afterwards."""
        now = self._clock()
        with self._lock:
            # Entries are kept in insertion order, so expired ones sit at the front.
            while self._seen and next(iter(self._seen.values())) <= now:
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now + self.ttl
            if len(self._seen) > _MEMORY_CAP:
                self._seen.popitem(last=False)
            return True


class RedisDedupe:
    """A TTL set in Redis (`SET key NX EX`), shared by every replica that uses the server."""

    def __init__(self, client: redis.Redis, ttl: int = DEFAULT_TTL_SECONDS,
                 prefix: str = _REDIS_PREFIX) -> None:
        self.client = client
        self.ttl = ttl
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, ttl: int = DEFAULT_TTL_SECONDS) -> RedisDedupe:
        """A store on the Redis server at `url` (redis://host:port/db)."""
        # Short timeouts: Slack wants its acknowledgement within three seconds.
        return cls(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1), ttl)

    def first_time(self, event_id: str) -> bool:
        """True the first time `event_id` is offered within the TTL, False afterwards."""
        try:
            return bool(self.client.set(self.prefix + event_id, "1", nx=True, ex=self.ttl))
        except redis.RedisError as exc:
            # Answering a retried event twice is better than leaving a health question
            # unanswered because Redis is briefly away.
            log.warning("slack dedupe store unavailable, treating event as new: %s", exc)
            return True


def dedupe_store(settings: Settings) -> DedupeStore:
    """The store the settings call for: Redis when the rate-limit storage is Redis, else memory."""
    url = settings.ratelimit_storage
    if url.startswith(("redis://", "rediss://")):
        return RedisDedupe.from_url(url)
    return MemoryDedupe()
