"""Checking each entry's curated follow-up questions (`followups:` in faq.yaml).

A followup is what the widget and Slack offer as a button under an answer; a click asks that
entry's question in the same conversation. So each must name another entry that exists, at most
four per entry, and none may lead into dosing or mixing: those are questions the service
refers, and the FAQ never nudges anyone towards them.
"""

from __future__ import annotations

import re
from typing import Any

from faq_bot.core.faq.checker import Checker
from faq_bot.core.faq.model import Entry
from faq_bot.core.yamlfile import YamlDoc

MAX_FOLLOWUPS = 4
# Entries about amounts or mixing are answered when asked, never offered: the whole
# Dose-Dependent Results section, and any entry whose question names doses or interactions.
BARRED_SECTIONS = frozenset({"Dose-Dependent Results"})
_BARRED_WORDS = re.compile(r"\b(?:dos(?:e|es|age|ages|ing)|mix\w*|interact\w*|combin\w*|"
                           r"alcohol|medicines?|medications?|drugs?)\b", re.IGNORECASE)


def read_followups(ck: Checker, doc: YamlDoc, where: tuple[str | int, ...], value: Any,
                   entry_id: str | None, what: str) -> tuple[str, ...]:
    """The followup ids of one entry (optional: none when absent), after recording what is
    wrong with their form: not a list of ids, the entry itself, repeated, more than four."""
    if value is None:
        return ()
    if not isinstance(value, list):
        ck.add(doc, where, f"{what}: 'followups' must be a list of entry ids")
        return ()
    out: list[str] = []
    for j, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            ck.add(doc, (*where, j), f"{what}: followup {j + 1} must be an entry id")
        elif item == entry_id:
            ck.add(doc, (*where, j), f"{what}: an entry cannot be its own followup; name another")
        elif item in out:
            ck.add(doc, (*where, j), f"{what}: followup {item!r} is listed twice; remove one")
        else:
            out.append(item)
    if len(value) > MAX_FOLLOWUPS:
        ck.add(doc, where, f"{what}: {len(value)} followups; offer at most {MAX_FOLLOWUPS}")
    return tuple(out)


def check_followup_targets(ck: Checker, doc: YamlDoc, items: list[Any],
                           entries: tuple[Entry, ...]) -> None:
    """Every followup names a loaded entry, and none leads into dosing or mixing."""
    by_id = {e.id: e for e in entries}
    known = {item.get("id") for item in items if isinstance(item, dict)}
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("followups"), list):
            continue
        what = f"entry '{item.get('id') or i + 1}'"
        for j, target in enumerate(item["followups"]):
            if not isinstance(target, str):
                continue
            where = ("entries", i, "followups", j)
            if target not in known:
                ck.add(doc, where, f"{what}: followup {target!r} is not an entry id; use an id "
                       "from this file")
                continue
            entry = by_id.get(target)
            if entry is not None and (entry.section in BARRED_SECTIONS
                                      or _BARRED_WORDS.search(entry.question)):
                ck.add(doc, where, f"{what}: followup {target!r} leads into dosing or mixing "
                       f"({entry.question!r}); offer another entry")
