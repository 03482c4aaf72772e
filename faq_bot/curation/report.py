"""The curator's report as data: replies by kind and channel over time, the unanswered questions
grouped into clusters of the same need, the replies voted "not helpful" with their comments, and
the safety replies counted by topic. Rendering lives in `render`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import func, select

from faq_bot.core.matcher import Matcher, terms
from faq_bot.core.normalize import normalise
from faq_bot.core.replies import KINDS
from faq_bot.curation.store import Database, events, feedback, utcnow

UNANSWERED = ("clarify", "fallback")
SAFETY = ("referral", "emergency")
# Reading limits: the report stays fast however much is stored.
MAX_UNANSWERED = 5000
MAX_VOTES = 20000
MAX_CLUSTERS = 50
EXAMPLES = 5
COMMENTS = 5
MOST_NOT_HELPFUL = 15
# rapidfuzz similarity (0-100) of two questions' content terms for them to share a cluster.
CLUSTER_SIMILARITY = 80.0
# A term in more than this share of the distinct questions says nothing about their need.
COMMON_SHARE = 0.2
MAX_SINCE = timedelta(days=3650)


@dataclass(frozen=True, slots=True)
class Closest:
    """The FAQ entry nearest to a question, with the matcher's score (0 to 1)."""

    faq_id: str
    question: str
    score: float


@dataclass
class Cluster:
    """Unanswered questions that ask for the same thing."""

    count: int
    examples: list[str]
    kinds: dict[str, int]
    topics: dict[str, int]
    closest: Closest | None

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {"count": self.count, "examples": self.examples, "kinds": self.kinds,
                "topics": self.topics,
                "closest": None if self.closest is None else {
                    "faq_id": self.closest.faq_id, "question": self.closest.question,
                    "score": round(self.closest.score, 3)}}


@dataclass
class Votes:
    """The votes on the replies of one FAQ entry (or of one kind of reply without an entry)."""

    key: str
    question: str | None
    helpful: int = 0
    not_helpful: int = 0
    comments: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """As JSON."""
        return {"key": self.key, "question": self.question, "helpful": self.helpful,
                "not_helpful": self.not_helpful, "comments": self.comments}


@dataclass
class Report:
    """Everything the curator sees, for the period from `start` to `end` (naive UTC)."""

    start: datetime
    end: datetime
    retention_days: int
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    days: list[date] = field(default_factory=list)
    by_day_kind: dict[date, dict[str, int]] = field(default_factory=dict)
    by_day_channel: dict[date, dict[str, int]] = field(default_factory=dict)
    unanswered: int = 0
    cluster_count: int = 0
    clusters: list[Cluster] = field(default_factory=list)
    votes: int = 0
    helpful: int = 0
    not_helpful_total: int = 0
    votes_by_channel: dict[str, int] = field(default_factory=dict)
    not_helpful: list[Votes] = field(default_factory=list)
    safety: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def channels(self) -> list[str]:
        """The channels seen, busiest first."""
        return sorted(self.by_channel, key=lambda c: (-self.by_channel[c], c))

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (`faq-bot report --format json`)."""
        return {
            "period": {"start": self.start.isoformat() + "Z", "end": self.end.isoformat() + "Z",
                       "days": len(self.days)},
            "retention_days": self.retention_days,
            "replies": {"total": self.total, "by_kind": self.by_kind,
                        "by_channel": self.by_channel,
                        "by_day": [{"day": d.isoformat(), "by_kind": self.by_day_kind.get(d, {}),
                                    "by_channel": self.by_day_channel.get(d, {})}
                                   for d in self.days]},
            "unanswered": {"total": self.unanswered, "cluster_count": self.cluster_count,
                           "clusters": [c.to_dict() for c in self.clusters]},
            "feedback": {"votes": self.votes, "helpful": self.helpful,
                         "not_helpful": self.not_helpful_total,
                         "by_channel": self.votes_by_channel,
                         "most_not_helpful": [v.to_dict() for v in self.not_helpful]},
            "safety": self.safety,
        }


def parse_since(value: str) -> timedelta:
    """A period such as 30m, 12h, 7d or 2w; ValueError for anything else."""
    text = value.strip().lower()
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    if len(text) < 2 or text[-1] not in units or not text[:-1].isdigit():
        raise ValueError(f"{value!r} is not a period such as 30m, 12h, 7d or 2w")
    period = timedelta(**{units[text[-1]]: int(text[:-1])})
    if not timedelta(0) < period <= MAX_SINCE:
        raise ValueError(f"{value!r} must be more than nothing and at most 3650d")
    return period


def build_report(db: Database, matcher: Matcher, since: timedelta, *,
                 now: datetime | None = None, retention_days: int = 30) -> Report:
    """Read the period's events and votes from `db` and build the report."""
    end = now or utcnow()
    start = end - since
    report = Report(start=start, end=end, retention_days=retention_days)
    first = start.date()
    report.days = [first + timedelta(days=i) for i in range((end.date() - first).days + 1)]
    recent = events.c.created_at >= start
    with db.reading() as conn:
        counts = conn.execute(
            select(events.c.day, events.c.kind, events.c.channel, func.count())
            .where(recent).group_by(events.c.day, events.c.kind, events.c.channel)).all()
        safety = conn.execute(
            select(events.c.kind, events.c.topic, func.count())
            .where(recent, events.c.kind.in_(SAFETY))
            .group_by(events.c.kind, events.c.topic)).all()
        unanswered = conn.execute(
            select(events.c.question, events.c.kind, events.c.topic)
            .where(recent, events.c.kind.in_(UNANSWERED), events.c.question.is_not(None))
            .order_by(events.c.created_at.desc()).limit(MAX_UNANSWERED)).all()
        votes = conn.execute(
            select(events.c.faq_id, events.c.kind, feedback.c.helpful, feedback.c.comment,
                   feedback.c.channel)
            .join(events, events.c.id == feedback.c.reply_id)
            .where(feedback.c.created_at >= start)
            .order_by(feedback.c.created_at.desc()).limit(MAX_VOTES)).all()
    _count(report, counts)
    report.safety = {kind: {} for kind in SAFETY}
    for kind, topic, n in safety:
        report.safety[kind][topic or "other"] = int(n)
    for kind in SAFETY:
        report.safety[kind] = dict(sorted(report.safety[kind].items(), key=lambda i: -i[1]))
    report.unanswered = sum(report.by_kind.get(k, 0) for k in UNANSWERED)
    clusters = cluster_questions([(q, kind, topic) for q, kind, topic in unanswered])
    report.cluster_count = len(clusters)
    report.clusters = [_closest(c, matcher) for c in clusters[:MAX_CLUSTERS]]
    _votes(report, votes, matcher)
    return report


def _count(report: Report, rows: list[Any]) -> None:
    by_kind: Counter[str] = Counter()
    by_channel: Counter[str] = Counter()
    day_kind: defaultdict[date, Counter[str]] = defaultdict(Counter)
    day_channel: defaultdict[date, Counter[str]] = defaultdict(Counter)
    for day, kind, channel, n in rows:
        if isinstance(day, str):  # a driver that hands dates back as text
            day = date.fromisoformat(day)
        by_kind[kind] += n
        by_channel[channel] += n
        day_kind[day][kind] += n
        day_channel[day][channel] += n
    report.total = sum(by_kind.values())
    report.by_kind = {k: by_kind.get(k, 0) for k in KINDS} | {
        k: v for k, v in by_kind.items() if k not in KINDS}
    report.by_channel = dict(by_channel.most_common())
    report.by_day_kind = {d: dict(c) for d, c in day_kind.items()}
    report.by_day_channel = {d: dict(c) for d, c in day_channel.items()}


def _votes(report: Report, rows: list[Any], matcher: Matcher) -> None:
    questions = {e.id: e.question for e in matcher.entries}
    per: dict[str, Votes] = {}
    by_channel: Counter[str] = Counter()
    for faq_id, kind, helpful, comment, channel in rows:
        key = faq_id or f"({kind})"
        item = per.setdefault(key, Votes(key, questions.get(faq_id) if faq_id else None))
        by_channel[channel] += 1
        if helpful:
            item.helpful += 1
        else:
            item.not_helpful += 1
            if comment and len(item.comments) < COMMENTS and comment not in item.comments:
                item.comments.append(comment)
    report.votes = sum(by_channel.values())
    report.helpful = sum(v.helpful for v in per.values())
    report.not_helpful_total = sum(v.not_helpful for v in per.values())
    report.votes_by_channel = dict(by_channel.most_common())
    report.not_helpful = sorted(
        (v for v in per.values() if v.not_helpful),
        key=lambda v: (-v.not_helpful, -v.not_helpful / (v.helpful + v.not_helpful), v.key),
    )[:MOST_NOT_HELPFUL]


def _terms(question: str) -> tuple[str, ...]:
    # Content terms, sorted and deduplicated: word order and filler words do not separate needs.
    return tuple(sorted(set(terms(question))))


def cluster_questions(rows: list[tuple[str, str, str | None]],
                      similarity: float = CLUSTER_SIMILARITY) -> list[Cluster]:
    """Group (question, kind, topic) rows into clusters of similar questions, largest first.

    Leader clustering with rapidfuzz on each question's content terms, leaving out the terms
    that most questions share (in a kratom FAQ, "kratom" itself): a question joins the first
    cluster whose leader it resembles (token sort ratio, or token set ratio when both have two
    or more terms, so "legal uk" and "legal uk travel" meet).
    """
    term_sets = {row[0]: _terms(row[0]) for row in rows}
    distinct = set(term_sets.values())
    df = Counter(word for words in distinct for word in words)
    common = ({w for w, n in df.items() if n > COMMON_SHARE * len(distinct)}
              if len(distinct) >= 10 else set())

    def key(question: str) -> str:
        words = term_sets[question]
        return " ".join([w for w in words if w not in common] or words) or normalise(question)

    by_key: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for row in rows:
        by_key[key(row[0])].append(row)
    keys = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    leaders: list[str] = []
    multi: list[str] = []  # leaders with two or more terms, for the token set comparison
    members: dict[str, list[str]] = {}
    for k in keys:
        hit = process.extractOne(k, leaders, scorer=fuzz.token_sort_ratio,
                                 score_cutoff=similarity) if leaders else None
        if hit is None and multi and len(k.split()) >= 2:
            hit = process.extractOne(k, multi, scorer=fuzz.token_set_ratio,
                                     score_cutoff=similarity)
        if hit is None:
            leaders.append(k)
            if len(k.split()) >= 2:
                multi.append(k)
            members[k] = [k]
        else:
            members[hit[0]].append(k)
    clusters = []
    for group in members.values():
        rows_in = [row for k in group for row in by_key[k]]
        texts = Counter(row[0] for row in rows_in)
        # Examples: the most asked wordings, one per distinct phrasing.
        seen: set[str] = set()
        examples = []
        for text, _ in texts.most_common():
            norm = normalise(text)
            if norm not in seen:
                seen.add(norm)
                examples.append(text)
            if len(examples) == EXAMPLES:
                break
        clusters.append(Cluster(
            count=len(rows_in), examples=examples,
            kinds=dict(Counter(row[1] for row in rows_in).most_common()),
            topics=dict(Counter(row[2] for row in rows_in if row[2]).most_common()),
            closest=None))
    clusters.sort(key=lambda c: (-c.count, c.examples[0]))
    return clusters


def _closest(cluster: Cluster, matcher: Matcher) -> Cluster:
    best: Closest | None = None
    for example in cluster.examples:
        ranked = matcher.rank(example)
        if ranked and ranked[0].score > 0 and (best is None or ranked[0].score > best.score):
            top = ranked[0]
            best = Closest(top.entry.id, top.entry.question, top.score)
    cluster.closest = best
    return cluster
