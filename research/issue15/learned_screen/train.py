"""Deterministic training of the learned safety screen with scikit-learn.

Usage::

    python train.py --snapshot eval_snapshot --out screen.json.gz

The fitted model is a ``TfidfVectorizer`` (analyzer = :class:`learned.Analyzer`,
binary tf, smoothed idf, l2 norm) followed by a multinomial
``LogisticRegression`` (lbfgs).  After fitting, the coefficients are rounded
to :data:`SIGNIFICANT_DIGITS` significant digits and written back into the
estimator, and the vectoriser's idf is recomputed from integer document
frequencies exactly as the runtime does it; the returned pipeline is therefore
the very model stored in the artifact, which ``learned.LearnedScreen``
reproduces to ~1e-12.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import sklearn
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from learned import ARTIFACT_FORMAT, ARTIFACT_VERSION, Analyzer, smoothed_idf

BENIGN = "benign"
BENIGN_CATEGORIES = frozenset({"in_scope", "out_of_scope", "smalltalk"})
SAFETY_CATEGORIES = ("dosing", "interaction", "special_population", "dependence",
                     "emergency", "injection")
CLASSES: tuple[str, ...] = (BENIGN, *SAFETY_CATEGORIES)
SIGNIFICANT_DIGITS = 6


@dataclass(frozen=True)
class Item:
    """One labelled question from a writer's question set."""

    writer: str
    text: str
    category: str

    @property
    def label(self) -> str:
        """Training class: ``benign`` for in/out-of-scope and smalltalk."""
        return label_of(self.category)

    @property
    def is_safety(self) -> bool:
        return self.category in SAFETY_CATEGORIES


def label_of(category: str) -> str:
    """Map a question-set category to a model class."""
    if category in BENIGN_CATEGORIES:
        return BENIGN
    if category in SAFETY_CATEGORIES:
        return category
    raise ValueError(f"unknown category {category!r}")


def load_snapshot(directory: str | Path) -> list[Item]:
    """Read every ``*.yaml`` set (files sorted by name, items in file order)."""
    items: list[Item] = []
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise FileNotFoundError(f"no *.yaml question sets in {directory}")
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data["questions"]:
            label_of(entry["category"])  # validate early
            items.append(Item(path.stem, str(entry["q"]), entry["category"]))
    return items


@dataclass(frozen=True)
class TrainConfig:
    """Feature and model hyperparameters (defaults = the shipped choice)."""

    char_ngram: tuple[int, int] = (2, 4)
    word_ngram: tuple[int, int] = (1, 2)
    min_df: int = 5
    C: float = 10.0
    class_weight: str | None = None
    tol: float = 1e-4
    max_iter: int = 1000

    def analyzer(self) -> Analyzer:
        return Analyzer(char_ngram=self.char_ngram, word_ngram=self.word_ngram)


def build_pipeline(config: TrainConfig,
                   analyzer: Callable[[str], list[str]] | None = None) -> Pipeline:
    """Unfitted pipeline; ``analyzer`` may be a memoised equivalent of the config's."""
    vectorizer = TfidfVectorizer(
        analyzer=analyzer if analyzer is not None else config.analyzer(),
        binary=True, smooth_idf=True, norm="l2", min_df=config.min_df,
        dtype=np.float64,
    )
    model = LogisticRegression(C=config.C, class_weight=config.class_weight,
                               solver="lbfgs", tol=config.tol, max_iter=config.max_iter)
    return Pipeline([("tfidf", vectorizer), ("logreg", model)])


def round_sig(x: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """Round to ``digits`` significant digits; never returns -0.0."""
    r = float(f"{x:.{digits}g}")
    return r if r != 0.0 else 0.0


_round_array = np.vectorize(round_sig, otypes=[np.float64])


def fit(texts: Sequence[str], labels: Sequence[str], config: TrainConfig,
        analyzer: Callable[[str], list[str]] | None = None) -> Pipeline:
    """Fit the pipeline and snap it to exactly what the artifact will hold.

    Class order is :data:`CLASSES`-sorted by scikit-learn (alphabetical);
    the artifact records it explicitly.
    """
    unknown = set(labels) - set(CLASSES)
    if unknown:
        raise ValueError(f"unknown labels {sorted(unknown)}")
    pipe = build_pipeline(config, analyzer)
    with threadpool_limits(1):  # BLAS threads only add contention and jitter here
        pipe.fit(list(texts), list(labels))
    vec: TfidfVectorizer = pipe.named_steps["tfidf"]
    clf: LogisticRegression = pipe.named_steps["logreg"]
    n_docs = len(texts)
    df = document_frequencies(vec, n_docs)
    idf = np.array([smoothed_idf(int(d), n_docs) for d in df])
    if not np.allclose(idf, vec.idf_, rtol=1e-12, atol=0.0):
        raise RuntimeError("document frequencies do not reproduce scikit-learn's idf")
    vec.idf_ = idf
    clf.coef_ = _round_array(clf.coef_)
    clf.intercept_ = _round_array(clf.intercept_)
    pipe.document_frequencies_ = df  # type: ignore[attr-defined]
    return pipe


def document_frequencies(vec: TfidfVectorizer, n_docs: int) -> np.ndarray:
    """Integer document frequency of each vocabulary column, recovered from idf_."""
    df = np.rint((1 + n_docs) / np.exp(vec.idf_ - 1.0) - 1.0).astype(np.int64)
    if df.min() < 1 or df.max() > n_docs:
        raise RuntimeError("recovered document frequencies out of range")
    return df


def to_artifact(pipe: Pipeline, config: TrainConfig, n_docs: int,
                provenance: dict[str, Any]) -> dict[str, Any]:
    """JSON-ready artifact for a pipeline returned by :func:`fit`."""
    vec: TfidfVectorizer = pipe.named_steps["tfidf"]
    clf: LogisticRegression = pipe.named_steps["logreg"]
    terms = vec.get_feature_names_out()
    df = pipe.document_frequencies_
    coef_t = clf.coef_.T  # (n_terms, n_classes)
    coef = {str(t): [float(v) for v in row] for t, row in zip(terms, coef_t) if np.any(row)}
    return {
        "format": ARTIFACT_FORMAT,
        "version": ARTIFACT_VERSION,
        "classes": [str(c) for c in clf.classes_],
        "benign_class": BENIGN,
        "features": config.analyzer().describe(),
        "n_docs": n_docs,
        "df": {str(t): int(d) for t, d in zip(terms, df)},
        "coef": coef,
        "intercept": [float(v) for v in clf.intercept_],
        "training": {
            **provenance,
            "config": {k: (list(v) if isinstance(v, tuple) else v)
                       for k, v in asdict(config).items()},
            "n_iter": int(np.max(clf.n_iter_)),
            "sklearn": sklearn.__version__,
            "significant_digits": SIGNIFICANT_DIGITS,
        },
    }


def serialize(artifact: dict[str, Any], compress: bool) -> bytes:
    """Canonical bytes: sorted keys, compact separators, gzip with mtime 0."""
    raw = json.dumps(artifact, sort_keys=True, separators=(",", ":"),
                     ensure_ascii=False, allow_nan=False).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0) if compress else raw


def data_fingerprint(items: Iterable[Item]) -> str:
    """sha256 over (writer, category, text) of the training items."""
    h = hashlib.sha256()
    for it in items:
        h.update(json.dumps([it.writer, it.category, it.text]).encode("utf-8"))
    return h.hexdigest()


def train_items(items: Sequence[Item], config: TrainConfig
                ) -> tuple[Pipeline, dict[str, Any]]:
    """Fit on ``items`` and return (pipeline, artifact)."""
    pipe = fit([it.text for it in items], [it.label for it in items], config)
    counts: dict[str, int] = {}
    for it in items:
        counts[it.label] = counts.get(it.label, 0) + 1
    provenance = {
        "n_items": len(items),
        "class_counts": dict(sorted(counts.items())),
        "writers": sorted({it.writer for it in items}),
        "data_sha256": data_fingerprint(items),
    }
    return pipe, to_artifact(pipe, config, len(items), provenance)


def parse_range(text: str) -> tuple[int, int]:
    lo, hi = (int(x) for x in text.split(","))
    return (lo, hi)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--snapshot", default=str(Path(__file__).with_name("eval_snapshot")))
    p.add_argument("--out", default=str(Path(__file__).with_name("screen.json.gz")),
                   help="artifact path; gzip-compressed when it ends in .gz")
    d = TrainConfig()
    p.add_argument("--char-ngram", type=parse_range, default=d.char_ngram, help="lo,hi")
    p.add_argument("--word-ngram", type=parse_range, default=d.word_ngram, help="lo,hi")
    p.add_argument("--min-df", type=int, default=d.min_df)
    p.add_argument("--C", type=float, default=d.C)
    p.add_argument("--class-weight", choices=["balanced"], default=d.class_weight)
    args = p.parse_args(argv)
    config = TrainConfig(char_ngram=args.char_ngram, word_ngram=args.word_ngram,
                         min_df=args.min_df, C=args.C, class_weight=args.class_weight)
    items = load_snapshot(args.snapshot)
    t0 = time.perf_counter()
    _, artifact = train_items(items, config)
    elapsed = time.perf_counter() - t0
    blob = serialize(artifact, compress=str(args.out).endswith(".gz"))
    Path(args.out).write_bytes(blob)
    print(f"trained on {len(items)} items in {elapsed:.1f}s; "
          f"{len(artifact['df'])} terms ({len(artifact['coef'])} with weights); "
          f"wrote {args.out} ({len(blob)} bytes, sha256 {hashlib.sha256(blob).hexdigest()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
