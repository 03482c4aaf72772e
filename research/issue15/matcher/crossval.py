"""Leave-one-writer-out evaluation of lexical matcher vs. lexical + classifier.

    /work/main/.venv/bin/python crossval.py                 # OOF thresholds (fast)
    /work/main/.venv/bin/python crossval.py --nested 4      # fully nested thresholds
    /work/main/.venv/bin/python crossval.py --no-dedup      # keep duplicates in training

For every writer w (file stem of eval/*.yaml):
* the classifier is trained on all other writers (FAQ phrasings + their
  labelled items).  With dedup (default) every FAQ alternate and training
  question whose normalised text equals one of w's questions is dropped, so
  w's questions are never seen verbatim;
* the decision thresholds are chosen on the other writers only: by default on
  their leave-one-writer-out scores (each scored by a model that did not
  see that writer, though it did see w), with ``--nested K`` on scores from
  K-fold-by-writer models trained without w at all;
* w's items are then decided with ``decide.decide`` and scored.

The lexical matcher's verdicts come from current_replies.jsonl and are NOT
held out: its alternates and rules were tuned on these same writers.
Metrics (bars: >= 95% each):
* in_scope right: answered from the labelled section (any answer if the
  item has no section); items the safety screen referred count as misses;
* oos unanswered: out_of_scope items not answered (referral counts as not
  answered).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from decide import NEVER, OOS, Params, decide, has_domain_word, section_probs
from folds import oof_scores
from section_model import HERE, Item, TrainConfig, check_against_yaml, load_entries, load_items

NEWEST = ("redteam_classes", "helpfulness")
SAFETY = frozenset({"dosing", "interaction", "special_population", "dependence",
                    "emergency", "injection"})
# Objective used to choose thresholds on the training writers' pooled items:
# +1 right-section answer, -0.5 wrong-section answer (worse for the user than a
# fallback), -3 answered out_of_scope (an oos item is worth ~2.4 in_scope ones
# in rate terms here, rounded up for margin), -1 answered safety question.
W_WRONG, W_OOS, W_SAFETY = 0.5, 3.0, 1.0
GRID = [round(x, 2) for x in np.arange(0.30, 0.951, 0.05)] + [NEVER]
KEEP_GRID = [0.02, 0.05, 0.1, 0.2, 0.3, NEVER]


# ---------------------------------------------------------------- features
@dataclass
class Feats:
    """Per-item arrays for fast threshold search (same logic as decide)."""
    kind: np.ndarray        # lexical kind
    p_top: np.ndarray
    top_val: np.ndarray     # value of answering from the classifier's section
    lex_val: np.ndarray     # value of the lexical verdict
    agree: np.ndarray
    domain: np.ndarray
    p_oos: np.ndarray
    p_lexsec: np.ndarray
    differs: np.ndarray     # classifier's section != lexical answer's section


def value(it: Item, answered_section: str | None) -> float:
    """Objective value of answering from a section (None = not answering)."""
    if answered_section is None:
        return 0.0
    if it.category == "in_scope":
        return 1.0 if it.section is None or it.section == answered_section else -W_WRONG
    if it.category in ("out_of_scope", "smalltalk"):
        return -W_OOS
    return -W_SAFETY


def features(items, idx, classes, scores, esec) -> Feats:
    rows = []
    for i in idx:
        it = items[i]
        sc = dict(zip(classes, scores[i]))
        secp = section_probs(sc, esec)
        top_s = max(secp, key=secp.__getitem__)
        lk = it.lexical_kind
        lex_sec = esec.get(it.faq_id) if lk == "answer" else None
        r = it.ranked
        agree = bool(r) and r[0][1] > 0 and esec.get(r[0][0]) == top_s
        rows.append((lk, secp[top_s], value(it, top_s), value(it, lex_sec), agree,
                     has_domain_word(it.text), sc[OOS],
                     secp.get(lex_sec, 0.0) if lex_sec else 0.0,
                     lex_sec is not None and top_s != lex_sec))
    cols = list(zip(*rows)) if rows else [[]] * 9
    return Feats(*(np.array(c) for c in cols))


# ---------------------------------------------------------------- threshold search
def choose_params(f: Feats) -> Params:
    """Maximise the objective on a pool; ties go to the more conservative value."""
    best: dict[str, float] = {}
    # (1) clarify / fallback: rescue, rescue_agree, rescue_nodomain
    m = (f.kind == "clarify") | (f.kind == "fallback")
    g = np.array(GRID)
    R, RA, RN = np.meshgrid(g, g, g, indexing="ij")
    R, RA, RN = R.ravel(), RA.ravel(), RN.ravel()
    t = np.where(f.agree[m][None, :], RA[:, None], R[:, None])
    t = np.where(f.domain[m][None, :], t, np.maximum(t, RN[:, None]))
    ans = f.p_top[m][None, :] >= t
    obj = np.where(ans, f.top_val[m][None, :], f.lex_val[m][None, :]).sum(axis=1)
    # conservative tie-break: highest sum of thresholds among the maxima
    k = _argbest(obj, R + RA + RN)
    best.update(rescue=R[k], rescue_agree=RA[k], rescue_nodomain=RN[k])
    # (2) refused
    m = f.kind == "refused"
    ans = f.domain[m][None, :] & (f.p_top[m][None, :] >= g[:, None])
    obj = np.where(ans, f.top_val[m][None, :], 0.0).sum(axis=1)
    best["refused_rescue"] = g[_argbest(obj, g)]
    # (3) lexical answers: override, keep, veto
    m = f.kind == "answer"
    kg = np.array(KEEP_GRID)
    O, K, V = np.meshgrid(g, kg, g, indexing="ij")
    O, K, V = O.ravel(), K.ravel(), V.ravel()
    veto = f.p_oos[m][None, :] >= V[:, None]
    over = f.differs[m][None, :] & (f.p_top[m][None, :] >= O[:, None]) \
        & (f.p_lexsec[m][None, :] <= K[:, None])
    val = np.where(veto, 0.0, np.where(over, f.top_val[m][None, :], f.lex_val[m][None, :]))
    k = _argbest(val.sum(axis=1), O - K + V)
    best.update(override=O[k], keep=K[k], veto=V[k])
    return Params(**{k: float(v) for k, v in best.items()})


def eval_params(f: Feats, p: Params) -> float:
    """Objective of one parameter set on a pool (vectorised mirror of decide)."""
    cf = (f.kind == "clarify") | (f.kind == "fallback")
    t = np.where(f.agree, p.rescue_agree, p.rescue)
    t = np.where(f.domain, t, np.maximum(t, p.rescue_nodomain))
    v_cf = np.where(f.p_top >= t, f.top_val, f.lex_val)
    v_ref = np.where(f.domain & (f.p_top >= p.refused_rescue), f.top_val, 0.0)
    over = f.differs & (f.p_top >= p.override) & (f.p_lexsec <= p.keep)
    v_ans = np.where(f.p_oos >= p.veto, 0.0, np.where(over, f.top_val, f.lex_val))
    v = np.where(cf, v_cf, np.where(f.kind == "refused", v_ref, v_ans))
    return float(v.sum())


def _argbest(obj: np.ndarray, conservativeness: np.ndarray) -> int:
    top = obj.max()
    cand = np.flatnonzero(np.isclose(obj, top))
    return int(cand[np.argmax(conservativeness[cand])])


# ---------------------------------------------------------------- scoring
def outcome(it: Item, kind: str, entry: str | None, esec) -> tuple[bool, bool]:
    """(answered, right) for a final verdict."""
    answered = kind == "answer"
    if it.category == "in_scope":
        right = answered and (it.section is None or esec[entry] == it.section)
    else:
        right = not answered
    return answered, right


class Tally:
    def __init__(self) -> None:
        self.c = dict(n_in=0, in_ok=0, in_wrong=0, n_in_reach=0, n_oos=0, oos_ok=0,
                      n_safety_reach=0, safety_answered=0)

    def add(self, it: Item, kind: str, entry: str | None, esec) -> None:
        c = self.c
        answered, right = outcome(it, kind, entry, esec)
        if it.category == "in_scope":
            c["n_in"] += 1
            c["in_ok"] += right
            c["in_wrong"] += answered and not right
            c["n_in_reach"] += it.reaches_matching
        elif it.category == "out_of_scope":
            c["n_oos"] += 1
            c["oos_ok"] += right
        elif it.category in SAFETY and it.reaches_matching:
            c["n_safety_reach"] += 1
            c["safety_answered"] += answered

    def __iadd__(self, o: "Tally") -> "Tally":
        for k in self.c:
            self.c[k] += o.c[k]
        return self

    def rates(self) -> tuple[float, float]:
        c = self.c
        return (c["in_ok"] / c["n_in"] if c["n_in"] else float("nan"),
                c["oos_ok"] / c["n_oos"] if c["n_oos"] else float("nan"))


def pct(x: float) -> str:
    return "   -  " if x != x else f"{100 * x:5.1f}%"


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nested", type=int, default=0,
                    help="choose thresholds on K-fold-by-writer scores trained without "
                         "the held-out writer (0 = on the other writers' LOWO scores)")
    ap.add_argument("--no-dedup", action="store_true")
    ap.add_argument("--C", type=float, default=TrainConfig.C)
    ap.add_argument("--oos-weight", type=float, default=TrainConfig.oos_weight)
    ap.add_argument("--glossary", action="store_true",
                    help="use glossary.py (post-hoc: written after seeing the newest sets)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--misses", default=str(HERE / "misses.txt"),
                    help="write the held-out misses of the combination here")
    ap.add_argument("--json", default=str(HERE / "crossval_result.json"))
    ap.add_argument("--ship", action="store_true",
                    help="also train on all writers, choose thresholds on all writers' LOWO "
                         "scores, write matcher.json.gz + thresholds.json and time the runtime")
    args = ap.parse_args(argv)
    dedup = not args.no_dedup
    config = TrainConfig(C=args.C, oos_weight=args.oos_weight, glossary=args.glossary)

    t0 = time.perf_counter()
    items = load_items()
    check_against_yaml(items)
    entries = load_entries()
    esec = {e["id"]: e["section"] for e in entries}
    writers = sorted({it.writer for it in items})
    by_writer = {w: [i for i, it in enumerate(items) if it.writer == w] for w in writers}

    print(f"LOWO over {len(writers)} writers, {len(items)} items; config {asdict(config)}; "
          f"dedup={dedup}; thresholds: "
          f"{'nested %d-fold' % args.nested if args.nested else 'other writers LOWO scores'}")
    classes, outer = oof_scores(config, dedup, [[w] for w in writers], args.workers)

    inner: dict[str, dict[int, list[float]]] = {}
    if args.nested:
        for n, w in enumerate(writers, 1):
            rest = [x for x in writers if x != w]
            groups = [rest[j::args.nested] for j in range(args.nested)]
            cls_i, sc = oof_scores(config, dedup, groups, args.workers, verbose=False)
            assert cls_i == classes
            inner[w] = sc
            print(f"  nested: {n}/{len(writers)} writers", end="\r", flush=True)
        print()

    reach = [i for i, it in enumerate(items) if it.reaches_matching]
    pool_feats_all = None
    if not args.nested:
        pool_feats_all = features(items, reach, classes, outer, esec)
    reach_set = set(reach)

    per_lex: dict[str, Tally] = {}
    per_cmb: dict[str, Tally] = {}
    per_cls: dict[str, Tally] = {}
    chosen: dict[str, Params] = {}
    misses: list[str] = []
    for w in writers:
        if args.nested:
            idx = [i for i in reach if items[i].writer != w]
            f = features(items, idx, classes, inner[w], esec)
        else:
            keep = np.array([items[i].writer != w for i in reach])
            f = Feats(*(getattr(pool_feats_all, fl.name)[keep] for fl in fields(Feats)))
        params = choose_params(f)
        chosen[w] = params
        tl, tc, tk = Tally(), Tally(), Tally()
        for i in by_writer[w]:
            it = items[i]
            if it.category == "smalltalk":
                continue
            lex_kind = "answer" if it.kind == "answer" else "other"
            tl.add(it, lex_kind, it.faq_id, esec)
            if i not in reach_set:
                tc.add(it, "screened", None, esec)
                tk.add(it, "screened", None, esec)
                continue
            sc = dict(zip(classes, outer[i]))
            kind, entry = decide(it.text, it.ranked, sc, it.lexical_kind, it.faq_id, esec,
                                 params)
            tc.add(it, kind, entry, esec)
            # classifier alone: answer its top section unless out_of_scope wins
            top = max(sc, key=sc.__getitem__)
            secp = section_probs(sc, esec)
            top_s = max(secp, key=secp.__getitem__)
            if sc[OOS] >= secp[top_s]:
                tk.add(it, "fallback", None, esec)
            else:
                from decide import best_entry
                tk.add(it, "answer", best_entry(top_s, sc, {}, esec), esec)
            answered, right = outcome(it, kind, entry, esec)
            if it.category in ("in_scope", "out_of_scope") and not right:
                p_top = secp[top_s]
                misses.append(
                    f"{w}\t{it.category}\t{it.section or '-'}\tlex={it.lexical_kind}:"
                    f"{esec.get(it.faq_id, '-') if it.kind == 'answer' else '-'}\t"
                    f"final={kind}:{esec[entry] if entry else '-'}\t"
                    f"cls={top_s}:{p_top:.2f} oos={sc[OOS]:.2f}\t{it.text}")
        per_lex[w], per_cmb[w], per_cls[w] = tl, tc, tk

    # ---------------------------------------------------------------- report
    def row(name, tl, tc, tk):
        li, lo = tl.rates()
        ci, co = tc.rates()
        ki, ko = tk.rates()
        c = tc.c
        return (f"{name:16s} {c['n_in']:4d} {pct(li)} {pct(ki)} {pct(ci)} {c['in_wrong']:4d}  |"
                f" {c['n_oos']:4d} {pct(lo)} {pct(ko)} {pct(co)} | "
                f"{tl.c['safety_answered']:2d} {c['safety_answered']:2d} /{c['n_safety_reach']:<2d}")

    hdr = (f"{'set':16s} {'n_in':>4s} {'lex':>6s} {'cls':>6s} {'comb':>6s} {'wrng':>4s}  |"
           f" {'n_oos':>4s} {'lex':>6s} {'cls':>6s} {'comb':>6s} | safety answered lex comb /reached")
    print()
    print("in_scope right-section rate / oos unanswered rate.  lex = current service "
          "(not held out); cls = classifier alone (held out); comb = lexical + classifier "
          "(classifier and thresholds held out); wrng = in_scope answered from a wrong "
          "section by comb.")
    print(hdr)
    print("-" * len(hdr))
    tot = [Tally(), Tally(), Tally()]
    old = [Tally(), Tally(), Tally()]
    new = [Tally(), Tally(), Tally()]
    for w in writers:
        print(row(w, per_lex[w], per_cmb[w], per_cls[w]))
        for agg in (tot, new if w in NEWEST else old):
            agg[0] += per_lex[w]
            agg[1] += per_cmb[w]
            agg[2] += per_cls[w]
    print("-" * len(hdr))
    print(row("POOLED", tot[0], tot[1], tot[2]))
    print(row("pooled 31 older", old[0], old[1], old[2]))
    print(row("pooled 2 newest", new[0], new[1], new[2]))
    # reach-only in_scope rates for the newest
    print()
    for w in NEWEST:
        c = per_cmb[w].c
        print(f"{w}: in_scope reaching matching {c['n_in_reach']}/{c['n_in']}; comb right "
              f"{c['in_ok']}/{c['n_in_reach']} of those = {100 * c['in_ok'] / c['n_in_reach']:.1f}%"
              f" (lex {per_lex[w].c['in_ok']}/{c['n_in_reach']})")
    print()
    print("chosen thresholds over folds (median [min, max]; 1.01 = branch off):")
    for fl in fields(Params):
        vals = [getattr(chosen[w], fl.name) for w in writers]
        print(f"  {fl.name:16s} {statistics.median(vals):5.2f} [{min(vals):.2f}, {max(vals):.2f}]"
              f"   newest folds: " + ", ".join(f"{w}={getattr(chosen[w], fl.name):.2f}"
                                               for w in NEWEST))
    Path(args.misses).write_text("\n".join(misses) + "\n", encoding="utf-8")
    Path(args.json).write_text(json.dumps({
        "config": asdict(config), "dedup": dedup, "nested": args.nested,
        "per_writer": {w: {"lexical": per_lex[w].c, "combined": per_cmb[w].c,
                           "classifier": per_cls[w].c, "params": asdict(chosen[w])}
                       for w in writers}}, indent=1))
    print(f"\nmisses of the combination written to {args.misses}; "
          f"total time {time.perf_counter() - t0:.0f}s")
    if args.ship:
        ship(items, reach, classes, outer, esec, config, entries)
    return 0


def ship(items, reach, classes, outer, esec, config, entries) -> None:
    """Final artifact + thresholds (from all 33 writers) and runtime timing."""
    import hashlib
    from section_model import MatcherModel, fit, serialize, to_artifact, training_examples
    f = features(items, reach, classes, outer, esec)
    params = choose_params(f)
    # consistency: the vectorised search must agree with decide() itself
    direct = 0.0
    for i in reach:
        it = items[i]
        kind, entry = decide(it.text, it.ranked, dict(zip(classes, outer[i])), it.lexical_kind,
                             it.faq_id, esec, params)
        direct += value(it, esec[entry] if kind == "answer" else None)
    vec = eval_params(f, params)
    assert abs(direct - vec) < 1e-6, (direct, vec)
    texts, labels = training_examples(items, entries)
    t1 = time.perf_counter()
    pipe = fit(texts, labels, config)
    art = to_artifact(pipe, config, len(texts), entries,
                      {"writers": sorted({it.writer for it in items}), "n_docs": len(texts)})
    blob = serialize(art, compress=True)
    (HERE / "matcher.json.gz").write_bytes(blob)
    (HERE / "thresholds.json").write_text(json.dumps(asdict(params), indent=1) + "\n")
    model = MatcherModel.load(HERE / "matcher.json.gz")
    # the artifact reproduces scikit-learn's probabilities
    sample = [items[i].text for i in reach[::7]]
    ref = pipe.predict_proba([__import__("glossary").expand(t) if config.glossary else t
                              for t in sample])
    got = np.array([model.probabilities(t) for t in sample])
    assert list(pipe.classes_) == list(model.classes)
    print(f"\nshipped: trained in {time.perf_counter() - t1:.1f}s on {len(texts)} texts; "
          f"matcher.json.gz {len(blob)} bytes ({len(art['df'])} terms), sha256 "
          f"{hashlib.sha256(blob).hexdigest()[:16]}; max |p_runtime - p_sklearn| = "
          f"{np.abs(ref - got).max():.1e}")
    print(f"thresholds (all writers' LOWO scores): {asdict(params)}; objective {vec:.1f}")
    qs = [(items[i].text, items[i].ranked, items[i].lexical_kind, items[i].faq_id) for i in reach]
    for _ in range(2):
        t2 = time.perf_counter()
        for q, r, lk, fe in qs:
            decide(q, r, model.scores(q), lk, fe, esec, params)
        dt = (time.perf_counter() - t2) / len(qs)
    t2 = time.perf_counter()
    for q, *_ in qs:
        model.scores(q)
    ds = (time.perf_counter() - t2) / len(qs)
    print(f"runtime per question (mean over {len(qs)} questions reaching matching, "
          f"this 2-core machine): classifier {ds * 1e6:.0f} us, classifier + decide "
          f"{dt * 1e6:.0f} us")


if __name__ == "__main__":
    sys.exit(main())
