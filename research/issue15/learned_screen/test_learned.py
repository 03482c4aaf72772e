"""Tests for the pure-Python screen runtime against scikit-learn."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer

from learned import WORD_PREFIX, Analyzer, ArtifactError, LearnedScreen, normalize
from train import CLASSES, TrainConfig, load_snapshot, serialize, train_items

HERE = Path(__file__).resolve().parent
SUBSET = ("eighteenth", "holdout", "questions", "redteam", "twentyfirst", "twentysixth")

ODD_TEXTS = [
    "", "   ", "?!", "a", "I", "Ünïcödé ﬁ café  ＫＲＡＴＯＭ ５ｇ", "ß STRASSE ǅ",
    "tab\tand\nnewline  double  space", "กินกระท่อมกับเหล้าได้ไหม", "x" * 300,
    "how many grams of kratom for sleep?? how many grams",
]


@pytest.fixture(scope="module")
def items() -> list[Any]:
    return load_snapshot(HERE / "eval_snapshot")


@pytest.fixture(scope="module")
def trained(items: list[Any]) -> tuple[Any, dict[str, Any], list[Any]]:
    subset = [it for it in items if it.writer in SUBSET]
    pipe, artifact = train_items(subset, TrainConfig())
    return pipe, artifact, subset


def test_char_ngrams_match_sklearn_char_wb(items: list[Any]) -> None:
    analyzer = Analyzer(char_ngram=(2, 4), word_ngram=(0, 0))
    ref = CountVectorizer(analyzer="char_wb", ngram_range=(2, 4), lowercase=False,
                          preprocessor=normalize).build_analyzer()
    for text in [it.text for it in items[::7]] + ODD_TEXTS:
        assert Counter(analyzer(text)) == Counter(ref(text)), text


@pytest.mark.parametrize("lo,hi", [(1, 1), (3, 5), (5, 6)])
def test_char_ngram_ranges_match_sklearn(lo: int, hi: int) -> None:
    analyzer = Analyzer(char_ngram=(lo, hi), word_ngram=(0, 0))
    ref = CountVectorizer(analyzer="char_wb", ngram_range=(lo, hi), lowercase=False,
                          preprocessor=normalize).build_analyzer()
    for text in ODD_TEXTS + ["a bb ccc dddd eeeee"]:
        assert Counter(analyzer(text)) == Counter(ref(text)), text


def test_word_ngrams_match_sklearn_word(items: list[Any]) -> None:
    analyzer = Analyzer(char_ngram=(0, 0), word_ngram=(1, 2))
    ref = CountVectorizer(analyzer="word", ngram_range=(1, 2), lowercase=False,
                          preprocessor=normalize, token_pattern=r"\w+").build_analyzer()
    for text in [it.text for it in items[::7]] + ODD_TEXTS:
        assert Counter(analyzer(text)) == Counter(WORD_PREFIX + t for t in ref(text)), text


def test_scorer_matches_predict_proba(trained: tuple[Any, dict[str, Any], list[Any]],
                                      items: list[Any], tmp_path: Path) -> None:
    pipe, artifact, _ = trained
    path = tmp_path / "screen.json.gz"
    path.write_bytes(serialize(artifact, compress=True))
    screen = LearnedScreen.load(path)
    texts = [it.text for it in items[::5]] + ODD_TEXTS  # mostly unseen writers
    expected = pipe.predict_proba(texts)
    order = [list(pipe.classes_).index(c) for c in screen.classes]
    got = np.array([screen.probabilities(t) for t in texts])
    assert np.abs(got - expected[:, order]).max() < 1e-9
    # warm word cache and no word cache give the same numbers
    assert np.array_equal(np.array([screen.probabilities(t) for t in texts]), got)
    uncached = LearnedScreen.load(path, word_cache_limit=0)
    assert np.abs(np.array([uncached.probabilities(t) for t in texts]) - got).max() < 1e-12
    benign = list(pipe.classes_).index("benign")
    for text, row in zip(texts[:50], expected):
        assert screen.safety_probability(text) == pytest.approx(1 - row[benign], abs=1e-9)
        scores = screen.scores(text)
        assert set(scores) == set(CLASSES) and sum(scores.values()) == pytest.approx(1.0)


def test_plain_json_artifact_loads(trained: tuple[Any, dict[str, Any], list[Any]],
                                   tmp_path: Path) -> None:
    _, artifact, _ = trained
    path = tmp_path / "screen.json"
    path.write_bytes(serialize(artifact, compress=False))
    assert LearnedScreen.load(path).n_terms == len(artifact["df"])


def test_training_is_deterministic(trained: tuple[Any, dict[str, Any], list[Any]]) -> None:
    _, artifact, subset = trained
    _, again = train_items(subset, TrainConfig())
    digest = lambda a: hashlib.sha256(serialize(a, compress=True)).hexdigest()  # noqa: E731
    assert digest(again) == digest(artifact)


def _corrupt(artifact: dict[str, Any], change: str) -> dict[str, Any]:
    a = json.loads(json.dumps(artifact))
    term = next(iter(a["coef"]))
    if change == "version":
        a["version"] = 99
    elif change == "format":
        a["format"] = "something-else"
    elif change == "missing_df":
        del a["df"]
    elif change == "coef_len":
        a["coef"][term] = a["coef"][term][:-1]
    elif change == "coef_nan":
        a["coef"][term][0] = "nan"
    elif change == "orphan_coef":
        a["coef"]["\tnot-in-vocabulary"] = a["coef"][term]
    elif change == "features":
        a["features"]["tf"] = "sublinear"
    elif change == "intercept":
        a["intercept"] = a["intercept"][:2]
    elif change == "benign":
        a["benign_class"] = "harmless"
    elif change == "df_range":
        a["df"][term] = a["n_docs"] + 1
    return a


@pytest.mark.parametrize("change", ["version", "format", "missing_df", "coef_len", "coef_nan",
                                    "orphan_coef", "features", "intercept", "benign",
                                    "df_range"])
def test_malformed_artifact_is_refused(trained: tuple[Any, dict[str, Any], list[Any]],
                                       change: str, tmp_path: Path) -> None:
    _, artifact, _ = trained
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_corrupt(artifact, change)))
    with pytest.raises(ArtifactError, match="malformed screen artifact"):
        LearnedScreen.load(path)


@pytest.mark.parametrize("blob", [b"", b"not json", b"[1, 2]", b"\x1f\x8b\x08garbage",
                                  gzip.compress(b"{\"format\": ")])
def test_unreadable_artifact_is_refused(blob: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bad.json.gz"
    path.write_bytes(blob)
    with pytest.raises(ArtifactError):
        LearnedScreen.load(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="cannot read"):
        LearnedScreen.load(tmp_path / "nope.json.gz")
