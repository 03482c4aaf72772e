"""Training the learned safety screen, deterministically, into the JSON artifact the runtime
(`faq_bot.core.safety.learned`) scores without numpy.

The same labelled sets always give the same bytes: one BLAS thread, lbfgs from zeros,
coefficients rounded to six significant digits, sorted keys, gzip without a timestamp.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from faq_bot.core.safety.learned import (
    ARTIFACT_FORMAT,
    ARTIFACT_VERSION,
    Analyzer,
    LearnedScreen,
    smoothed_idf,
)
from faq_bot.core.safety.screen import sounds_urgent
from faq_bot.core.safety.topics import EMERGENCY
from faq_bot.learn.data import BENIGN, CLASSES, FAQ_WRITER, Item, fingerprint

SIGNIFICANT_DIGITS = 6
# The share of answerable questions and of out-of-scope and small-talk questions the model may
# refer on its own (refer and above), measured
# on writers it was not trained on. The product allows 1% of answerable questions sent to a
# clinician in all, rules included.
IN_SCOPE_BUDGET = 0.01
QUIET_BUDGET = 0.01
GRID = tuple(round(0.50 + 0.01 * i, 2) for i in range(50))  # 0.50 ... 0.99
THRESHOLD_FOLDS = 5


@dataclass(frozen=True)
class TrainConfig:
    """Features and model: character 2-4-grams within words, word 1-2-grams, terms in at least
    `min_df` questions, logistic regression with inverse regularisation `C`."""

    char_ngram: tuple[int, int] = (2, 4)
    word_ngram: tuple[int, int] = (1, 2)
    min_df: int = 5
    C: float = 10.0
    tol: float = 1e-4
    max_iter: int = 1000

    def analyzer(self) -> Analyzer:
        """The runtime's analyzer with these n-gram ranges."""
        return Analyzer(char_ngram=self.char_ngram, word_ngram=self.word_ngram)


def _round_sig(x: float) -> float:
    r = float(f"{x:.{SIGNIFICANT_DIGITS}g}")
    return r if r != 0.0 else 0.0  # never -0.0: the bytes must not depend on a sign of zero


_round_array = np.vectorize(_round_sig, otypes=[np.float64])


def fit(texts: Sequence[str], labels: Sequence[str], config: TrainConfig,
        analyzer: Callable[[str], list[str]] | None = None,
        classes: Sequence[str] = CLASSES) -> Pipeline:
    """Fit TF-IDF and logistic regression, then snap the pipeline to exactly what the artifact
    holds (integer document frequencies, rounded coefficients)."""
    unknown = set(labels) - set(classes)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    vectorizer = TfidfVectorizer(analyzer=analyzer or config.analyzer(), binary=True,
                                 smooth_idf=True, norm="l2", min_df=config.min_df,
                                 dtype=np.float64)
    model = LogisticRegression(C=config.C, solver="lbfgs", tol=config.tol,
                               max_iter=config.max_iter)
    pipe = Pipeline([("tfidf", vectorizer), ("logreg", model)])
    with threadpool_limits(1):  # several BLAS threads would make the last digits vary
        pipe.fit(list(texts), list(labels))
    n_docs = len(texts)
    df = _document_frequencies(vectorizer, n_docs)
    idf = np.array([smoothed_idf(int(d), n_docs) for d in df])
    if not np.allclose(idf, vectorizer.idf_, rtol=1e-12, atol=0.0):
        raise RuntimeError("document frequencies do not reproduce scikit-learn's idf")
    vectorizer.idf_ = idf
    model.coef_ = _round_array(model.coef_)
    model.intercept_ = _round_array(model.intercept_)
    return pipe


def _document_frequencies(vectorizer: TfidfVectorizer, n_docs: int) -> np.ndarray:
    # Exact: smoothed idf is strictly decreasing in df and far from rounding at these sizes.
    df = np.rint((1 + n_docs) / np.exp(vectorizer.idf_ - 1.0) - 1.0).astype(np.int64)
    if df.min() < 1 or df.max() > n_docs:
        raise RuntimeError("recovered document frequencies out of range")
    return df


def to_artifact(pipe: Pipeline, config: TrainConfig, items: Sequence[Item],
                decision: dict[str, float]) -> dict[str, Any]:
    """The JSON-ready artifact of a pipeline returned by `fit` on `items`."""
    vectorizer: TfidfVectorizer = pipe.named_steps["tfidf"]
    model: LogisticRegression = pipe.named_steps["logreg"]
    terms = vectorizer.get_feature_names_out()
    df = _document_frequencies(vectorizer, len(items))
    coef = {str(t): [float(v) for v in row]
            for t, row in zip(terms, model.coef_.T, strict=True) if np.any(row)}
    counts: dict[str, int] = {}
    for item in items:
        counts[item.label] = counts.get(item.label, 0) + 1
    return {
        "format": ARTIFACT_FORMAT,
        "version": ARTIFACT_VERSION,
        "classes": [str(c) for c in model.classes_],
        "benign_class": BENIGN,
        "features": config.analyzer().describe(),
        "n_docs": len(items),
        "df": {str(t): int(d) for t, d in zip(terms, df, strict=True)},
        "coef": coef,
        "intercept": [float(v) for v in model.intercept_],
        "decision": decision,
        "training": {
            "n_items": len(items),
            "class_counts": dict(sorted(counts.items())),
            "writers": sorted({item.writer for item in items}),
            "data_sha256": fingerprint(items),
            "config": {k: list(v) if isinstance(v, tuple) else v
                       for k, v in asdict(config).items()},
            "sklearn": sklearn.__version__,
            "significant_digits": SIGNIFICANT_DIGITS,
        },
    }


def serialize(artifact: dict[str, Any]) -> bytes:
    """The artifact's canonical bytes: sorted keys, compact JSON, gzip with mtime 0."""
    raw = json.dumps(artifact, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                     allow_nan=False).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0)


def fit_artifact(items: Sequence[Item], config: TrainConfig,
                 decision: dict[str, float] | None = None) -> dict[str, Any]:
    """Train on `items` and return the artifact (with placeholder thresholds by default)."""
    pipe = fit([i.text for i in items], [i.label for i in items], config)
    return to_artifact(pipe, config, items, decision or {"refer": 1.0, "caution": 1.0})


def held_out_artifacts(items: Sequence[Item], folds: Sequence[frozenset[str]],
                       config: TrainConfig, workers: int | None = None
                       ) -> list[dict[str, Any]]:
    """For each fold (a set of writers), the artifact trained on `items` without them."""
    return per_fold(fit_artifact, items, folds, config, workers)


def per_fold(fit_one: Callable[[list[Any], Any], dict[str, Any]], items: Sequence[Any],
             folds: Sequence[frozenset[str]], arg: Any, workers: int | None = None
             ) -> list[dict[str, Any]]:
    """`fit_one(items without the fold's writers, arg)` for each fold, in processes."""
    jobs = [[i for i in items if i.writer not in fold] for fold in folds]
    workers = workers or min(len(jobs), os.cpu_count() or 1)
    if workers <= 1:
        return [fit_one(job, arg) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fit_one, jobs, [arg] * len(jobs)))


@dataclass(frozen=True)
class Scored:
    """One question as a held-out model saw it."""

    item: Item
    p_safety: float  # 0 when the model knew no term of it (it then abstains)
    top: str


def score_items(artifact: dict[str, Any], items: Sequence[Item]) -> list[Scored]:
    """Score `items` with `artifact` through the runtime, exactly as serving would."""
    return score_with(LearnedScreen.from_dict(artifact), items)


def score_with(screen: LearnedScreen, items: Sequence[Item]) -> list[Scored]:
    """Score `items` with a loaded screen."""
    out = []
    for item in items:
        judgement = screen.judge(item.text)
        out.append(Scored(item, judgement.p_safety, judgement.top) if judgement
                   else Scored(item, 0.0, BENIGN))
    return out


def choose_decision(scored: Sequence[Scored]) -> dict[str, float]:
    """The lowest `refer` threshold within the budgets, on held-out scores: it refers at most
    IN_SCOPE_BUDGET of answerable questions and QUIET_BUDGET of out-of-scope and small-talk
    ones. Lower thresholds catch more, so the lowest within budget is the best. `caution` is
    the same line: the model keeps no answer back below it (see the comment below)."""

    def share(category: tuple[str, ...], t: float) -> float:
        group = [s for s in scored if s.item.category in category]
        return sum(s.p_safety >= t for s in group) / max(len(group), 1)

    refer = next((t for t in GRID if share(("in_scope",), t) <= IN_SCOPE_BUDGET
                  and share(("out_of_scope", "smalltalk"), t) <= QUIET_BUDGET), 1.0)
    # No band in which a suspicious question's answer is kept back (caution below refer): run
    # on five new writers' sets as they arrived (writer_dec05c to writer_dec06c, 360 safety
    # questions), such a band at 0.63 caught no safety question the rules had missed and held
    # back 7 answerable ones, and on today's held-out sets 19 of about 1,000. The rules and the
    # model's own referrals catch what it was meant to; the band only spent the 1% of answerable
    # questions the product may send to a clinician. An artifact may still hold a band.
    return {"refer": refer, "caution": refer}


def writer_folds(writers: Sequence[str], k: int) -> list[frozenset[str]]:
    """`k` folds of whole writers, dealt in name order (deterministic)."""
    ordered = sorted(set(writers))
    return [frozenset(ordered[j::k]) for j in range(k)]


def train(items: Sequence[Item], config: TrainConfig | None = None,
          workers: int | None = None) -> tuple[dict[str, Any], list[Scored]]:
    """The artifact trained on every item, with thresholds chosen on out-of-fold scores of a
    cross-validation grouped by writer (the FAQ's phrasings always train, never score); also
    returns those scores."""
    config = config or TrainConfig()
    folds = writer_folds([i.writer for i in items if i.writer != FAQ_WRITER], THRESHOLD_FOLDS)
    scored: list[Scored] = []
    for fold, artifact in zip(folds, held_out_artifacts(items, folds, config, workers),
                              strict=True):
        scored += score_items(artifact, [i for i in items if i.writer in fold])
    artifact = fit_artifact(items, config, choose_decision(scored))
    return artifact, scored


def routed(s: Scored, t: float) -> bool:
    """Whether the model at threshold `t` handles a safety question the way its category
    needs (an emergency needs the emergency class on top and a word of danger in it, as the
    screen gives the emergency reply only then)."""
    return s.p_safety >= t and (s.item.category != EMERGENCY
                                or (s.top == EMERGENCY and sounds_urgent(s.item.text)))
