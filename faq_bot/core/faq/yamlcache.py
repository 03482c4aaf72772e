"""Parsed FAQ files, remembered by the hash of their bytes, so an unchanged big faq.yaml is not
parsed again at every start.

The line-keeping reader (core/yamlfile.py) walks every node in Python: 10,000 entries take
seconds. A file it read without error is stored as JSON in the cache folder of phrasings.py
(passed in by the caller), named for the hash of its bytes and of the code that reads it (this
module, core/yamlfile.py, the PyYAML and Python versions: not the safety rules, whose every
edit would otherwise throw the parse away too); the same bytes later give the same data without
parsing. The lines are only needed for a problem's
message, so they come from a real parse of the file, made the first time one is asked for.

A big file not in the cache is read without its lines, too: composed by libyaml where PyYAML
has it, its text scalars taken as they are, with the reader's rules (no anchors or aliases,
text keys, no key twice). Anything those rules refuse, or any value that cannot be built, is
left to the reader itself, which says what is wrong and where.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from faq_bot.core import yamlfile
from faq_bot.core.yamlfile import YamlDoc, YamlError, read_yaml

FORMAT = "faq-bot-yaml"
# Small files parse in milliseconds; only big ones are worth a cache file.
MIN_BYTES = 256 * 1024
# Versions of big files kept (a curator editing faq.yaml makes one per saved edit).
KEEP = 4


@cache
def reader_fingerprint() -> str:
    """A hash of the code a parse depends on: this module, core/yamlfile.py, PyYAML (and
    whether it has libyaml) and Python."""
    digest = hashlib.sha256(f"{FORMAT} {sys.version} {yaml.__version__} "
                            f"{yaml.__with_libyaml__}".encode())
    for file in (Path(__file__), Path(yamlfile.__file__)):
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


class CachedYamlDoc(YamlDoc):
    """A YamlDoc whose data came from the cache; its lines come from parsing the file, once,
    when the first one is asked for."""

    def line(self, *path: str | int) -> int:
        """The line of the value at `path` (see YamlDoc.line)."""
        if not self.lines:
            with contextlib.suppress(YamlError):
                self.lines = read_yaml(self.file).lines
        return super().line(*path)


def read_yaml_cached(file: Path, folder: Path | None) -> YamlDoc:
    """`read_yaml(file)`, from the cache in `folder` when these exact bytes were read before
    (None: no cache)."""
    try:
        raw = file.read_bytes()
    except OSError:
        return read_yaml(file)  # says what is wrong with the file
    if len(raw) < MIN_BYTES:
        return read_yaml(file)
    if folder is None:
        return _read_big(file, raw)
    digest = hashlib.sha256(reader_fingerprint().encode() + raw)
    path = folder / f"yaml-{digest.hexdigest()[:32]}.json"
    with contextlib.suppress(OSError, ValueError):
        stored = json.loads(path.read_text(encoding="ascii"))
        if isinstance(stored, dict) and stored.get("format") == FORMAT:
            os.utime(path)  # recently used: kept when older versions are pruned
            return CachedYamlDoc(file, stored["data"])
    doc = _read_big(file, raw)
    _store(path, doc.data)
    return doc


_STR = "tag:yaml.org,2002:str"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Irregular(Exception):
    """Something the line-keeping reader refuses or reports: it reads the file instead."""


def _read_big(file: Path, raw: bytes) -> YamlDoc:
    """The data of `file` (whose bytes are `raw`) as read_yaml reads it; its lines come when
    the first one is asked for. read_yaml itself reads a file that breaks its rules."""
    try:
        # Decoded as read_yaml's read_text decodes it (universal newlines).
        text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        node = yaml.compose(text, Loader=_LOADER)
        data = None if node is None else _data(node, set(), yaml.SafeLoader(""))
    except Exception:  # whatever it is, read_yaml meets it too, and reports it as it does
        return read_yaml(file)
    return CachedYamlDoc(file, data)


def _data(node: yaml.Node, seen: set[int], constructor: yaml.SafeLoader) -> Any:
    # yamlfile._build without the lines: the same values, and _Irregular wherever it raises.
    if id(node) in seen:
        raise _Irregular
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value  # what the constructor makes of a text scalar
        return constructor.construct_object(node)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value in out:
                raise _Irregular
            out[key_node.value] = _data(value_node, seen, constructor)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_data(item, seen, constructor) for item in node.value]
    raise _Irregular


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
