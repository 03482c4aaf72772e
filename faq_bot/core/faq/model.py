"""The loaded, validated FAQ as immutable values: the article, the entries, the notes that
qualify them, and the policy replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ContextNote:
    """A vetted fact from a public health authority, shown beside an answer it qualifies."""

    id: str
    text: str
    title: str
    url: str | None


@dataclass(frozen=True, slots=True)
class Entry:
    """One curated question and its answer, with the passage of the article it rests on."""

    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    section: str
    quote: str
    context: tuple[ContextNote, ...] = ()
    # Ids of the entries to offer next, as curated (faq.yaml `followups:`).
    followups: tuple[str, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        """The canonical question followed by every alternate."""
        return (self.question, *self.alternates)


@dataclass(frozen=True, slots=True)
class PolicyReply:
    """A fixed reply for a safety topic (referral or emergency), with its policy's name."""

    title: str
    section: str
    text: str
    context: tuple[ContextNote, ...] = ()


@dataclass(frozen=True, slots=True)
class Policy:
    """Every reply that does not come from an FAQ entry, with contacts already filled in."""

    safety_line: str
    country: str
    referral: dict[str, PolicyReply]
    emergency: dict[str, PolicyReply]
    fallback_title: str
    fallback: dict[str, str]
    clarify: str
    smalltalk: dict[str, str]
    starters: tuple[str, ...] = ()
    # The deployment's help lines ({emergency}, {crisis}, {poison}, {helpline}), which FAQ
    # answers may name too: the numbers differ by country, so no answer spells one out.
    contacts: tuple[tuple[str, str], ...] = ()

    def referral_for(self, topic: str) -> PolicyReply:
        """The referral reply for `topic`, or the dosing one for a topic with no text of its own."""
        return self.referral.get(topic) or self.referral["dosing"]

    def emergency_for(self, topic: str) -> PolicyReply:
        """The emergency reply for `topic`, or the default emergency reply."""
        return self.emergency.get(topic) or self.emergency["default"]


@dataclass(frozen=True, slots=True)
class Article:
    """The source document: its title, optional URL and text by section."""

    title: str
    url: str | None
    sections: dict[str, str]


@dataclass(frozen=True, slots=True)
class Faq:
    """Everything the engine answers from, loaded once and shared read-only."""

    article: Article
    entries: tuple[Entry, ...]
    policy: Policy
    notes: dict[str, ContextNote]
    data_dir: Path
    fingerprint: str
    by_id: dict[str, Entry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {e.id: e for e in self.entries})
