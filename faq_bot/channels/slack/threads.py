"""Which conversation a Slack thread is in: the last reply's conversation token per thread.

In Slack a thread is a conversation, but Slack sends back none of our data with the next message
of a thread, so the token of the bot's last reply there is kept by thread: in memory for one
process, or in Redis when replicas share one (`FAQ_BOT_RATELIMIT_STORAGE`), for as long as a
conversation may stay idle. A token holds ids and topics, never question text, and it is
signed: what is kept here is what a widget keeps in its tab.
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

_MEMORY_CAP = 10_000
_REDIS_PREFIX = "faq-bot:slack-thread:"


def thread_key(channel: str, thread_ts: str | None) -> str:
    """The conversation key of a thread; a direct message's main line is one conversation."""
    return f"{channel}:{thread_ts or '-'}"


class ThreadStore(Protocol):
    """Keeps the latest conversation token of each thread for the idle time."""

    def get(self, key: str) -> str | None:
        """The token last kept for `key`, or None."""
        ...

    def put(self, key: str, token: str) -> None:
        """Keep `token` as the latest of `key`."""
        ...


class MemoryThreads:
    """Tokens by thread in this process: enough for one server, not shared between replicas."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        """The token last kept for `key`, or None once it has been idle for the TTL."""
        with self._lock:
            item = self._items.get(key)
            if item is None or item[0] <= self._clock():
                return None
            return item[1]

    def put(self, key: str, token: str) -> None:
        """Keep `token` as the latest of `key` (the oldest threads go past the cap)."""
        with self._lock:
            self._items.pop(key, None)
            self._items[key] = (self._clock() + self.ttl, token)
            while len(self._items) > _MEMORY_CAP:
                self._items.popitem(last=False)


class RedisThreads:
    """Tokens by thread in Redis (`SET key token EX ttl`), shared by every replica."""

    def __init__(self, client: redis.Redis, ttl: int, prefix: str = _REDIS_PREFIX) -> None:
        self.client = client
        self.ttl = ttl
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, ttl: int) -> RedisThreads:
        """A store on the Redis server at `url` (redis://host:port/db)."""
        return cls(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1), ttl)

    def get(self, key: str) -> str | None:
        """The token last kept for `key`, or None (also when Redis is away)."""
        try:
            value = self.client.get(self.prefix + key)
        except redis.RedisError as exc:
            # The message is then read on its own: the safety screen still runs on it.
            log.warning("slack thread store unavailable, reading the message alone: %s", exc)
            return None
        return value.decode() if isinstance(value, bytes) else None

    def put(self, key: str, token: str) -> None:
        """Keep `token` as the latest of `key` for the TTL."""
        try:
            self.client.set(self.prefix + key, token, ex=self.ttl)
        except redis.RedisError as exc:
            log.warning("slack thread store unavailable, conversation not kept: %s", exc)


def thread_store(settings: Settings) -> ThreadStore:
    """The store the settings call for: Redis when the rate-limit storage is Redis, else memory."""
    url = settings.ratelimit_storage
    if url.startswith(("redis://", "rediss://")):
        return RedisThreads.from_url(url, settings.conversation_ttl)
    return MemoryThreads(settings.conversation_ttl)
