"""Holds the live engine and swaps in a new FAQ only after it passes every check.

A changed data directory is noticed by polling file stamps (at most every `reload_interval`
seconds, in the worker that serves requests); a bad new FAQ is refused and the last good one
keeps answering, with the reason kept for /readyz and the log.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from faq_bot.core.engine import Engine
from faq_bot.core.faq.loader import FILES, FaqInvalid, load_faq
from faq_bot.core.faq.model import Faq

log = logging.getLogger("faq_bot.reload")


def _stamp(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for name in (*FILES, "article.txt"):
        try:
            st = (data_dir / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, 0, -1))
    return tuple(out)


class FaqStore:
    """The current Engine, plus safe reloading of the FAQ it answers from."""

    def __init__(self, data_dir: Path, *, country: str | None = None,
                 source_url: str | None = None, reload_interval: int = 5,
                 cache_dir: Path | None = None) -> None:
        self.data_dir = data_dir
        self.country = country
        self.source_url = source_url
        # What the check remembers between starts (loader.load_faq); None: nothing.
        self.cache_dir = cache_dir
        # Seconds between looks at the files; 0 never looks (reloads come by signal only).
        self.reload_interval = reload_interval
        self._engine = Engine(self._load())
        self._stamp = _stamp(data_dir)
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self.last_error: str | None = None
        self.reloads = 0
        self.failed_reloads = 0
        self.listeners: list[Callable[[bool, str | None], None]] = []

    def _load(self) -> Faq:
        return load_faq(self.data_dir, country=self.country, source_url=self.source_url,
                        cache_dir=self.cache_dir)

    @property
    def engine(self) -> Engine:
        """The engine answering now; polls for a changed FAQ when the interval has passed."""
        interval = self.reload_interval
        if interval and time.monotonic() - self._checked >= interval:
            self.poll()
        return self._engine

    @property
    def current(self) -> Engine:
        """The engine answering now, without looking for a changed FAQ (for listeners)."""
        return self._engine

    def poll(self, force: bool = False) -> None:
        """Reload when the data files changed since the last look (always when `force`)."""
        self._checked = time.monotonic()
        stamp = _stamp(self.data_dir)
        if force or stamp != self._stamp:
            self._stamp = stamp
            self.reload()

    def reload(self) -> bool:
        """Load the FAQ again; swap it in when valid, else keep the old one. True on success."""
        if not self._lock.acquire(blocking=False):
            return False  # another thread is already reloading
        try:
            try:
                engine = Engine(self._load())
            except FaqInvalid as exc:
                self.failed_reloads += 1
                self.last_error = str(exc)
                log.error("reload refused, still answering from the last good FAQ (pid %s): %s",
                          os.getpid(), exc)
                self._notify(False, self.last_error)
                return False
            self._engine = engine
            self.reloads += 1
            self.last_error = None
            log.info("FAQ reloaded: %d entries (pid %s)", len(engine.faq.entries), os.getpid())
            self._notify(True, None)
            return True
        finally:
            self._lock.release()

    def _notify(self, ok: bool, error: str | None) -> None:
        for listener in self.listeners:
            listener(ok, error)
