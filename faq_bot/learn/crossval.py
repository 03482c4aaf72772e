"""Leave-one-writer-out figures: each labelled set scored by models trained without it, for the
rules alone, the model alone, the two together, and as served (with the learned entry model,
which answers some questions the matcher's phrasings miss).

What each figure is: the models' are held out (their training never saw the set, and the set's
thresholds are chosen on the other writers' held-out scores only). The rules' are not: they
were written while looking at these sets, so on them the rules score training accuracy, and
the rules' honest figure is each set's first run, kept in the README. The combined figure
therefore shows what the model costs in helpfulness and adds on top of rules that already
know the set. The held-out sets (tests/eval/heldout/) are reported apart: they came later,
with newer wording, and each was first run before anything was changed for it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from faq_bot.core.engine import Engine
from faq_bot.core.evidence import Evidence
from faq_bot.core.evidence import bundled as bundled_evidence
from faq_bot.core.faq.model import Faq
from faq_bot.core.safety.learned import LearnedScreen
from faq_bot.core.safety.screening import SafetyScreen
from faq_bot.core.safety.topics import SAFETY_CATEGORIES
from faq_bot.evaluate import acceptable
from faq_bot.learn.data import FAQ_WRITER, Item
from faq_bot.learn.entries import examples
from faq_bot.learn.entries import held_out_artifacts as held_out_entries
from faq_bot.learn.train import (
    Scored,
    TrainConfig,
    choose_decision,
    held_out_artifacts,
    routed,
    score_items,
)

REFUSED = ("referral", "emergency")


@dataclass
class Tally:
    """Counts for one way of screening over some questions."""

    safety: int = 0
    caught: int = 0
    gated_answered: int = 0  # safety questions answered from the FAQ: must stay 0
    in_scope: int = 0
    in_scope_right: int = 0
    in_scope_clinician: int = 0
    out_of_scope: int = 0
    out_of_scope_unanswered: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)

    def row(self) -> list[str]:
        """The five figures of the report, as text."""
        return [_pct(self.caught, self.safety), str(self.gated_answered),
                _pct(self.in_scope_right, self.in_scope),
                _pct(self.out_of_scope_unanswered, self.out_of_scope),
                _pct(self.in_scope_clinician, self.in_scope)]


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}%" if den else "-"


def tally_replies(items: Sequence[Item], ask: Callable[[str], dict[str, Any]]) -> Tally:
    """Score `ask`'s replies to `items` the way `faq-bot eval` does."""
    t = Tally()
    for item in items:
        reply = ask(item.text)
        ok, kind = acceptable(item.question, reply), reply.get("kind")
        if item.category in SAFETY_CATEGORIES:
            t.safety += 1
            t.caught += ok
            t.gated_answered += kind == "answer"
        elif item.category == "in_scope":
            t.in_scope += 1
            t.in_scope_right += ok
            t.in_scope_clinician += kind in REFUSED
        elif item.category == "out_of_scope":
            t.out_of_scope += 1
            t.out_of_scope_unanswered += ok
    return t


def tally_model(scored: Sequence[Scored], refer: float, caution: float) -> Tally:
    """The model alone: it refers at `refer`; an answerable question at `caution` or above
    would be kept from its answer, so it counts as sent to a clinician."""
    t = Tally()
    for s in scored:
        category = s.item.category
        if category in SAFETY_CATEGORIES:
            t.safety += 1
            t.caught += routed(s, refer)
        elif category == "in_scope":
            t.in_scope += 1
            t.in_scope_clinician += s.p_safety >= caution
            t.in_scope_right += s.p_safety < caution  # upper bound: the matcher may still miss
        elif category == "out_of_scope":
            t.out_of_scope += 1
            t.out_of_scope_unanswered += 1  # the model never answers
    return t


@dataclass
class SetResult:
    """One held-out set's figures under each way of screening."""

    name: str
    decision: dict[str, float]
    tallies: dict[str, Tally] = field(default_factory=dict)


MODES = ("rules", "model", "combined", "served")


def _shipped_lines() -> dict[str, float]:
    shipped = bundled_evidence()
    if shipped is None:
        return {"rescue": 1.0, "override": 1.01, "agree": 1.01}
    return {"rescue": shipped.rescue, "override": shipped.override, "agree": shipped.agree}


def entry_models_without(items: Sequence[Item], faq: Faq, folds: Sequence[frozenset[str]],
                         workers: int | None = None) -> list[Evidence]:
    """For each fold (a set of writers), the entry model trained on `items` without them,
    with the shipped model's lines."""
    lines = _shipped_lines()
    return [Evidence.from_dict({**a, "decision": {**a["decision"], **lines}})
            for a in held_out_entries(examples(items, faq), faq, folds, workers)]


def leave_one_writer_out(items: Sequence[Item], faq: Faq, config: TrainConfig | None = None,
                         workers: int | None = None) -> list[SetResult]:
    """Every writer's set scored by models trained on everything else (the FAQ's phrasings
    always train); the set's safety thresholds come from the other writers' held-out scores,
    its entry-model lines are the shipped model's (chosen on 5 folds that include it)."""
    config = config or TrainConfig()
    writers = sorted({i.writer for i in items if i.writer != FAQ_WRITER})
    folds = [frozenset({w}) for w in writers]
    artifacts = held_out_artifacts(items, folds, config, workers)
    entry_models = entry_models_without(items, faq, folds, workers)
    by_writer = {w: [i for i in items if i.writer == w] for w in writers}
    scored = {w: score_items(a, by_writer[w])
              for w, a in zip(writers, artifacts, strict=True)}
    rules = Engine(faq, safety=SafetyScreen.rules_only(), evidence=False)
    results = []
    for writer, artifact, entries in zip(writers, artifacts, entry_models, strict=True):
        others = [s for w in writers if w != writer for s in scored[w]]
        decision = choose_decision(others)
        screen = LearnedScreen.from_dict({**artifact, "decision": decision})
        combined = Engine(faq, safety=SafetyScreen(screen), evidence=False)
        served = Engine(faq, safety=SafetyScreen(screen), evidence=entries)
        result = SetResult(writer, decision)
        result.tallies["rules"] = tally_replies(by_writer[writer],
                                                lambda q: rules.ask(q).to_dict())
        result.tallies["model"] = tally_model(scored[writer], decision["refer"],
                                              decision["caution"])
        result.tallies["combined"] = tally_replies(by_writer[writer],
                                                   lambda q, e=combined: e.ask(q).to_dict())
        result.tallies["served"] = tally_replies(by_writer[writer],
                                                 lambda q, e=served: e.ask(q).to_dict())
        results.append(result)
    return results


HEADERS = ["safety recall", "safety Qs answered", "in scope right", "out of scope unanswered",
           "in scope to clinician"]


def report(first: Sequence[SetResult], held_out: Sequence[SetResult]) -> str:
    """The figures as Markdown: pooled over the first sets, pooled over the held-out sets,
    then per set as served."""
    labels = {"rules": "rules alone (training: written on these sets)",
              "model": "model alone (held out)", "combined": "rules + model",
              "served": "rules + model + entry model (served)"}
    lines: list[str] = []
    for title, group in ((f"Leave one writer out: the first {len(first)} sets", first),
                         (f"Leave one writer out: the {len(held_out)} held-out sets "
                          "(tests/eval/heldout/)", held_out)):
        if not group:
            continue
        lines += [f"## {title}", "", "| screen | " + " | ".join(HEADERS) + " |",
                  "|---" * (len(HEADERS) + 1) + "|"]
        for mode in MODES:
            total = Tally()
            for r in group:
                total.add(r.tallies[mode])
            lines.append(f"| {labels[mode]} | " + " | ".join(total.row()) + " |")
        lines.append("")
    lines += ["## Per set, as served (held out)", "",
              "| set | refer / caution | " + " | ".join(HEADERS) + " |",
              "|---" * (len(HEADERS) + 2) + "|"]
    for r in [*first, *held_out]:
        d = r.decision
        lines.append(f"| {r.name} | {d['refer']:.2f} / {d['caution']:.2f} | "
                     + " | ".join(r.tallies["served"].row()) + " |")
    lines.append("")
    lines.append("Model alone: refers at `refer`; an in-scope question at `caution` or above "
                 "counts as sent to a clinician, and its 'in scope right' is an upper bound "
                 "(the matcher is not run).")
    return "\n".join(lines)
