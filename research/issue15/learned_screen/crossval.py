"""Leave-one-writer-out evaluation of the learned screen, alone and with the rules.

Usage::

    python crossval.py                 # inner grouped 5-fold, ~4-5 min on 2 cores
    python crossval.py --inner loo     # exact inner leave-one-writer-out (465 pair fits)

Every fit's held-out class probabilities are cached under ``.cache/crossval``
(keyed by the source of learned.py/train.py, config, training data and
held-out writers), so re-runs only redo the reporting.

Policy evaluated ("combined"): the rules' referral/emergency replies stand;
otherwise the model refers when ``P(safety) >= t_high`` (emergency reply when
its top safety class is ``emergency``); when ``t_low <= P(safety) < t_high``
it only blocks an ``answer`` (careful referral, or emergency reply as above)
and lets fallbacks/smalltalk through.

Threshold choice is nested: for each outer held-out writer, (t_low, t_high)
are chosen on out-of-fold predictions of the other 30 writers only.  Because
the rules flag every safety question in these sets, combined safety recall is
100 % for every threshold pair and cannot drive the choice; the choice instead
maximises the model's *backstop* recall (what it catches if the rules miss a
safety question and would have answered it -> needs P >= t_low, or would have
fallen back -> needs P >= t_high; equal weight), subject to
  * in-scope questions the model turns into any referral <= --in-scope-budget,
  * out-of-scope/smalltalk questions the rules left alone that the model turns
    into referrals <= --unanswered-budget.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from joblib import Parallel, delayed
from threadpoolctl import threadpool_limits

from learned import Analyzer
from train import (BENIGN, CLASSES, SAFETY_CATEGORIES, Item, TrainConfig, data_fingerprint,
                   fit, load_snapshot)

HERE = Path(__file__).resolve().parent
RULE_REFER = ("referral", "emergency")
MODEL_ALONE_THRESHOLDS = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)
GRID = np.round(np.concatenate([np.arange(0.01, 1.0, 0.01), [0.995, 0.999]]), 3)
CACHE_TAG = "crossval-v1"


# --------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Reply:
    """What the rule-based service replied to one labelled question."""

    kind: str
    got_section: str | None


def load_replies(path: Path, items: Sequence[Item]) -> list[Reply]:
    """Read baseline_replies.jsonl and check it lines up with the items."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if len(lines) != len(items):
        raise ValueError(f"{path}: {len(lines)} replies for {len(items)} questions")
    replies = []
    for n, (line, item) in enumerate(zip(lines, items), 1):
        r = json.loads(line)
        if (r["set"], r["q"], r["category"]) != (item.writer, item.text, item.category):
            raise ValueError(f"{path}:{n} does not match question {item}")
        replies.append(Reply(r["kind"], r.get("got_section")))
    return replies


def load_sections(snapshot: Path) -> list[str | None]:
    """Expected FAQ section of every question (None when not given)."""
    import yaml

    out: list[str | None] = []
    for path in sorted(snapshot.glob("*.yaml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            out.append(entry.get("section"))
    return out


# ------------------------------------------------------------------ fitting/caching
_TOKENS: dict[str, list[str]] = {}


@dataclass(frozen=True)
class MemoAnalyzer:
    """Same output as ``Analyzer`` but memoised per worker process."""

    base: Analyzer

    def __call__(self, text: str) -> list[str]:
        toks = _TOKENS.get(text)
        if toks is None:
            toks = _TOKENS[text] = self.base(text)
        return toks


def _fit_predict(train_texts: list[str], train_labels: list[str], test_texts: list[str],
                 config: TrainConfig) -> np.ndarray:
    with threadpool_limits(1):
        pipe = fit(train_texts, train_labels, config, analyzer=MemoAnalyzer(config.analyzer()))
        proba = pipe.predict_proba(test_texts)
    classes = list(pipe.classes_)
    return proba[:, [classes.index(c) for c in CLASSES]]


class FoldRunner:
    """Runs (train writers -> held-out writers) fits, with an on-disk cache."""

    def __init__(self, items: Sequence[Item], config: TrainConfig, cache_dir: Path,
                 n_jobs: int) -> None:
        self.items = items
        self.config = config
        self.cache_dir = cache_dir
        self.n_jobs = n_jobs
        self.writer = np.array([it.writer for it in items])
        code = hashlib.sha256(b"".join((HERE / name).read_bytes()
                                       for name in ("learned.py", "train.py"))).hexdigest()
        self._base_key = json.dumps([CACHE_TAG, code, asdict(self.config),
                                     data_fingerprint(items)], sort_keys=True)

    def _path(self, held_out: frozenset[str]) -> Path:
        key = hashlib.sha256((self._base_key + "|" + ",".join(sorted(held_out))).encode())
        return self.cache_dir / f"{key.hexdigest()[:24]}.npy"

    def run(self, folds: Sequence[frozenset[str]]) -> dict[frozenset[str], np.ndarray]:
        """Class probabilities (CLASSES order) for the items of each held-out writer set."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        todo = [f for f in dict.fromkeys(folds) if not self._path(f).exists()]
        jobs = []
        for held in todo:
            test = np.isin(self.writer, list(held))
            jobs.append(delayed(_fit_predict)(
                [it.text for it, t in zip(self.items, test) if not t],
                [it.label for it, t in zip(self.items, test) if not t],
                [it.text for it, t in zip(self.items, test) if t], self.config))
        if jobs:
            print(f"  fitting {len(jobs)} models ({len(folds) - len(jobs)} cached) ...",
                  file=sys.stderr, flush=True)
            results = Parallel(n_jobs=self.n_jobs, return_as="generator")(jobs)
            for held, proba in zip(todo, results):  # saved as they arrive
                tmp = self._path(held).with_suffix(".tmp.npy")
                np.save(tmp, proba)
                os.replace(tmp, self._path(held))
        return {f: np.load(self._path(f)) for f in folds}

    def out_of_fold(self, writers: Sequence[str], folds: Sequence[frozenset[str]]
                    ) -> np.ndarray:
        """Probabilities for all items of ``writers``, each from its fold's model.

        The models are trained on ``writers`` minus the fold only (never on
        items outside ``writers``), so this is nested when ``writers`` omits
        the outer held-out set.  Rows of other writers are NaN.
        """
        full = np.full((len(self.items), len(CLASSES)), np.nan)
        for fold, proba in self.run(folds).items():
            full[np.isin(self.writer, list(fold))] = proba
        return full


def inner_folds(outer: str, writers: Sequence[str], inner: str) -> list[frozenset[str]]:
    """Held-out sets of the inner CV for one outer writer.

    Held-out sets include the outer writer, so a fold's model is trained on the
    inner writers minus that fold; predictions are read only for inner writers.
    """
    rest = [w for w in writers if w != outer]
    if inner == "loo":
        return [frozenset({outer, w}) for w in rest]
    k = int(inner)
    return [frozenset({outer, *rest[j::k]}) for j in range(k)]


# ---------------------------------------------------------------------- policy
@dataclass
class Frame:
    """Per-question arrays needed to score policies."""

    writer: np.ndarray
    category: np.ndarray
    kind: np.ndarray
    right_section: np.ndarray   # rules answered from the expected section
    safety: np.ndarray
    p: np.ndarray               # P(safety) = 1 - P(benign)
    route_emergency: np.ndarray  # model's top safety class is emergency

    @classmethod
    def build(cls, items: Sequence[Item], replies: Sequence[Reply],
              sections: Sequence[str | None], proba: np.ndarray) -> "Frame":
        safety_cols = [CLASSES.index(c) for c in SAFETY_CATEGORIES]
        top = np.array(SAFETY_CATEGORIES)[np.argmax(proba[:, safety_cols], axis=1)]
        return cls(
            writer=np.array([it.writer for it in items]),
            category=np.array([it.category for it in items]),
            kind=np.array([r.kind for r in replies]),
            right_section=np.array([r.kind == "answer" and r.got_section == s
                                    for r, s in zip(replies, sections)]),
            safety=np.array([it.is_safety for it in items]),
            p=1.0 - proba[:, CLASSES.index(BENIGN)],
            route_emergency=top == "emergency",
        )

    def subset(self, mask: np.ndarray) -> "Frame":
        return Frame(**{k: v[mask] for k, v in self.__dict__.items()})


def combined_reply(f: Frame, t_low: float, t_high: float) -> np.ndarray:
    """Final reply kind per question under the combined policy."""
    final = f.kind.astype(object).copy()
    rules = np.isin(f.kind, RULE_REFER)
    high = ~rules & (f.p >= t_high)
    band = ~rules & ~high & (f.p >= t_low) & (f.kind == "answer")
    final[high] = np.where(f.route_emergency[high], "emergency", "model_referral")
    final[band] = np.where(f.route_emergency[band], "emergency", "careful_referral")
    return final


REFERRED = ("referral", "emergency", "model_referral", "careful_referral")


def caught(f: Frame, final: np.ndarray) -> np.ndarray:
    """Safety question handled safely (emergency needs the emergency reply)."""
    return np.where(f.category == "emergency", final == "emergency", np.isin(final, REFERRED))


def _share(num: np.ndarray, mask: np.ndarray) -> float:
    return float(num[mask].mean()) if mask.any() else float("nan")


def rules_metrics(f: Frame) -> dict[str, float]:
    final = f.kind
    ins, oos = f.category == "in_scope", f.category == "out_of_scope"
    return {
        "safety_recall": _share(caught(f, final), f.safety),
        "in_scope_right_section": _share(f.right_section, ins),
        "in_scope_referred": _share(np.isin(final, RULE_REFER), ins),
        "oos_fallback": _share(final == "fallback", oos),
        "oos_referred": _share(np.isin(final, RULE_REFER), oos),
    }


def model_alone_metrics(f: Frame, t: float) -> dict[str, float]:
    flag = f.p >= t
    routed = np.where(f.category == "emergency", flag & f.route_emergency, flag)
    return {
        "safety_recall": _share(flag, f.safety),
        "safety_recall_routed": _share(routed, f.safety),
        "in_scope_flagged": _share(flag, f.category == "in_scope"),
        "oos_flagged": _share(flag, f.category == "out_of_scope"),
        "smalltalk_flagged": _share(flag, f.category == "smalltalk"),
    }


def combined_metrics(f: Frame, t_low: float, t_high: float) -> dict[str, float]:
    final = combined_reply(f, t_low, t_high)
    ins, oos = f.category == "in_scope", f.category == "out_of_scope"
    routed_high = np.where(f.category == "emergency", f.route_emergency, True) & (f.p >= t_high)
    routed_low = np.where(f.category == "emergency", f.route_emergency, True) & (f.p >= t_low)
    return {
        "safety_recall": _share(caught(f, final), f.safety),
        "in_scope_answered_right": _share(f.right_section & (final == "answer"), ins),
        "in_scope_to_clinician": _share(np.isin(final, ("referral", "emergency",
                                                         "model_referral")), ins),
        "in_scope_careful": _share(final == "careful_referral", ins),
        "in_scope_model_changed": _share(final != f.kind, ins),
        "oos_unanswered_fallback": _share(final == "fallback", oos),
        "oos_referred": _share(np.isin(final, REFERRED), oos),
        "smalltalk_kept": _share(final == "smalltalk", f.category == "smalltalk"),
        "backstop_if_answered": _share(routed_low, f.safety),
        "backstop_if_fallback": _share(routed_high, f.safety),
    }


@dataclass(frozen=True)
class Choice:
    t_low: float
    t_high: float
    objective: float
    in_scope_cost: float
    unanswered_cost: float


def choose_thresholds(f: Frame, in_scope_budget: float, unanswered_budget: float,
                      grid: np.ndarray = GRID) -> Choice:
    """Best (t_low <= t_high) on ``f`` for the nested objective (module docstring)."""
    ge = f.p[:, None] >= grid[None, :]                       # (n, G)
    not_ref = ~np.isin(f.kind, RULE_REFER)
    answered = f.kind == "answer"
    ins = f.category == "in_scope"
    quiet = np.isin(f.category, ("out_of_scope", "smalltalk")) & not_ref
    ok_route = np.where(f.category == "emergency", f.route_emergency, True) & f.safety
    n_ins, n_quiet, n_safe = max(ins.sum(), 1), max(quiet.sum(), 1), max(f.safety.sum(), 1)

    def count(mask: np.ndarray) -> np.ndarray:
        return ge[mask].sum(axis=0).astype(float)

    # cost/benefit split into a t_low part (answers) and a t_high part (the rest)
    in_cost = (count(ins & not_ref & answered)[:, None]
               + count(ins & not_ref & ~answered)[None, :]) / n_ins
    un_cost = (count(quiet & answered)[:, None] + count(quiet & ~answered)[None, :]) / n_quiet
    gain = 0.5 * (count(ok_route)[:, None] + count(ok_route)[None, :]) / n_safe
    feasible = (np.triu(np.ones((len(grid), len(grid)), bool))
                & (in_cost <= in_scope_budget + 1e-12) & (un_cost <= unanswered_budget + 1e-12))
    if not feasible.any():
        l = h = len(grid) - 1
    else:
        # max gain, then fewest benign interventions, then highest thresholds
        score = np.where(feasible, gain, -1.0)
        best = score == score.max()
        cost = np.where(best, in_cost + un_cost, np.inf)
        best &= cost == cost.min()
        ls, hs = np.nonzero(best)
        order = np.lexsort((ls, hs))[-1]
        l, h = int(ls[order]), int(hs[order])
    return Choice(float(grid[l]), float(grid[h]), float(gain[l, h]),
                  float(in_cost[l, h]), float(un_cost[l, h]))


# --------------------------------------------------------------------- reporting
def pct(x: float) -> str:
    return "  n/a" if x != x else f"{100 * x:5.1f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = lambda r: "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths)) + " |"  # noqa
    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|",
                      *map(line, cells)])


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--snapshot", type=Path, default=HERE / "eval_snapshot")
    ap.add_argument("--replies", type=Path, default=HERE / "baseline_replies.jsonl")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache" / "crossval")
    ap.add_argument("--inner", default="5", help="'loo' or number of inner grouped folds")
    ap.add_argument("--in-scope-budget", type=float, default=0.01)
    ap.add_argument("--unanswered-budget", type=float, default=0.01)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--report", type=Path, default=HERE / "crossval_report.md")
    ap.add_argument("--json", type=Path, default=HERE / "crossval_report.json")
    args = ap.parse_args(argv)
    t_start = time.perf_counter()

    items = load_snapshot(args.snapshot)
    replies = load_replies(args.replies, items)
    sections = load_sections(args.snapshot)
    writers = sorted({it.writer for it in items})
    config = TrainConfig()
    runner = FoldRunner(items, config, args.cache, args.jobs)
    wr = runner.writer

    # outer leave-one-writer-out + all inner folds, fitted in one parallel batch
    outer_folds = [frozenset({w}) for w in writers]
    all_inner = {w: inner_folds(w, writers, args.inner) for w in writers}
    runner.run(outer_folds + [f for fs in all_inner.values() for f in fs])
    outer = runner.out_of_fold(writers, outer_folds)
    frame = Frame.build(items, replies, sections, outer)

    out: list[str] = []
    emit = out.append
    emit(f"# Learned screen: leave-one-writer-out evaluation\n\nconfig: `{asdict(config)}`; "
         f"inner CV: {args.inner}; budgets: in-scope {args.in_scope_budget:.3f}, "
         f"unanswered {args.unanswered_budget:.3f}\n")
    emit("All model figures below are on held-out writers (outer folds). Rule figures are "
         "whatever the rules score on these sets (not held out from the rules' authors).\n")

    # model alone, pooled
    emit("## Model alone (held-out), pooled over the 31 outer folds\n")
    rows = []
    for t in MODEL_ALONE_THRESHOLDS:
        m = model_alone_metrics(frame, t)
        worst = min(model_alone_metrics(frame.subset(wr == w), t)["safety_recall"]
                    for w in writers)
        rows.append([f"{t:.2f}", pct(m["safety_recall"]), pct(m["safety_recall_routed"]),
                     pct(worst), pct(m["in_scope_flagged"]), pct(m["oos_flagged"]),
                     pct(m["smalltalk_flagged"])])
    emit(table(["P(safety)>=", "safety recall %", "routed %", "worst set %", "in_scope flagged %",
                "oos flagged %", "smalltalk flagged %"], rows) + "\n")
    emit("(routed: emergency questions count only if the model's top safety class is "
         "emergency)\n")

    # per-category model recall at 0.5 / 0.9
    emit("## Model alone by category (held-out)\n")
    rows = []
    for cat in [*SAFETY_CATEGORIES, "in_scope", "out_of_scope", "smalltalk"]:
        m = frame.category == cat
        rows.append([cat, int(m.sum()), *(pct(float((frame.p[m] >= t).mean()))
                                          for t in (0.5, 0.8, 0.9))])
    emit(table(["category", "n", "flag@0.5 %", "flag@0.8 %", "flag@0.9 %"], rows) + "\n")

    # nested threshold choice
    choices: dict[str, Choice] = {}
    for w in writers:
        inner_oof = runner.out_of_fold([x for x in writers if x != w], all_inner[w])
        inner_mask = wr != w
        inner_frame = Frame.build(items, replies, sections, inner_oof).subset(inner_mask)
        choices[w] = choose_thresholds(inner_frame, args.in_scope_budget,
                                       args.unanswered_budget)

    per_set = []
    for w in writers:
        f, c = frame.subset(wr == w), choices[w]
        r, m5, m9 = rules_metrics(f), model_alone_metrics(f, 0.5), model_alone_metrics(f, 0.9)
        cm = combined_metrics(f, c.t_low, c.t_high)
        per_set.append((w, f, c, r, m5, m9, cm))

    emit("## Per held-out set\n")
    emit("Model: held-out at fixed thresholds. Rules: as replied. Combined: thresholds chosen "
         "on the other 30 writers only (nested), then applied to this set.\n")
    rows = []
    for w, f, c, r, m5, m9, cm in per_set:
        rows.append([w, int(f.safety.sum()), int((f.category == "in_scope").sum()),
                     pct(m5["safety_recall"]), pct(m5["in_scope_flagged"]), pct(m5["oos_flagged"]),
                     pct(m9["safety_recall"]), pct(m9["in_scope_flagged"]), pct(m9["oos_flagged"]),
                     pct(r["safety_recall"]), pct(r["in_scope_right_section"]),
                     pct(r["in_scope_referred"]),
                     f"{c.t_low:.2f}/{c.t_high:.2f}", pct(cm["safety_recall"]),
                     pct(cm["in_scope_answered_right"]), pct(cm["in_scope_to_clinician"]),
                     pct(cm["in_scope_careful"]), pct(cm["oos_unanswered_fallback"]),
                     pct(cm["backstop_if_answered"]), pct(cm["backstop_if_fallback"])])
    emit(table(["set", "n safety", "n in", "M.5 rec", "M.5 in", "M.5 oos", "M.9 rec", "M.9 in",
                "M.9 oos", "R rec", "R in ok", "R in ref", "t_low/t_high", "C rec", "C in ok",
                "C in clin", "C in careful", "C oos fb", "BS ans", "BS fb"], rows) + "\n")

    # pooled outer figures for the combined policy (each set with its own nested thresholds)
    final = np.empty(len(items), dtype=object)
    for w, f, c, *_ in per_set:
        final[wr == w] = combined_reply(f, c.t_low, c.t_high)
    ins, oos = frame.category == "in_scope", frame.category == "out_of_scope"
    rm = rules_metrics(frame)
    t_lows = np.array([c.t_low for c in choices.values()])
    t_highs = np.array([c.t_high for c in choices.values()])
    pooled = {
        "safety_recall": _share(caught(frame, final), frame.safety),
        "in_scope_answered_right": _share(frame.right_section & (final == "answer"), ins),
        "in_scope_to_clinician": _share(np.isin(final, ("referral", "emergency",
                                                         "model_referral")), ins),
        "in_scope_careful": _share(final == "careful_referral", ins),
        "oos_unanswered_fallback": _share(final == "fallback", oos),
        "oos_referred": _share(np.isin(final, REFERRED), oos),
        "smalltalk_kept": _share(final == "smalltalk", frame.category == "smalltalk"),
    }
    backstop_ans = np.zeros(len(items), bool)
    backstop_fb = np.zeros(len(items), bool)
    for w, f, c, *_ in per_set:
        ok = np.where(f.category == "emergency", f.route_emergency, True)
        backstop_ans[wr == w] = ok & (f.p >= c.t_low)
        backstop_fb[wr == w] = ok & (f.p >= c.t_high)
    emit("## Overall (outer, held-out; nested thresholds)\n")
    rows = [
        ["safety recall", pct(rm["safety_recall"]), pct(pooled["safety_recall"]),
         pct(min(x[6]["safety_recall"] for x in per_set))],
        ["in_scope answered from right section", pct(rm["in_scope_right_section"]),
         pct(pooled["in_scope_answered_right"]),
         pct(min(x[6]["in_scope_answered_right"] for x in per_set))],
        ["in_scope sent to clinician", pct(rm["in_scope_referred"]),
         pct(pooled["in_scope_to_clinician"]),
         pct(max(x[6]["in_scope_to_clinician"] for x in per_set))],
        ["in_scope careful referral (band)", pct(0.0), pct(pooled["in_scope_careful"]),
         pct(max(x[6]["in_scope_careful"] for x in per_set))],
        ["out_of_scope left unanswered (fallback)", pct(rm["oos_fallback"]),
         pct(pooled["oos_unanswered_fallback"]),
         pct(min(x[6]["oos_unanswered_fallback"] for x in per_set))],
        ["out_of_scope referred", pct(rm["oos_referred"]), pct(pooled["oos_referred"]),
         pct(max(x[6]["oos_referred"] for x in per_set))],
        ["smalltalk kept as smalltalk", pct(_share(frame.kind == "smalltalk",
                                                   frame.category == "smalltalk")),
         pct(pooled["smalltalk_kept"]), pct(min(x[6]["smalltalk_kept"] for x in per_set))],
        ["model backstop recall if rules had answered", "   -", pct(_share(backstop_ans,
                                                                          frame.safety)),
         pct(min(x[6]["backstop_if_answered"] for x in per_set))],
        ["model backstop recall if rules had fallen back", "   -",
         pct(_share(backstop_fb, frame.safety)),
         pct(min(x[6]["backstop_if_fallback"] for x in per_set))],
    ]
    emit(table(["metric", "rules alone %", "combined %", "worst set (combined) %"], rows) + "\n")

    def spread(a: np.ndarray) -> str:
        q1, med, q3 = np.percentile(a, [25, 50, 75])
        return f"median {med:.3f}, IQR {q1:.3f}-{q3:.3f}, range {a.min():.3f}-{a.max():.3f}"

    emit("## Nested threshold choices (31 outer folds)\n")
    emit(f"- t_low: {spread(t_lows)}\n- t_high: {spread(t_highs)}\n"
         f"- inner (training-side) in-scope cost at the choice: "
         f"{spread(np.array([c.in_scope_cost for c in choices.values()]))}\n"
         f"- inner unanswered cost at the choice: "
         f"{spread(np.array([c.unanswered_cost for c in choices.values()]))}\n")
    rec = (float(np.median(t_lows)), float(np.median(t_highs)))
    emit(f"**Recommended: t_low = {rec[0]:.2f}, t_high = {rec[1]:.2f}** (medians).\n")
    fixed = combined_metrics(frame, *rec)
    emit("Applying the medians to every held-out set (mildly optimistic: each set took part "
         "in 30 of the 31 choices): "
         + ", ".join(f"{k} {pct(v).strip()}%" for k, v in fixed.items()) + "\n")

    # sensitivity of the choice to the unanswered budget (same nested procedure)
    emit("## Sensitivity of the nested choice to the out-of-scope/smalltalk budget\n")
    rows = []
    for ub in (0.01, 0.02, 0.05, 1.0):
        lows, highs, fin = [], [], np.empty(len(items), dtype=object)
        for w in writers:
            inner_oof = runner.out_of_fold([x for x in writers if x != w], all_inner[w])
            fr = Frame.build(items, replies, sections, inner_oof).subset(wr != w)
            c = choose_thresholds(fr, args.in_scope_budget, ub)
            lows.append(c.t_low)
            highs.append(c.t_high)
            fin[wr == w] = combined_reply(frame.subset(wr == w), c.t_low, c.t_high)
        high = np.zeros(len(items))
        for w, h in zip(writers, highs):
            high[wr == w] = h
        ok = np.where(frame.category == "emergency", frame.route_emergency, True)
        bs_fb = ok & (frame.p >= high)
        rows.append([f"{ub:.2f}", f"{np.median(lows):.2f}", f"{np.median(highs):.2f}",
                     pct(_share(fin == "careful_referral", ins)),
                     pct(_share(np.isin(fin, ("model_referral", "emergency")) & (frame.kind != fin),
                                ins)),
                     pct(_share(np.isin(fin, REFERRED), oos)),
                     pct(_share(fin == "smalltalk", frame.category == "smalltalk")),
                     pct(_share(bs_fb, frame.safety))])
    emit(table(["unanswered budget", "t_low med", "t_high med", "in careful %",
                "in model-clinician %", "oos referred %", "smalltalk kept %",
                "backstop if fallback %"], rows) + "\n")

    # disagreements
    emit("## Rules vs model on safety questions (held-out model, nested thresholds)\n")
    rules_caught = caught(frame, frame.kind)
    model_caught = backstop_ans  # model would block/refer at t_low (routing respected)
    rows = []
    for cat in SAFETY_CATEGORIES:
        m = frame.category == cat
        rows.append([cat, int(m.sum()), int((m & ~rules_caught & model_caught).sum()),
                     int((m & rules_caught & ~model_caught).sum()),
                     int((m & rules_caught & ~backstop_fb).sum()),
                     int((m & ~rules_caught & ~model_caught).sum())])
    emit(table(["category", "n", "rules missed, model caught (>=t_low)",
                "rules caught, model missed (<t_low)", "rules caught, model < t_high",
                "both missed"], rows) + "\n")
    misses = [(float(frame.p[i]), items[i]) for i in np.nonzero(frame.safety & ~model_caught)[0]]
    misses.sort(key=lambda x: x[0])
    emit("Model misses (< own t_low), lowest P(safety) first, first 40:\n")
    emit("\n".join(f"- {p:.3f} [{it.category}/{it.writer}] {it.text!r}" for p, it in misses[:40])
         + "\n")
    emit("In-scope questions the rules referred, and the model's P(safety) (held-out):\n")
    idx = np.nonzero(ins & np.isin(frame.kind, RULE_REFER))[0]
    emit("\n".join(f"- {frame.p[i]:.3f} [{items[i].category}/{items[i].writer}] "
                   f"{items[i].text!r}" for i in idx) + "\n")
    changed = sorted(np.nonzero(ins & (final != frame.kind))[0], key=lambda i: -frame.p[i])
    emit("In-scope questions the combined policy changed (held-out):\n")
    emit("\n".join(f"- {frame.p[i]:.3f} -> {final[i]} [{items[i].writer}] {items[i].text!r}"
                   for i in changed) + "\n")

    elapsed = time.perf_counter() - t_start
    emit(f"\n_crossval wall time: {elapsed:.0f}s_\n")
    text = "\n".join(out)
    print(text)
    args.report.write_text(text, encoding="utf-8")
    args.json.write_text(json.dumps({
        "config": asdict(config), "inner": args.inner,
        "budgets": {"in_scope": args.in_scope_budget, "unanswered": args.unanswered_budget},
        "choices": {w: asdict(c) for w, c in choices.items()},
        "recommended": {"t_low": rec[0], "t_high": rec[1]},
        "rules": rm, "combined_pooled": pooled,
        "per_set": {w: {"rules": r, "model@0.5": m5, "model@0.9": m9, "combined": cm}
                    for w, f, c, r, m5, m9, cm in per_set},
    }, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
