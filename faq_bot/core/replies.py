"""The reply: one immutable value per question, built here and rendered by each channel.

Channels (JSON API, Slack, the widget, the CLI) never decide what to say; they only render a
Reply. The last step of every build screens the user-visible strings for dose amounts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faq_bot.core.doses import has_dose_amount
from faq_bot.core.faq.model import ContextNote, Entry, Faq, PolicyReply

KINDS = ("answer", "referral", "emergency", "clarify", "fallback", "smalltalk")
# The contract allows at most four follow-up questions on an answer.
MAX_FOLLOWUPS = 4


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Replies repeat (FAQ traffic does, and the engine remembers its decisions), and encoding is
# most of what rendering one costs: the JSON of each reply's content, all but its id, is kept.
# Bounded by starting afresh when full; entries are immutable, so a race only re-encodes.
_JSON_CACHE_SIZE = 2048
_JSON_BY_CONTENT: dict[tuple[Any, ...], str] = {}


def new_id() -> str:
    """A fresh random id of 32 hex digits (128 random bits, as a uuid4 has 122)."""
    return os.urandom(16).hex()


@dataclass(frozen=True, slots=True)
class Source:
    """Where a reply's text comes from: the article (title, section, quote) or a policy."""

    title: str
    section: str
    quote: str | None
    url: str | None

    def to_dict(self) -> dict[str, Any]:
        """The contract's `source` object."""
        return {"title": self.title, "section": self.section, "quote": self.quote, "url": self.url}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An FAQ entry offered for a clarify or fallback reply."""

    faq_id: str
    question: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One reply of the contract; see CONTRACT.md for each field."""

    kind: str
    text: str
    safety: str
    source: Source | None = None
    faq_id: str | None = None
    confidence: float = 0.0
    suggestions: tuple[Suggestion, ...] = ()
    topic: str | None = None
    context: tuple[ContextNote, ...] = ()
    # The id of the safety rule (or learned-screen path) that decided a referral or emergency:
    # counted in metrics and curation events, never shown to the user.
    rule: str | None = None
    # What to ask next, for an answer: the entry's curated follow-up questions.
    followups: tuple[Suggestion, ...] = ()
    id: str = field(default_factory=new_id)
    # The signed conversation token to send back with the next question (per reply, like id).
    conversation: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The reply as the contract's JSON object."""
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "source": self.source.to_dict() if self.source else None,
            "safety": self.safety,
            "faq_id": self.faq_id,
            "confidence": round(self.confidence, 3),
            "suggestions": [{"faq_id": s.faq_id, "question": s.question}
                            for s in self.suggestions],
            "topic": self.topic,
            "context": [{"text": n.text, "source": {"title": n.title, "url": n.url}}
                        for n in self.context],
            "followups": [{"faq_id": s.faq_id, "question": s.question} for s in self.followups],
            "conversation": self.conversation,
        }

    def _content(self) -> tuple[Any, ...]:
        # Every field but the id and the conversation, in field order: what replies of the
        # same content share.
        return (self.kind, self.text, self.safety, self.source, self.faq_id, self.confidence,
                self.suggestions, self.topic, self.context, self.rule, self.followups)

    def with_id(self, reply_id: str) -> Reply:
        """The same reply under another id (a faster dataclasses.replace, for every request)."""
        return Reply(*self._content(), reply_id, self.conversation)

    def with_conversation(self, token: str) -> Reply:
        """The same reply carrying the conversation token `token`."""
        return Reply(*self._content(), self.id, token)

    def to_json(self) -> str:
        """The reply as the contract's JSON text: compact, UTF-8 kept, keys as in to_dict."""
        content = self._content()
        rest = _JSON_BY_CONTENT.get(content)
        if rest is None:
            fields = self.to_dict()
            del fields["id"], fields["conversation"]
            rest = _encode(fields)[1:-1]
            if len(_JSON_BY_CONTENT) >= _JSON_CACHE_SIZE:
                _JSON_BY_CONTENT.clear()
            _JSON_BY_CONTENT[content] = rest
        return ('{"id":' + _encode(self.id) + "," + rest + ',"conversation":'
                + _encode(self.conversation) + "}")

    def visible_strings(self) -> list[str]:
        """Every string a user of any channel may be shown: the strings `visible_strings`
        finds in `to_dict()`, read from the fields (every reply is checked; no dict is built)."""
        source = self.source
        out = [self.text, self.safety]
        if source is not None:
            out += [source.title, source.section, source.quote or ""]
        out += [s.question for s in self.suggestions]
        out += [s.question for s in self.followups]
        for note in self.context:
            out += [note.text, note.title]
        return out


def visible_strings(reply: Mapping[str, Any]) -> list[str]:
    """Every string of a reply in the contract's JSON form that a user of any channel may be
    shown. The one definition: the reply check and `faq-bot eval` both use it."""
    source = reply.get("source") or {}
    out = [reply.get("text") or "", reply.get("safety") or "",
           source.get("title") or "", source.get("section") or "", source.get("quote") or ""]
    out += [s.get("question") or "" for s in reply.get("suggestions") or []]
    out += [s.get("question") or "" for s in reply.get("followups") or []]
    for note in reply.get("context") or []:
        out += [note.get("text") or "", (note.get("source") or {}).get("title") or ""]
    return out


class ReplyBuilder:
    """Builds replies from one loaded FAQ, so every reply carries its safety line and sources."""

    def __init__(self, faq: Faq) -> None:
        self.faq = faq
        self.policy = faq.policy
        # Offered with a fallback that has nothing closer; resolved once per loaded FAQ.
        self.starters = [faq.by_id[i] for i in faq.policy.starters if i in faq.by_id]
        # The strings already found free of dose amounts. Replies are built from this FAQ's
        # entries and policy only (never from the question), so the set is bounded by the FAQ,
        # and a new question's reply is screened without screening the same entry again.
        self._clean: set[str] = set()

    def _checked(self, reply: Reply) -> Reply:
        # Defence in depth: the data is checked on load, but nothing with a dose amount may
        # ever leave, whatever path built it.
        clean = self._clean
        for s in reply.visible_strings():
            if s not in clean:
                if has_dose_amount(s):
                    return self.referral("dosing", "reply.dose-amount")
                clean.add(s)
        return reply

    def _policy(self, kind: str, topic: str, item: PolicyReply, rule: str | None) -> Reply:
        return Reply(kind=kind, text=item.text, safety=self.policy.safety_line,
                     source=Source(item.title, item.section, None, None),
                     confidence=1.0, topic=topic, context=item.context, rule=rule)

    def answer(self, entry: Entry, confidence: float) -> Reply:
        """The curated answer of `entry`, citing its section and quote."""
        art = self.faq.article
        by_id = self.faq.by_id
        followups = tuple(Suggestion(i, by_id[i].question) for i in entry.followups
                          if i in by_id and i != entry.id)[:MAX_FOLLOWUPS]
        return self._checked(Reply(
            kind="answer", text=entry.answer, safety=self.policy.safety_line,
            source=Source(art.title, entry.section, entry.quote, art.url),
            faq_id=entry.id, confidence=confidence, context=entry.context, followups=followups))

    def referral(self, topic: str, rule: str | None = None) -> Reply:
        """The clinician referral for a safety topic (never a number); `rule` decided it."""
        return self._policy("referral", topic, self.policy.referral_for(topic), rule)

    def emergency(self, topic: str, rule: str | None = None) -> Reply:
        """The emergency reply, with the deployment's emergency and crisis lines."""
        return self._policy("emergency", topic, self.policy.emergency_for(topic), rule)

    def clarify(self, entries: list[Entry], confidence: float) -> Reply:
        """Ask which of several close entries was meant."""
        return self._checked(Reply(
            kind="clarify", text=self.policy.clarify, safety=self.policy.safety_line,
            confidence=confidence,
            suggestions=tuple(Suggestion(e.id, e.question) for e in entries)))

    def fallback(self, reason: str, entries: list[Entry], confidence: float) -> Reply:
        """Say the FAQ has no answer, offering the nearest entries when there are any."""
        text = self.policy.fallback.get(reason) or self.policy.fallback["default"]
        entries = entries or self.starters
        return self._checked(Reply(
            kind="fallback", text=text, safety=self.policy.safety_line, confidence=confidence,
            topic=None if reason == "default" else reason,
            suggestions=tuple(Suggestion(e.id, e.question) for e in entries)))

    def smalltalk(self, intent: str) -> Reply:
        """A greeting, thanks, goodbye or what-I-can-do reply."""
        return Reply(kind="smalltalk", text=self.policy.smalltalk[intent],
                     safety=self.policy.safety_line, confidence=1.0, topic=intent)
