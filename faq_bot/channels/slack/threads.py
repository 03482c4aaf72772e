"""Which conversation a Slack thread is in: the last reply's conversation token per thread.

In Slack a thread is a conversation, but Slack sends back none of our data with the next message
of a thread, so the token of the bot's last reply there is kept by thread: in memory for one
process, or in Redis when replicas share one (`FAQ_BOT_RATELIMIT_STORAGE`), for as long as a
conversation may stay idle. A token holds ids and topics, never question text, and it is
signed: what is kept here is what a widget keeps in its tab.

Memory is one process's: another gunicorn worker (or replica) has not seen the thread. So each
reply also carries its token in the message's metadata (`METADATA_EVENT`), and a process that
does not know a thread reads the token back from the bot's latest reply there
(`token_from_slack`): Slack itself then holds the conversation, as a browser tab does for the
widget, and any worker can take the next message. Only the messages of the idle time are read,
a few pages at most.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import redis
from slack_sdk.errors import SlackClientError
from slack_sdk.web import WebClient

from faq_bot.config import Settings

log = logging.getLogger("faq_bot.slack")

_MEMORY_CAP = 10_000
_REDIS_PREFIX = "faq-bot:slack-thread:"
# The message metadata type our replies carry their conversation token under.
METADATA_EVENT = "faq_bot_conversation"
# Messages asked for a page: Slack recommends no more than 200.
_PAGE_SIZE = 200
# Replies come oldest first, so a long thread is read to its end; bounded, so one message of a
# very busy thread costs a few API calls (Tier 3 limits are per workspace), not a walk of it.
_MAX_PAGES = 5
# Slack stamps a message by its clock, and our token carries our clock's issue time: a reply
# stamped a little before `now - ttl` by a clock behind ours may still hold a live token.
_CLOCK_MARGIN = 60


def thread_key(channel: str, thread_ts: str | None) -> str:
    """The conversation key of a thread; a direct message's main line is one conversation."""
    return f"{channel}:{thread_ts or '-'}"


class ThreadStore(Protocol):
    """Keeps the latest conversation token of each thread for the idle time."""

    shared: bool
    """Whether every worker and replica sees the same store (Redis), or only this process."""

    def get(self, key: str) -> str | None:
        """The token last kept for `key`, or None."""
        ...

    def put(self, key: str, token: str) -> None:
        """Keep `token` as the latest of `key`."""
        ...


class MemoryThreads:
    """Tokens by thread in this process: another worker or replica does not see them."""

    shared = False

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

    shared = True

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


def reply_metadata(token: str) -> dict[str, Any]:
    """The metadata a reply is posted with: its conversation token (ids and topics, signed)."""
    return {"event_type": METADATA_EVENT, "event_payload": {"conversation": token}}


def _is_ours(message: Mapping[str, Any], app_id: str | None, bot_user_id: str | None) -> bool:
    """Whether a message of the thread was posted by this app's bot."""
    return bool((app_id and message.get("app_id") == app_id)
                or (bot_user_id and message.get("user") == bot_user_id))


def _token_of(message: Mapping[str, Any], app_id: str | None,
              bot_user_id: str | None) -> str | None:
    """The conversation token in a message's metadata, if the message is one of ours."""
    metadata = message.get("metadata")
    if not _is_ours(message, app_id, bot_user_id) or not isinstance(metadata, dict):
        return None
    payload = metadata.get("event_payload")
    if metadata.get("event_type") != METADATA_EVENT or not isinstance(payload, dict):
        return None
    token = payload.get("conversation")
    return token if isinstance(token, str) and token else None


def token_from_slack(client: WebClient, channel: str, thread_ts: str | None,
                     app_id: str | None, bot_user_id: str | None, *, ttl: float) -> str | None:
    """The conversation token of the bot's latest reply in a thread (or, without `thread_ts`, a
    direct-message chat) within the last `ttl` seconds, read from its metadata; None when the
    bot has no reply there with one, or Slack cannot be asked (the message is then read on its
    own)."""
    # A token older than the idle time is expired anyway: such messages are not even fetched.
    oldest = f"{time.time() - ttl - _CLOCK_MARGIN:.6f}"
    newest: tuple[float, str] | None = None
    cursor: str | None = None
    for _ in range(_MAX_PAGES):
        try:
            if thread_ts:
                response = client.conversations_replies(
                    channel=channel, ts=thread_ts, include_all_metadata=True, limit=_PAGE_SIZE,
                    oldest=oldest, cursor=cursor)
            else:
                response = client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=_PAGE_SIZE,
                    oldest=oldest, cursor=cursor)
        except SlackClientError as exc:
            # Even after a page was read: the newest token may be on the page that failed, and
            # an older turn must not be taken for the thread's latest.
            log.warning("slack thread history unavailable, reading the message alone: %s", exc)
            return None
        messages = response.get("messages")
        if not isinstance(messages, list):
            return None
        # Replies come oldest first, history newest first: keep the newest of ours either way.
        for message in messages:
            token = _token_of(message, app_id, bot_user_id) if isinstance(message, dict) else None
            if token is not None and (newest is None or _ts(message.get("ts")) > newest[0]):
                newest = (_ts(message.get("ts")), token)
        metadata = response.get("response_metadata")
        cursor = metadata.get("next_cursor") if isinstance(metadata, dict) else None
        if not isinstance(cursor, str) or not cursor:
            break
    else:
        log.warning("slack thread has more than %d pages of messages within the idle time; "
                    "the bot's newest reply there may be past them", _MAX_PAGES)
    return newest[1] if newest else None


def _ts(value: object) -> float:
    try:
        return float(value) if isinstance(value, str) else 0.0
    except ValueError:
        return 0.0
