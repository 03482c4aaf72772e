"""Load the FAQ data directory: read the YAML, check it, and build the immutable model.

A directory with any problem yields no model at all: the service refuses to start (or keeps its
last good FAQ on reload) rather than answer from a half-valid FAQ.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from faq_bot.core.faq import phrasings as _phrasings
from faq_bot.core.faq.checker import (
    CONTACT_KEYS,
    ENTRY_KEYS,
    FALLBACK_KEYS,
    ID_RE,
    SMALLTALK_KEYS,
    Checker,
    Problem,
    check_entry_phrasings,
    fold_article_text,
)
from faq_bot.core.faq.followups import check_followup_targets, read_followups
from faq_bot.core.faq.model import Article, ContextNote, Entry, Faq, Policy, PolicyReply
from faq_bot.core.faq.phrasings import PhrasingCache
from faq_bot.core.faq.yamlcache import read_yaml_cached
from faq_bot.core.matcher import Analysis, remember
from faq_bot.core.safety.topics import REFERRAL_TOPICS
from faq_bot.core.yamlfile import YamlDoc, YamlError

FILES = ("article.yaml", "faq.yaml", "policy.yaml", "sources.yaml")


class FaqInvalid(Exception):
    """The FAQ data has problems; `problems` lists each with its file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_faq(data_dir: Path, *, country: str | None = None, source_url: str | None = None,
             cache_dir: Path | None = None) -> Faq:
    """Load and check `data_dir`; raise FaqInvalid listing every problem found.

    `cache_dir` holds what the check remembers between starts (phrasings.py, yamlcache.py);
    None remembers nothing (faq_bot.config's Settings.cache_dir is the configured folder)."""
    faq, problems = _load(Path(data_dir), country, source_url, cache_dir, prime=True)
    if problems or faq is None:
        raise FaqInvalid(problems)
    return faq


def check_faq(data_dir: Path, *, country: str | None = None,
              cache_dir: Path | None = None) -> list[Problem]:
    """Every problem in `data_dir` (empty when the FAQ is valid); `cache_dir` as in load_faq."""
    return _load(Path(data_dir), country, None, cache_dir)[1]


def _load(data_dir: Path, country: str | None, source_url: str | None,
          cache_dir: Path | None, prime: bool = False) -> tuple[Faq | None, list[Problem]]:
    ck = Checker()
    if not data_dir.is_dir():
        return None, [Problem(data_dir, None, "the FAQ data directory does not exist; set "
                              "FAQ_BOT_DATA_DIR to a folder holding " + ", ".join(FILES))]
    docs: dict[str, YamlDoc] = {}
    digest = hashlib.sha256()
    for name in FILES:
        try:
            docs[name] = read_yaml_cached(data_dir / name, cache_dir)
        except YamlError as exc:
            ck.problems.append(Problem(exc.file, exc.line, exc.message))
            continue
        digest.update((data_dir / name).read_bytes())
    if ck.problems:
        return None, ck.problems
    article, article_text = _article(ck, docs["article.yaml"], data_dir, source_url)
    if article_text is not None:
        digest.update(article_text.encode())
    # A server start checks the folder, then loads it: the second time, these same bytes
    # give the same FAQ, already checked.
    global _last
    key = (data_dir.resolve(), country, source_url, digest.hexdigest())
    last = _last
    if not ck.problems and last is not None and last[0] == key:
        if prime:
            remember(last[2])
            _last = (key, last[1], {})
        return last[1], []
    notes = _notes(ck, docs["sources.yaml"])
    policy = _policy(ck, docs["policy.yaml"], notes, country)
    contacts = dict(policy.contacts) if policy is not None else {}
    phrasings = _raw_phrasings(docs["faq.yaml"])
    cache = PhrasingCache(cache_dir if len(phrasings) >= _phrasings.MIN_PHRASINGS else None)
    # Each distinct phrasing screened once, before the checks that ask about it.
    cache.screen(phrasings)
    entries = _entries(ck, docs["faq.yaml"], article, notes, contacts, cache)
    cache.save(phrasings)
    if policy is not None:
        known = {e.id for e in entries}
        for i, starter in enumerate(policy.starters):
            if starter not in known:
                ck.add(docs["policy.yaml"], ("starter_questions", i), f"policy: starter question "
                       f"{starter!r} is not an FAQ entry id; use an id from faq.yaml")
    if ck.problems or article is None or policy is None:
        return None, ck.problems
    faq = Faq(article, entries, policy, notes, data_dir, digest.hexdigest()[:16])
    analyses = cache.analyses([p for e in entries for p in e.phrasings])
    _last = (key, faq, {} if prime else analyses)
    if prime:
        # The Matcher built from these entries next takes their analyses from here.
        remember(analyses)
    return faq, []


# The last valid FAQ loaded in this process, by its folder, settings and bytes; with the
# analyses of its phrasings, until a load hands them to the Matcher.
_last: tuple[tuple[object, ...], Faq, dict[str, Analysis]] | None = None


def _mapping(ck: Checker, doc: YamlDoc) -> dict[str, Any]:
    if not isinstance(doc.data, dict):
        ck.add(doc, (), "the file must hold a mapping of keys to values")
        return {}
    return doc.data


def _article(ck: Checker, doc: YamlDoc, data_dir: Path,
             source_url: str | None) -> tuple[Article | None, str | None]:
    data = _mapping(ck, doc)
    title = ck.text(doc, data, (), "title", "article")
    file = ck.text(doc, data, (), "file", "article")
    intro = ck.text(doc, data, (), "intro_section", "article")
    headings = data.get("headings")
    if not isinstance(headings, list) or not all(isinstance(h, str) for h in headings):
        ck.add(doc, ("headings",), "article: 'headings' must be a list of the article's headings")
        return None, None
    marketing = data.get("marketing_lines") or []
    if file is None or title is None or intro is None:
        return None, None
    try:
        text = (data_dir / file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        ck.add(doc, ("file",), f"article: cannot read {file!r} ({exc}); put the article there")
        return None, None
    lines = [line.strip() for line in text.splitlines()]
    if title not in lines:
        ck.add(doc, ("title",), f"article: the title {title!r} is not a line of {file}")
    sections: dict[str, list[str]] = {intro: []}
    current = intro
    for i, heading in enumerate(headings):
        if heading not in lines:
            ck.add(doc, ("headings", i), f"article: the heading {heading!r} is not a line of "
                   f"{file}; copy it exactly")
    for line in lines:
        if line == title or line in marketing or not line:
            continue
        if line in headings:
            current = line
            sections[current] = []
        else:
            sections[current].append(line)
    url = source_url or (data.get("url") if isinstance(data.get("url"), str) else None)
    folded = {name: fold_article_text(" ".join(body)) for name, body in sections.items()}
    return Article(title, url, folded), text


def _notes(ck: Checker, doc: YamlDoc) -> dict[str, ContextNote]:
    data = _mapping(ck, doc)
    notes: dict[str, ContextNote] = {}
    items = data.get("notes")
    if not isinstance(items, list):
        ck.add(doc, ("notes",), "sources: 'notes' must be a list of notes")
        return notes
    for i, item in enumerate(items):
        where = ("notes", i)
        note_id = ck.text(doc, item, where, "id", f"note {i + 1}")
        text = ck.text(doc, item, where, "text", f"note {note_id or i + 1}")
        source = item.get("source") if isinstance(item, dict) else None
        title = ck.text(doc, source, (*where, "source"), "title", f"note {note_id}: source")
        url = source.get("url") if isinstance(source, dict) else None
        if note_id is None or text is None or title is None:
            continue
        if note_id in notes:
            ck.add(doc, (*where, "id"), f"note id {note_id!r} is used twice; ids must be unique")
        ck.no_dose(doc, (*where, "text"), text, f"note {note_id!r}")
        notes[note_id] = ContextNote(note_id, " ".join(text.split()), title,
                                     url if isinstance(url, str) else None)
    return notes


def _context(ck: Checker, doc: YamlDoc, where: tuple[str | int, ...], value: Any,
             notes: dict[str, ContextNote], what: str) -> tuple[ContextNote, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        ck.add(doc, where, f"{what}: 'context' must be a list of note ids from sources.yaml")
        return ()
    out = []
    for j, note_id in enumerate(value):
        if note_id not in notes:
            ck.add(doc, (*where, j), f"{what}: context id {note_id!r} is not a note in "
                   "sources.yaml; add the note there or fix the id")
        else:
            out.append(notes[note_id])
    return tuple(out)


def _policy(ck: Checker, doc: YamlDoc, notes: dict[str, ContextNote],
            country: str | None) -> Policy | None:
    data = _mapping(ck, doc)
    contacts_all = data.get("contacts")
    country = country or data.get("country")
    if not isinstance(contacts_all, dict) or not isinstance(country, str):
        ck.add(doc, ("contacts",), "policy: 'country' and 'contacts' (by country code) are needed")
        return None
    contacts = contacts_all.get(country)
    if not isinstance(contacts, dict):
        ck.add(doc, ("contacts",), f"policy: no contacts for country {country!r}; add them under "
               "'contacts' or set FAQ_BOT_COUNTRY to one of " + ", ".join(sorted(contacts_all)))
        return None
    filled: dict[str, str] = {}
    for key in CONTACT_KEYS:
        value = ck.text(doc, contacts, ("contacts", country), key, f"policy contacts {country}")
        filled[key] = value or ""

    def text(path: tuple[str | int, ...], what: str) -> str:
        parent = doc.data
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        raw = ck.text(doc, parent, path[:-1], str(path[-1]), what)
        if raw is None:
            return ""
        ck.no_dose(doc, path, raw, what)
        ck.placeholders(doc, path, raw, what)
        try:
            return " ".join(raw.format(**filled).split())
        except (KeyError, IndexError, ValueError):
            return " ".join(raw.split())

    safety_line = text(("safety_line",), "policy: the safety line")

    def replies(kind: str, topics: tuple[str, ...]) -> dict[str, PolicyReply]:
        block = data.get(kind)
        title = ck.text(doc, block, (kind,), "title", f"policy {kind}") or ""
        out: dict[str, PolicyReply] = {}
        found = block.get("topics") if isinstance(block, dict) else None
        if not isinstance(found, dict):
            ck.add(doc, (kind,), f"policy {kind}: 'topics' must map each topic to its reply")
            return out
        for topic in topics:
            if topic not in found:
                ck.add(doc, (kind, "topics"), f"policy {kind}: the topic '{topic}' has no reply")
        for topic, item in found.items():
            where = (kind, "topics", topic)
            section = ck.text(doc, item, where, "section", f"policy {kind} {topic}") or topic
            body = text((*where, "text"), f"policy {kind} {topic}")
            context = _context(ck, doc, (*where, "context"),
                               item.get("context") if isinstance(item, dict) else None,
                               notes, f"policy {kind} {topic}")
            out[topic] = PolicyReply(title, section, body, context)
        return out

    referral = replies("referral", REFERRAL_TOPICS)
    emergency = replies("emergency", ("self_harm", "default"))
    fb = data.get("fallback")
    fallback_title = ck.text(doc, fb, ("fallback",), "title", "policy fallback") or ""
    fallback = {k: text(("fallback", "topics", k), f"policy fallback {k}")
                for k in FALLBACK_KEYS}
    clarify = text(("clarify",), "policy: the clarify text")
    smalltalk = {k: text(("smalltalk", k), f"policy smalltalk {k}") for k in SMALLTALK_KEYS}
    starters = data.get("starter_questions") or []
    if not isinstance(starters, list) or not all(isinstance(x, str) for x in starters):
        ck.add(doc, ("starter_questions",), "policy: 'starter_questions' must be a list of FAQ ids")
        starters = []
    return Policy(safety_line, country, referral, emergency, fallback_title, fallback, clarify,
                  smalltalk, tuple(starters), tuple(filled.items()))


def _raw_phrasings(doc: YamlDoc) -> dict[str, None]:
    # Every question and alternate as written, once each, in file order: what the phrasing
    # cache is keyed by.
    items = doc.data.get("entries") if isinstance(doc.data, dict) else None
    out: dict[str, None] = {}
    for item in items if isinstance(items, list) else ():
        if isinstance(item, dict):
            alternates = item.get("alternates")
            for text in [item.get("question"), *(alternates if isinstance(alternates, list)
                                                 else ())]:
                if isinstance(text, str):
                    out[text] = None
    return out


def _entries(ck: Checker, doc: YamlDoc, article: Article | None, notes: dict[str, ContextNote],
             contacts: dict[str, str], cache: PhrasingCache) -> tuple[Entry, ...]:
    data = _mapping(ck, doc)
    items = data.get("entries")
    if not isinstance(items, list) or not items:
        ck.add(doc, ("entries",), "faq: 'entries' must be a non-empty list of FAQ entries")
        return ()
    out: list[Entry] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        where: tuple[str | int, ...] = ("entries", i)
        if not isinstance(item, dict):
            ck.add(doc, where, f"faq entry {i + 1} must be a mapping with id, question, ...")
            continue
        for key in sorted(set(item) - ENTRY_KEYS):
            ck.add(doc, (*where, key), f"faq entry {i + 1}: unknown field '{key}'; the fields are "
                   + ", ".join(sorted(ENTRY_KEYS)))
        entry_id = ck.text(doc, item, where, "id", f"faq entry {i + 1}")
        what = f"entry '{entry_id or i + 1}'"
        if entry_id is not None:
            if not ID_RE.match(entry_id):
                ck.add(doc, (*where, "id"), f"{what}: ids are lower-case words joined by '-'")
            if entry_id in seen:
                ck.add(doc, (*where, "id"), f"{what}: the id is used twice; ids must be unique")
            seen.add(entry_id)
        question = ck.text(doc, item, where, "question", what)
        answer = ck.text(doc, item, where, "answer", what)
        alternates = item.get("alternates")
        if not isinstance(alternates, list) or not alternates:
            ck.add(doc, (*where, "alternates"), f"{what}: 'alternates' must be a non-empty list "
                   "of other ways people ask this question")
            alternates = []
        alts: list[str] = []
        for j, alt in enumerate(alternates):
            if not isinstance(alt, str) or not alt.strip():
                ck.add(doc, (*where, "alternates", j), f"{what}: alternate {j + 1} must be text")
            else:
                alts.append(alt.strip())
                if not cache.passed(alt):  # a remembered pass holds no dose amount
                    ck.no_dose(doc, (*where, "alternates", j), alt, f"{what}: alternate")
        source = item.get("source")
        section = ck.text(doc, source, (*where, "source"), "section", f"{what}: source")
        quote = ck.text(doc, source, (*where, "source"), "quote", f"{what}: source")
        if question and not cache.passed(item["question"]):
            ck.no_dose(doc, (*where, "question"), question, f"{what}: the question")
        if answer:
            ck.no_dose(doc, (*where, "answer"), answer, f"{what}: the answer")
            ck.placeholders(doc, (*where, "answer"), answer, f"{what}: the answer")
            if contacts:
                with contextlib.suppress(KeyError, IndexError, ValueError):
                    answer = answer.format(**contacts)  # a bad name is reported just above
        if quote:
            ck.no_dose(doc, (*where, "source", "quote"), quote, f"{what}: the quote")
        if article is not None and section is not None:
            if section not in article.sections:
                ck.add(doc, (*where, "source", "section"), f"{what}: {section!r} is not a heading "
                       "of the article; use one of: " + "; ".join(article.sections))
            elif quote is not None and fold_article_text(quote) not in article.sections[section]:
                elsewhere = [n for n, body in article.sections.items()
                             if fold_article_text(quote) in body]
                hint = (f"it stands in section {elsewhere[0]!r}; fix the section" if elsewhere
                        else "copy the passage exactly from the article")
                ck.add(doc, (*where, "source", "quote"), f"{what}: the quote does not stand "
                       f"verbatim in section {section!r}; {hint}")
        context = _context(ck, doc, (*where, "context"), item.get("context"), notes, what)
        followups = read_followups(ck, doc, (*where, "followups"), item.get("followups"),
                                   entry_id, what)
        if entry_id and question and answer and section and quote:
            out.append(Entry(entry_id, " ".join(question.split()), tuple(alts),
                             " ".join(answer.split()), section, " ".join(quote.split()), context,
                             followups))
    check_entry_phrasings(ck, doc, items, cache)
    check_followup_targets(ck, doc, items, tuple(out))
    return tuple(out)
