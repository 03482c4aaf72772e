"""Validation of the FAQ data: every problem a curator could introduce, with its file and line.

The checks work on the parsed YAML documents; `loader` builds the model only when this finds
nothing. Each message says what is wrong and what to do about it.
"""

from __future__ import annotations

import re
import string
from typing import Any

from faq_bot.core.doses import find_dose_amounts
from faq_bot.core.faq.phrasings import PhrasingCache
from faq_bot.core.yamlfile import Problem, YamlDoc

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CONTACT_KEYS = ("emergency", "crisis", "poison", "helpline")
SMALLTALK_KEYS = ("greeting", "thanks", "goodbye", "capabilities")
FALLBACK_KEYS = ("default", "vendor", "legal", "empty", "language")
ENTRY_KEYS = {"id", "question", "alternates", "answer", "source", "context", "followups"}


def fold_article_text(text: str) -> str:
    """Fold what quote matching tolerates: whitespace runs and the article's mis-encoded space."""
    text = text.replace("Ā\u00a0", " ").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


class Checker:
    """Collects problems while the loader walks the documents."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # The dose amounts of each text checked so far: a big FAQ repeats its answers and quotes.
        self._doses: dict[str, list[str]] = {}

    def add(self, doc: YamlDoc, path: tuple[str | int, ...], message: str) -> None:
        """Record a problem at the line of `path` in `doc`."""
        self.problems.append(Problem(doc.file, doc.line(*path), message))

    def text(self, doc: YamlDoc, data: Any, path: tuple[str | int, ...], key: str,
             what: str, *, required: bool = True) -> str | None:
        """The non-blank string at data[key], or None after recording why it is not one."""
        if not isinstance(data, dict) or key not in data or data[key] is None:
            if required:
                self.add(doc, path, f"{what}: the field '{key}' is missing; add it")
            return None
        value = data[key]
        if not isinstance(value, str):
            self.add(doc, (*path, key), f"{what}: '{key}' must be text, not {type(value).__name__}")
            return None
        if not value.strip():
            self.add(doc, (*path, key), f"{what}: '{key}' is empty; write the text")
            return None
        return value.strip()

    def no_dose(self, doc: YamlDoc, path: tuple[str | int, ...], value: str, what: str) -> None:
        """Refuse text that holds a dose amount: no reply may ever carry one."""
        found = self._doses.get(value)
        if found is None:
            found = self._doses[value] = find_dose_amounts(value)
        if found:
            self.add(doc, path, f"{what} holds a dose amount ({', '.join(repr(f) for f in found)});"
                     " no reply may carry one: reword it without the amount")

    def placeholders(self, doc: YamlDoc, path: tuple[str | int, ...], value: str,
                     what: str) -> None:
        """Refuse {names} in policy text that no contact provides."""
        for _, name, _, _ in string.Formatter().parse(value):
            if name is not None and name not in CONTACT_KEYS:
                self.add(doc, path, f"{what} uses {{{name}}}, which is not a contact; use one of "
                         + ", ".join("{" + k + "}" for k in CONTACT_KEYS))


def check_entry_phrasings(ck: Checker, doc: YamlDoc, entries: list[dict[str, Any]],
                          cache: PhrasingCache | None = None) -> None:
    """No phrasing may belong to two entries or be one the safety screen never lets through;
    `cache` remembers the phrasings that pass (none is kept without one)."""
    cache = cache if cache is not None else PhrasingCache(None)
    owner: dict[str, str] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            continue
        phrasings: list[tuple[tuple[str | int, ...], Any]] = [(("entries", i, "question"),
                                                              entry.get("question"))]
        alternates = entry.get("alternates")
        if isinstance(alternates, list):
            phrasings += [(("entries", i, "alternates", j), a) for j, a in enumerate(alternates)]
        for path, text in phrasings:
            if not isinstance(text, str) or not text.strip():
                continue
            # Screened first: a phrasing that passes is then analysed once, for both.
            verdict = cache.verdict(text)
            key = cache.normalised(text)
            other = owner.get(key)
            if other is not None and other != entry["id"]:
                ck.add(doc, path, f"entry '{entry['id']}': {text!r} is also a phrasing of entry "
                       f"'{other}'; keep it in one entry only")
            elif other == entry["id"] and path[-2] == "alternates":
                ck.add(doc, path, f"entry '{entry['id']}': {text!r} is listed twice; remove one")
            owner.setdefault(key, entry["id"])
            if verdict is not None:
                ck.add(doc, path, f"entry '{entry['id']}': {text!r} is a {verdict.topic} question "
                       f"that the safety screen answers with a {verdict.kind}, so it can never "
                       "match this entry; remove it")
