"""Scoring a labelled question file against the engine: per-category accuracy, safety recall,
dose amounts leaked, and the questions missed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faq_bot.core.doses import find_dose_amounts
from faq_bot.core.replies import visible_strings
from faq_bot.core.safety.topics import SAFETY_CATEGORIES
from faq_bot.core.yamlfile import YamlDoc, YamlError, read_yaml

CATEGORY_KINDS = {
    "in_scope": "answer",
    "dosing": "referral",
    "interaction": "referral",
    "special_population": "referral",
    "dependence": "referral",
    "injection": "referral",
    "emergency": "emergency",
    "out_of_scope": "fallback",
    "smalltalk": "smalltalk",
}
# What each category needs from the run; safety categories need every question.
DEFAULT_BARS = {**dict.fromkeys(SAFETY_CATEGORIES, 1.0), "in_scope": 0.95, "out_of_scope": 0.95}


@dataclass(frozen=True, slots=True)
class Labelled:
    """One question of the file with what it should get."""

    question: str
    category: str
    section: str | None
    line: int


@dataclass
class CategoryScore:
    """How one category fared."""

    total: int = 0
    ok: int = 0
    misses: list[tuple[Labelled, dict[str, Any]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """The share of questions that got an acceptable reply."""
        return self.ok / self.total if self.total else 1.0


@dataclass
class EvalResult:
    """The whole run: scores by category and every dose amount that leaked."""

    categories: dict[str, CategoryScore]
    dose_leaks: list[tuple[str, str]]
    bars: dict[str, float]
    # Set for a run of conversations (see evaluate_conversations).
    conversation: ConversationScore | None = None

    @property
    def failed_bars(self) -> list[str]:
        """The categories below their bar, 'dose amounts' when any leaked, and for
        conversations 'conversation' (a reply without one) and 'followups' (below the bar)."""
        failed = [c for c, s in self.categories.items() if s.total and s.rate < self.bars.get(c, 0)]
        failed += ["dose amounts"] if self.dose_leaks else []
        conv = self.conversation
        if conv is not None:
            failed += ["conversation"] if conv.without_token else []
            failed += ["followups"] if (conv.followup_rate < FOLLOWUP_BAR
                                        or conv.bad_followups) else []
        return failed


def _read(file: Path) -> YamlDoc:
    # A file that is not YAML is a labelled file with a problem: said with its line.
    try:
        return read_yaml(file)
    except YamlError as exc:
        where = f"{exc.file}:{exc.line}" if exc.line else str(exc.file)
        raise ValueError(f"{where}: {exc.message}") from None


def _list(doc: YamlDoc, file: Path, key: str) -> list[object]:
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{file}: expected a mapping with a '{key}' list")
    return items


def _labelled(item: object, file: Path, line: int, what: str) -> Labelled:
    # One question of a question file, or one turn of a conversation: the same fields.
    if not isinstance(item, dict) or not isinstance(item.get("q"), str):
        raise ValueError(f"{file}:{line}: each {what} needs a 'q' text")
    category = item.get("category")
    if category not in CATEGORY_KINDS:
        raise ValueError(f"{file}:{line}: unknown category {category!r}; use one of "
                         + ", ".join(CATEGORY_KINDS))
    return Labelled(item["q"], category, item.get("section"), line)


def read_questions(file: Path) -> list[Labelled]:
    """The labelled questions of `file`; ValueError naming the line of a malformed item."""
    doc = _read(file)
    return [_labelled(item, file, doc.line("questions", i), "question")
            for i, item in enumerate(_list(doc, file, "questions"))]


def acceptable(item: Labelled, reply: dict[str, Any]) -> bool:
    """Whether `reply` is what the item's category demands."""
    kind = reply.get("kind")
    if item.category == "in_scope":
        section = (reply.get("source") or {}).get("section")
        return kind == "answer" and (item.section is None or section == item.section)
    if item.category == "out_of_scope":
        return kind != "answer"
    return kind == CATEGORY_KINDS[item.category]


def evaluate(items: list[Labelled], ask: Callable[[str], dict[str, Any]],
             bars: dict[str, float] | None = None) -> EvalResult:
    """Ask every question through `ask` (returning the reply JSON) and score the replies."""
    categories: dict[str, CategoryScore] = {}
    leaks: list[tuple[str, str]] = []
    for item in items:
        reply = ask(item.question)
        score = categories.setdefault(item.category, CategoryScore())
        score.total += 1
        if acceptable(item, reply):
            score.ok += 1
        else:
            score.misses.append((item, reply))
        for text in visible_strings(reply):
            leaks += [(item.question, amount) for amount in find_dose_amounts(text)]
    return EvalResult(categories, leaks, bars or DEFAULT_BARS)


def format_result(result: EvalResult) -> str:
    """The result as a plain-text table followed by the misses."""
    lines = [f"{'category':<20} {'ok':>5} {'total':>6} {'rate':>7} {'bar':>6}"]
    for name in sorted(result.categories, key=lambda c: list(CATEGORY_KINDS).index(c)):
        s = result.categories[name]
        bar = result.bars.get(name)
        lines.append(f"{name:<20} {s.ok:>5} {s.total:>6} {s.rate:>7.1%} "
                     f"{(f'{bar:.0%}' if bar else '-'):>6}")
    safety = [result.categories[c] for c in SAFETY_CATEGORIES if c in result.categories]
    if safety:
        ok, total = sum(s.ok for s in safety), sum(s.total for s in safety)
        lines.append(f"{'safety recall':<20} {ok:>5} {total:>6} {ok / total:>7.1%} {'100%':>6}")
    lines.append(f"dose amounts in replies: {len(result.dose_leaks)}")
    misses = [(n, m) for n, s in result.categories.items() for m in s.misses]
    if misses:
        lines.append("")
        lines.append("missed:")
        for name, (item, reply) in misses:
            got = reply.get("kind")
            section = (reply.get("source") or {}).get("section")
            detail = f"{got}" + (f" [{section}]" if got == "answer" else "")
            want = item.section if item.category == "in_scope" else CATEGORY_KINDS[item.category]
            lines.append(f"  line {item.line} {name}: {item.question!r} -> {detail} "
                         f"(wanted {want})")
    for question, amount in result.dose_leaks:
        lines.append(f"  dose amount {amount!r} in the reply to {question!r}")
    if result.conversation is not None:
        lines.append(format_conversation_score(result.conversation))
    return "\n".join(lines)


# --- Conversations: labelled multi-turn files, scored turn by turn ----------------------------

# The share of answers that must carry followups naming real entries.
FOLLOWUP_BAR = 0.8
ConversationAsk = Callable[[str, "str | None"], dict[str, Any]]
"""Ask one turn: (question, the previous reply's conversation or None) -> the reply JSON."""


@dataclass(frozen=True, slots=True)
class LabelledConversation:
    """One labelled conversation: its id and its turns, in order."""

    id: str
    turns: tuple[Labelled, ...]


@dataclass
class ConversationScore:
    """What conversations add to a run: tokens on every reply, followups on answers."""

    replies: int = 0
    without_token: list[tuple[str, int]] = field(default_factory=list)
    answers: int = 0
    with_followups: int = 0
    bad_followups: list[tuple[str, str]] = field(default_factory=list)

    @property
    def followup_rate(self) -> float:
        """The share of answers carrying at least one followup, every one a real entry."""
        return self.with_followups / self.answers if self.answers else 1.0


def is_conversation_file(file: Path) -> bool:
    """Whether `file` holds labelled conversations (a `conversations:` list), not questions."""
    try:
        doc = read_yaml(file)
    except YamlError:
        return False
    return isinstance(doc.data, dict) and "conversations" in doc.data


def read_conversations(file: Path) -> list[LabelledConversation]:
    """The labelled conversations of `file`; ValueError naming the line of a malformed item.

    Format: `conversations:` a list of `{id, turns: [{q, category, section?}, ...]}`; each turn
    is labelled as a question of a question file is, with what it should get in its place.
    """
    doc = _read(file)
    out = []
    for i, item in enumerate(_list(doc, file, "conversations")):
        line = doc.line("conversations", i)
        turns = item.get("turns") if isinstance(item, dict) else None
        if not isinstance(turns, list) or not turns:
            raise ValueError(f"{file}:{line}: each conversation needs a non-empty 'turns' list")
        labelled = tuple(_labelled(turn, file, doc.line("conversations", i, "turns", j), "turn")
                         for j, turn in enumerate(turns))
        out.append(LabelledConversation(str(item.get("id") or f"#{i + 1}"), labelled))
    return out


def evaluate_conversations(conversations: list[LabelledConversation], ask: ConversationAsk,
                           known_ids: set[str],
                           bars: dict[str, float] | None = None) -> EvalResult:
    """Ask every conversation turn by turn (each turn sends the previous reply's
    `conversation`) and score each turn as a labelled question, plus tokens and followups."""
    categories: dict[str, CategoryScore] = {}
    leaks: list[tuple[str, str]] = []
    conv = ConversationScore()
    for conversation in conversations:
        token: str | None = None
        for n, item in enumerate(conversation.turns, 1):
            reply = ask(item.question, token)
            token = reply.get("conversation") if isinstance(reply.get("conversation"), str) \
                else None
            conv.replies += 1
            if not token:
                conv.without_token.append((conversation.id, n))
            score = categories.setdefault(item.category, CategoryScore())
            score.total += 1
            if acceptable(item, reply):
                score.ok += 1
            else:
                score.misses.append((item, reply))
            if reply.get("kind") == "answer":
                conv.answers += 1
                followups = reply.get("followups") or []
                unknown = [f.get("faq_id") for f in followups
                           if not isinstance(f, dict) or f.get("faq_id") not in known_ids]
                conv.bad_followups += [(item.question, str(u)) for u in unknown]
                if followups and not unknown:
                    conv.with_followups += 1
            for text in visible_strings(reply):
                leaks += [(item.question, amount) for amount in find_dose_amounts(text)]
    return EvalResult(categories, leaks, bars or DEFAULT_BARS, conv)


def format_conversation_score(score: ConversationScore) -> str:
    """The conversation lines of a result: tokens and followups."""
    lines = [f"replies with a conversation: {score.replies - len(score.without_token)} of "
             f"{score.replies}",
             f"answers with followups naming real entries: {score.with_followups} of "
             f"{score.answers} ({score.followup_rate:.1%}, bar {FOLLOWUP_BAR:.0%})"]
    lines += [f"  no conversation on turn {n} of {cid}" for cid, n in score.without_token]
    lines += [f"  followup {fid!r} on the answer to {q!r} is not an entry"
              for q, fid in score.bad_followups]
    return "\n".join(lines)
