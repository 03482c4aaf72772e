"""Parsed FAQ files, remembered by the hash of their bytes, so an unchanged big faq.yaml is not
parsed again at every start.

The line-keeping reader (core/yamlfile.py) walks every node in Python: 10,000 entries take
seconds. A file it read without error is stored as JSON in the cache folder of phrasings.py,
named for the hash of its bytes and of the code's fingerprint; the same bytes later give the
same data without parsing. The lines are only needed for a problem's message, so they come from
a real parse of the file, made the first time one is asked for.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from faq_bot.core.faq.phrasings import cache_dir, fingerprint
from faq_bot.core.yamlfile import YamlDoc, YamlError, read_yaml

FORMAT = "faq-bot-yaml"
# Small files parse in milliseconds; only big ones are worth a cache file.
MIN_BYTES = 256 * 1024
# Versions of big files kept (a curator editing faq.yaml makes one per saved edit).
KEEP = 4


class CachedYamlDoc(YamlDoc):
    """A YamlDoc whose data came from the cache; its lines come from parsing the file, once,
    when the first one is asked for."""

    def line(self, *path: str | int) -> int:
        """The line of the value at `path` (see YamlDoc.line)."""
        if not self.lines:
            with contextlib.suppress(YamlError):
                self.lines = read_yaml(self.file).lines
        return super().line(*path)


def read_yaml_cached(file: Path) -> YamlDoc:
    """`read_yaml(file)`, from the cache when these exact bytes were read before."""
    folder = cache_dir()
    try:
        raw = file.read_bytes()
    except OSError:
        return read_yaml(file)  # says what is wrong with the file
    if folder is None or len(raw) < MIN_BYTES:
        return read_yaml(file)
    digest = hashlib.sha256(fingerprint().encode() + yaml.__version__.encode() + raw)
    path = folder / f"yaml-{digest.hexdigest()[:32]}.json"
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(path.read_text(encoding="ascii"))
        if isinstance(stored, dict) and stored.get("format") == FORMAT:
            os.utime(path)  # recently used: kept when older versions are pruned
            return CachedYamlDoc(file, stored["data"])
    doc = read_yaml(file)
    _store(path, doc.data)
    return doc


def _store(path: Path, data: Any) -> None:
    try:
        body = json.dumps({"format": FORMAT, "data": data}, ensure_ascii=True,
                          separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return  # a date, a set, NaN...: not plain JSON, so parsed every time
    if json.loads(body)["data"] != data:  # e.g. an int key: the cache would change the data
        return
    tmp: str | None = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".yaml-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(body)
        os.replace(tmp, path)
        tmp = None
        stale = sorted(path.parent.glob("yaml-*.json"), key=_mtime, reverse=True)[KEEP:]
        for old in stale:
            with contextlib.suppress(OSError):
                old.unlink()
    except OSError:
        pass  # no cache: the next start parses the file again
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _mtime(file: Path) -> float:
    try:
        return file.stat().st_mtime
    except OSError:
        return 0.0
