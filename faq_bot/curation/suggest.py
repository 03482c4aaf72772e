"""Proposed alternates from real traffic: for each cluster of unanswered questions close to an
FAQ entry, its most asked wording, written as YAML for a curator to review and merge by hand.

Nothing is ever added to the FAQ here. A proposal is kept only if it is one the FAQ may hold: no
dose amount, nothing the safety screen, the small talk or the scope rules would take first, not
a phrasing the FAQ already has, and the whole FAQ with every proposal merged in passes the same
checks as `faq-bot check`. It must also read like an alternate: short, and about kratom (a
question on alcohol and sleep may score near a sleep entry, but that entry does not answer it).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz.distance import Levenshtein

from faq_bot.core.doses import find_dose_amounts
from faq_bot.core.faq.checker import Problem
from faq_bot.core.faq.loader import check_faq
from faq_bot.core.faq.model import Faq
from faq_bot.core.matcher import terms
from faq_bot.core.normalize import normalise
from faq_bot.core.safety import assess
from faq_bot.core.scope import out_of_scope_reason
from faq_bot.core.scrub import has_placeholder
from faq_bot.core.smalltalk import smalltalk_intent
from faq_bot.curation.report import Report

# Below this matcher score the nearest entry is a guess, not a need the entry answers.
MIN_SCORE = 0.3
MAX_CHARS = 200
MAX_WORDS = 14  # alternates are short phrasings; a long story is for the curator to read
SUBJECT = "kratom"  # what every entry of this FAQ is about


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One proposed alternate for an existing entry, with why it is proposed."""

    faq_id: str
    question: str
    alternate: str
    asked: int
    score: float
    kinds: dict[str, int]


def about_subject(text: str) -> bool:
    """Whether `text` names the FAQ's subject (a one-letter typo allowed: "kratum")."""
    return any(Levenshtein.distance(word, SUBJECT) <= 1 for word in normalise(text).split())


def acceptable(text: str, known: set[str]) -> bool:
    """Whether `text` could be an alternate: see the module docstring. `known` holds the
    normalised phrasings already taken."""
    norm = normalise(text)
    return bool(
        norm and terms(text) and len(text) <= MAX_CHARS and len(norm.split()) <= MAX_WORDS
        and about_subject(text) and norm not in known
        and not has_placeholder(text) and not find_dose_amounts(text)
        and assess(text) is None and smalltalk_intent(text) is None
        and out_of_scope_reason(text) is None)


def propose(report: Report, faq: Faq, data_dir: Path, *, country: str | None = None,
            min_score: float = MIN_SCORE, cache_dir: Path | None = None) -> list[Suggestion]:
    """The alternates worth proposing from `report`'s clusters, each checked against the FAQ in
    `data_dir` (the one `faq` was loaded from); `cache_dir` is the check's (Settings.cache_dir)."""
    known = {normalise(p) for entry in faq.entries for p in entry.phrasings}
    found: list[Suggestion] = []
    for cluster in report.clusters:
        closest = cluster.closest
        if closest is None or closest.score < min_score or closest.faq_id not in faq.by_id:
            continue
        for example in cluster.examples:
            text = " ".join(example.split())
            if acceptable(text, known):
                known.add(normalise(text))
                found.append(Suggestion(closest.faq_id, faq.by_id[closest.faq_id].question,
                                        text, cluster.count, closest.score, cluster.kinds))
                break
    return _passing_check(found, data_dir, country, cache_dir)


def merged_faq(faq_yaml: Path, suggestions: list[Suggestion]) -> dict[str, Any]:
    """The data of `faq_yaml` with `suggestions` appended to their entries' alternates."""
    data = yaml.safe_load(faq_yaml.read_text(encoding="utf-8"))
    by_id = {e.get("id"): e for e in data.get("entries", []) if isinstance(e, dict)}
    for s in suggestions:
        entry = by_id.get(s.faq_id)
        if entry is not None:
            entry.setdefault("alternates", []).append(s.alternate)
    return data


def check_merged(data_dir: Path, suggestions: list[Suggestion],
                 country: str | None = None, cache_dir: Path | None = None) -> list[Problem]:
    """What `faq-bot check` says about a copy of `data_dir` with `suggestions` merged in."""
    with tempfile.TemporaryDirectory(prefix="faq-bot-suggest-") as tmp:
        copy = Path(tmp) / "faq_data"
        shutil.copytree(data_dir, copy)
        data = merged_faq(copy / "faq.yaml", suggestions)
        (copy / "faq.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
        return check_faq(copy, country=country, cache_dir=cache_dir)


def _passing_check(found: list[Suggestion], data_dir: Path, country: str | None,
                   cache_dir: Path | None = None) -> list[Suggestion]:
    if not found or not check_merged(data_dir, found, country, cache_dir):
        return found
    # Some proposal trips a check the filters above do not foresee: keep those that pass alone.
    kept = [s for s in found if not check_merged(data_dir, [s], country, cache_dir)]
    if check_merged(data_dir, kept, country, cache_dir):
        return []
    return kept


def _scalar(text: str) -> str:
    # A JSON string is a valid double-quoted YAML scalar: safe for any character people type.
    return json.dumps(text, ensure_ascii=False)


def suggestions_yaml(suggestions: list[Suggestion], report: Report) -> str:
    """The proposals as a YAML file laid out like faq_data/faq.yaml, with a comment per line."""
    lines = [
        "# Proposed alternates from questions people asked (faq-bot report --suggest).",
        f"# Period: {report.start:%Y-%m-%d %H:%M} to {report.end:%Y-%m-%d %H:%M} UTC.",
        "# Nothing here is used until a curator copies lines into faq_data/faq.yaml by hand.",
        "# Together with the FAQ as it was, every line passed `faq-bot check` when written;",
        "# run it again after merging. Remove any line whose question the entry does not answer.",
    ]
    if not suggestions:
        lines.append("entries: []")
        return "\n".join(lines) + "\n"
    lines.append("entries:")
    by_entry: dict[str, list[Suggestion]] = {}
    for s in suggestions:
        by_entry.setdefault(s.faq_id, []).append(s)
    for faq_id, items in by_entry.items():
        lines.append(f"  - id: {faq_id}")
        lines.append(f"    question: {_scalar(items[0].question)}")
        lines.append("    alternates:")
        for s in items:
            why = ", ".join(f"{k} {n}" for k, n in s.kinds.items())
            lines.append(f"      - {_scalar(s.alternate)}  # asked {s.asked} time"
                         f"{'s' if s.asked != 1 else ''} ({why}); score {s.score:.2f}")
    return "\n".join(lines) + "\n"
