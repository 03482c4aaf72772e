"""Learned FAQ-entry / section classifier for faq-bot's matcher (prototype).

Model: the TF-IDF (char_wb 2-5 + word 1-2 n-grams, sublinear tf, smoothed
idf, l2) + multinomial logistic regression of ``learned.py`` (a copy of the
safety screen's scorer), with one class per FAQ entry (36) plus
``out_of_scope``.  Section probabilities are sums of entry probabilities.

Runtime (stdlib only)::

    from section_model import MatcherModel
    m = MatcherModel.load("matcher.json.gz")
    s = m.scores("what is mitragynine")   # {"entry-id": p, ..., "out_of_scope": p}
    m.section_scores(s)                   # {"section": p, ..., "out_of_scope": p}

Training (scikit-learn, deterministic; imported lazily so the runtime never
needs it)::

    /work/main/.venv/bin/python section_model.py --out matcher.json.gz

Training data (every writer, for the shipped artifact; crossval.py uses the
same functions per fold with the held-out writer removed):

* every FAQ entry's ``question`` and ``alternates`` -> that entry;
* each labelled ``in_scope`` question -> an entry: the current answer's entry
  when the service answered it from the labelled section (or the item has no
  section), else the best-ranked lexical candidate of the labelled section,
  else the first FAQ entry of that section;  in_scope items without a
  section that the service did not answer are left out;
* ``out_of_scope`` and ``smalltalk`` questions -> ``out_of_scope``.
Safety-category questions are not used (the screen handles them).

Artifact: the ``learned.py`` layout with ``format = "faq-bot-learned-matcher"``,
``benign_class = "out_of_scope"`` and an extra ``"entry_sections"`` map.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from glossary import GLOSSARY, expand
from learned import Analyzer, LearnedScreen, smoothed_idf, ArtifactError

HERE = Path(__file__).resolve().parent
MATCHER_FORMAT = "faq-bot-learned-matcher"
OOS = "out_of_scope"
SIGNIFICANT_DIGITS = 6


# ----------------------------------------------------------------- runtime
class MatcherModel:
    """Entry/section scorer loaded from an artifact; pure Python."""

    __slots__ = ("screen", "entry_sections", "classes", "_sec_of_class", "glossary")

    def __init__(self, screen: LearnedScreen, entry_sections: Mapping[str, str],
                 glossary: Mapping[str, str] | None = None) -> None:
        self.screen = screen
        self.glossary = dict(glossary or {})
        self.classes = screen.classes
        self.entry_sections = dict(entry_sections)
        missing = [c for c in self.classes if c != OOS and c not in self.entry_sections]
        if missing:
            raise ArtifactError(f"classes without a section: {missing}")
        self._sec_of_class = tuple(OOS if c == OOS else self.entry_sections[c]
                                   for c in self.classes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "MatcherModel":
        screen = LearnedScreen.from_dict(data, expected_format=MATCHER_FORMAT)
        es = data.get("entry_sections")
        if not isinstance(es, dict):
            raise ArtifactError("entry_sections must be an object")
        gl = data.get("glossary", {})
        if not isinstance(gl, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in gl.items()):
            raise ArtifactError("glossary must map strings to strings")
        return cls(screen, es, gl)

    @classmethod
    def load(cls, path: str | Path) -> "MatcherModel":
        raw = Path(path).read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return cls.from_dict(json.loads(raw.decode("utf-8")))

    def probabilities(self, question: str) -> list[float]:
        """Probability per class, in ``classes`` order."""
        if self.glossary:
            question = expand(question, self.glossary)
        return self.screen.probabilities(question)

    def scores(self, question: str) -> dict[str, float]:
        """Probability per class (entry ids and ``out_of_scope``)."""
        return dict(zip(self.classes, self.probabilities(question)))

    def section_scores(self, scores: Mapping[str, float]) -> dict[str, float]:
        """Aggregate entry probabilities into section probabilities."""
        out: dict[str, float] = {}
        for c, p in scores.items():
            s = OOS if c == OOS else self.entry_sections[c]
            out[s] = out.get(s, 0.0) + p
        return out


# ----------------------------------------------------------------- data
@dataclass(frozen=True)
class Item:
    """One labelled question with the current service's reply."""

    writer: str
    text: str
    category: str
    section: str | None
    kind: str            # current reply kind
    faq_id: str | None   # current answer's entry
    got_section: str | None
    confidence: float
    ranked: tuple[tuple[str, float], ...]

    @property
    def reaches_matching(self) -> bool:
        return self.kind in ("answer", "clarify", "fallback")

    @property
    def lexical_kind(self) -> str:
        """answer / clarify / fallback / refused (the matcher's off-topic guard:
        a fallback with confidence exactly 0) / screened (referral, emergency,
        smalltalk: never reaches matching)."""
        if self.kind in ("answer", "clarify"):
            return self.kind
        if self.kind == "fallback":
            return "refused" if self.confidence == 0.0 else "fallback"
        return "screened"


def load_entries(path: str | Path = HERE / "faq_entries.json") -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_items(path: str | Path = HERE / "current_replies.jsonl") -> list[Item]:
    items = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        items.append(Item(r["set"], r["q"], r["category"], r.get("section"), r["kind"],
                          r.get("faq_id"), r.get("got_section"), float(r["confidence"]),
                          tuple((e, float(s)) for e, s in r["ranked"])))
    return items


def check_against_yaml(items: Sequence[Item], eval_dir: str | Path = HERE / "eval") -> None:
    """Assert current_replies.jsonl holds each yaml set's items, in file order
    (the sets themselves appear in the jsonl in the order they were added)."""
    import yaml
    expected: dict[str, list] = {}
    for p in sorted(Path(eval_dir).glob("*.yaml")):
        expected[p.stem] = [(str(q["q"]), q["category"], q.get("section"))
                            for q in yaml.safe_load(p.read_text(encoding="utf-8"))["questions"]]
    got: dict[str, list] = {}
    for it in items:
        got.setdefault(it.writer, []).append((it.text, it.category, it.section))
    if got != expected:
        bad = sorted(w for w in set(got) | set(expected) if got.get(w) != expected.get(w))
        raise ValueError(f"current_replies.jsonl does not match eval/*.yaml for sets {bad}")


def dedup_key(text: str) -> str:
    """Normalised text used to drop training copies of held-out questions."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", t))


def entry_label(item: Item, entries: Sequence[Mapping[str, Any]]) -> str | None:
    """Training class of a labelled question (None = not used)."""
    if item.category in ("out_of_scope", "smalltalk"):
        return OOS
    if item.category != "in_scope":
        return None
    sec = {e["id"]: e["section"] for e in entries}
    if item.kind == "answer" and item.faq_id and (
            item.section is None or sec.get(item.faq_id) == item.section):
        return item.faq_id
    if item.section is None:
        return None
    for eid, score in item.ranked:
        if sec.get(eid) == item.section and score > 0:
            return eid
    for e in entries:
        if e["section"] == item.section:
            return e["id"]
    raise ValueError(f"unknown section {item.section!r}")


def training_examples(items: Iterable[Item], entries: Sequence[Mapping[str, Any]],
                      exclude_keys: frozenset[str] = frozenset()
                      ) -> tuple[list[str], list[str]]:
    """(texts, labels): FAQ phrasings + labelled items.

    Alternates and labelled items whose :func:`dedup_key` is in
    ``exclude_keys`` (the held-out writer's questions, in cross-validation)
    are dropped; each entry's curated ``question`` is always kept."""
    texts: list[str] = []
    labels: list[str] = []
    for e in entries:
        texts.append(e["question"])  # the curated question is always kept
        labels.append(e["id"])
        for t in e["alternates"]:
            if dedup_key(t) not in exclude_keys:
                texts.append(t)
                labels.append(e["id"])
    for it in items:
        lab = entry_label(it, entries)
        if lab is not None and dedup_key(it.text) not in exclude_keys:
            texts.append(it.text)
            labels.append(lab)
    return texts, labels


# ----------------------------------------------------------------- training
@dataclass(frozen=True)
class TrainConfig:
    char_ngram: tuple[int, int] = (2, 5)
    word_ngram: tuple[int, int] = (1, 2)
    min_df: int = 2
    C: float = 10.0
    solver: str = "sag"     # lbfgs gives the same model ~4x slower here
    tol: float = 1e-4
    max_iter: int = 3000
    random_state: int = 0   # sag visits samples in a seeded order: deterministic
    oos_weight: float = 0.3  # sample weight of out_of_scope/smalltalk examples
    glossary: bool = False   # append glossary.py's English terms to questions

    def analyzer(self) -> Analyzer:
        return Analyzer(char_ngram=self.char_ngram, word_ngram=self.word_ngram)


class CachedAnalyzer:
    """Memoised analyzer (same output as ``config.analyzer()``), for CV speed."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.cache: dict[str, list[str]] = {}

    def __call__(self, text: str) -> list[str]:
        out = self.cache.get(text)
        if out is None:
            out = self.cache[text] = self.analyzer(text)
        return out


def _round_sig(x: float) -> float:
    r = float(f"{x:.{SIGNIFICANT_DIGITS}g}")
    return r if r != 0.0 else 0.0


def fit(texts: Sequence[str], labels: Sequence[str], config: TrainConfig,
        analyzer: Callable[[str], list[str]] | None = None):
    """Fit TF-IDF + logistic regression; coefficients rounded like the artifact.

    Returns the sklearn Pipeline (with ``document_frequencies_`` attached)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    vec = TfidfVectorizer(analyzer=analyzer or config.analyzer(), sublinear_tf=True,
                          smooth_idf=True, norm="l2", min_df=config.min_df,
                          dtype=np.float64)
    clf = LogisticRegression(C=config.C, solver=config.solver, tol=config.tol,
                             max_iter=config.max_iter, random_state=config.random_state)
    pipe = Pipeline([("tfidf", vec), ("logreg", clf)])
    weights = np.array([config.oos_weight if lab == OOS else 1.0 for lab in labels])
    if config.glossary:
        texts = [expand(t) for t in texts]
    pipe.fit(list(texts), list(labels), logreg__sample_weight=weights)
    n_docs = len(texts)
    df = np.rint((1 + n_docs) / np.exp(vec.idf_ - 1.0) - 1.0).astype(np.int64)
    idf = np.array([smoothed_idf(int(d), n_docs) for d in df])
    if not np.allclose(idf, vec.idf_, rtol=1e-12, atol=0.0):
        raise RuntimeError("document frequencies do not reproduce scikit-learn's idf")
    vec.idf_ = idf
    rnd = np.vectorize(_round_sig, otypes=[np.float64])
    clf.coef_ = rnd(clf.coef_)
    clf.intercept_ = rnd(clf.intercept_)
    pipe.document_frequencies_ = df
    return pipe


def to_artifact(pipe, config: TrainConfig, n_docs: int,
                entries: Sequence[Mapping[str, Any]], provenance: dict[str, Any]
                ) -> dict[str, Any]:
    import numpy as np
    import sklearn
    vec = pipe.named_steps["tfidf"]
    clf = pipe.named_steps["logreg"]
    terms = vec.get_feature_names_out()
    coef_t = clf.coef_.T
    return {
        "format": MATCHER_FORMAT,
        "version": 1,
        "classes": [str(c) for c in clf.classes_],
        "benign_class": OOS,
        "features": config.analyzer().describe(),
        "n_docs": n_docs,
        "df": {str(t): int(d) for t, d in zip(terms, pipe.document_frequencies_)},
        "coef": {str(t): [float(v) for v in row] for t, row in zip(terms, coef_t)
                 if np.any(row)},
        "intercept": [float(v) for v in clf.intercept_],
        "entry_sections": {e["id"]: e["section"] for e in entries},
        "glossary": dict(sorted(GLOSSARY.items())) if config.glossary else {},
        "training": {**provenance,
                     "config": {k: (list(v) if isinstance(v, tuple) else v)
                                for k, v in asdict(config).items()},
                     "sklearn": sklearn.__version__,
                     "significant_digits": SIGNIFICANT_DIGITS},
    }


def serialize(artifact: Mapping[str, Any], compress: bool = True) -> bytes:
    raw = json.dumps(artifact, sort_keys=True, separators=(",", ":"),
                     ensure_ascii=False, allow_nan=False).encode("utf-8")
    return gzip.compress(raw, compresslevel=9, mtime=0) if compress else raw


def main(argv: Sequence[str] | None = None) -> int:
    import argparse
    import hashlib
    import time
    p = argparse.ArgumentParser(description="train the matcher classifier on all writers")
    p.add_argument("--out", default=str(HERE / "matcher.json.gz"))
    p.add_argument("--C", type=float, default=TrainConfig.C)
    p.add_argument("--oos-weight", type=float, default=TrainConfig.oos_weight)
    p.add_argument("--glossary", action="store_true")
    args = p.parse_args(argv)
    config = TrainConfig(C=args.C, oos_weight=args.oos_weight, glossary=args.glossary)
    entries = load_entries()
    items = load_items()
    check_against_yaml(items)
    texts, labels = training_examples(items, entries)
    t0 = time.perf_counter()
    pipe = fit(texts, labels, config)
    art = to_artifact(pipe, config, len(texts), entries,
                      {"n_docs": len(texts), "writers": sorted({i.writer for i in items})})
    blob = serialize(art, compress=args.out.endswith(".gz"))
    Path(args.out).write_bytes(blob)
    print(f"trained on {len(texts)} texts in {time.perf_counter() - t0:.1f}s; "
          f"{len(art['df'])} terms ({len(art['coef'])} with weights); wrote {args.out} "
          f"({len(blob)} bytes, sha256 {hashlib.sha256(blob).hexdigest()[:16]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
