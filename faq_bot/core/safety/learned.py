"""The learned second screen: a linear model over character and word n-grams, scored in pure
Python from a JSON artifact that `faq-bot train` builds from the labelled question sets.

The model is TF-IDF (binary tf, smoothed idf, l2 norm) over `char_wb`-style character n-grams
and word n-grams, followed by a multinomial logistic regression; `LearnedScreen` reproduces
scikit-learn's `predict_proba` without numpy, so serving needs neither. The artifact is JSON
(gzipped), never a pickle, ships inside the package beside this file (model/screen.json.gz),
and carries the decision thresholds chosen by cross-validation grouped by writer.

Artifact (format "faq-bot-learned-screen", version 1): classes, benign_class, features (the
analyzer settings), n_docs, df (every term's document frequency), coef (the terms with a
non-zero row, one weight per class), intercept, decision ({"refer", "caution"} thresholds on
P(safety)), training (provenance, not used for scoring). Word terms carry a leading TAB, which
no character n-gram contains, so the two families never collide.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import struct
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from faq_bot.core.safety.topics import EMERGENCY

ARTIFACT_FORMAT = "faq-bot-learned-screen"
ARTIFACT_VERSION = 1
NORMALIZATION = "nfkc-casefold"
WORD_PREFIX = "\t"
WORD_CACHE_LIMIT = 50_000  # words memoised by the runtime (~0.2 kB each)
BUNDLED_MODEL = Path(__file__).with_name("model") / "screen.json.gz"
_WORD_RE = re.compile(r"\w+")


class ArtifactError(ValueError):
    """Raised when a screen artifact is missing, malformed or inconsistent."""


def normalize(text: str) -> str:
    """Canonical text form used by training and runtime: NFKC, then casefold."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Analyzer:
    """Turn a raw question into the list of feature terms (with repeats).

    Character n-grams follow scikit-learn's ``char_wb`` rules exactly (each
    whitespace-separated word is padded with one space on both sides; a
    word shorter than ``n`` is emitted once, whole).  Word n-grams use
    ``\\w+`` tokens joined by a single space and are prefixed with
    :data:`WORD_PREFIX`.  A range of ``(0, 0)`` disables that family.
    Training passes an instance to scikit-learn as ``TfidfVectorizer(analyzer=...)``.
    """

    char_ngram: tuple[int, int] = (2, 4)
    word_ngram: tuple[int, int] = (1, 2)

    def __post_init__(self) -> None:
        for name in ("char_ngram", "word_ngram"):
            lo, hi = getattr(self, name)
            if (lo, hi) != (0, 0) and not 1 <= lo <= hi:
                raise ValueError(f"{name} must be (lo, hi) with 1 <= lo <= hi, or (0, 0)")

    def __call__(self, text: str) -> list[str]:
        text = normalize(text)
        out = [g for word in text.split() for g in self.char_grams(word)]
        out += self.word_grams(text)
        return out

    def char_grams(self, word: str) -> list[str]:
        """``char_wb`` n-grams of one normalised, whitespace-free word.

        The word is padded with one space on each side; a padded word shorter
        than the smallest n is emitted once, whole, and each n gives all its
        slices (none when n exceeds the padded length).
        """
        lo, hi = self.char_ngram
        if not hi:
            return []
        w = f" {word} "
        size = len(w)
        if size < lo:
            return [w]
        return [w[i : i + n] for n in range(lo, hi + 1) for i in range(size - n + 1)]

    def word_grams(self, text: str) -> list[str]:
        """Prefixed word n-grams of normalised text (``\\w+`` tokens)."""
        lo, hi = self.word_ngram
        if not hi:
            return []
        tokens = _WORD_RE.findall(text)
        out: list[str] = []
        for n in range(lo, hi + 1):
            if n == 1:
                out += [WORD_PREFIX + t for t in tokens]
            else:
                out += [WORD_PREFIX + " ".join(tokens[i : i + n])
                        for i in range(len(tokens) - n + 1)]
        return out

    def describe(self) -> dict[str, Any]:
        """The ``features`` block of the artifact for this analyzer."""
        return {
            "char_ngram": list(self.char_ngram),
            "word_ngram": list(self.word_ngram),
            "normalize": NORMALIZATION,
            "tf": "binary",
            "smooth_idf": True,
            "norm": "l2",
        }


def smoothed_idf(df: int, n_docs: int) -> float:
    """scikit-learn's smoothed idf: ``ln((1 + n) / (1 + df)) + 1``."""
    return math.log((1 + n_docs) / (1 + df)) + 1.0


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise ArtifactError(f"malformed screen artifact: {message}")


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _parse_range(value: object, name: str) -> tuple[int, int]:
    _require(
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)
        and (value == [0, 0] or 1 <= value[0] <= value[1]),
        f"features.{name} must be [lo, hi] with 1 <= lo <= hi (or [0, 0])",
    )
    return (value[0], value[1])


class _CharIdCache(dict[str, tuple[int, ...]]):
    """word -> vocabulary indices of its character n-grams; grows up to a limit.

    Character n-grams never cross whitespace, so a question's character
    features are the union of its words' features and can be memoised per
    word.  Misses are computed (and stored while there is room).
    """

    __slots__ = ("_grams", "_limit", "_lookup")

    def __init__(self, grams: Callable[[str], list[str]],
                 lookup: Callable[[str], int | None], limit: int) -> None:
        super().__init__()
        self._grams = grams
        self._lookup = lookup
        self._limit = limit

    def __missing__(self, word: str) -> tuple[int, ...]:
        ids = tuple(filter(None, map(self._lookup, self._grams(word))))
        if len(self) < self._limit:
            self[word] = ids
        return ids


@dataclass(frozen=True, slots=True)
class Decision:
    """The thresholds on P(safety): at `refer` or above the model refers on its own; from
    `caution` up to `refer` it only keeps an FAQ answer from going out."""

    refer: float
    caution: float


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the model makes of one question: P(safety) and its most likely safety class."""

    p_safety: float
    top: str  # the safety class with the highest probability (dosing, emergency, ...)
    # The likeliest class that is not an emergency: the referral to give when an emergency
    # reading has nothing urgent in the question's words to back it.
    referral: str = ""

    @property
    def emergency(self) -> bool:
        """Whether the likeliest safety class is an emergency."""
        return self.top == EMERGENCY


class LearnedScreen:
    """Score questions with a trained artifact; pure Python, thread-safe.

    With binary tf, a question's feature vector is ``idf_t / ||idf||`` over the
    set of vocabulary terms present, so its linear score for class ``c`` is
    ``sum_t(idf_t * coef[c, t]) / sqrt(sum_t idf_t**2) + intercept[c]``.  Each
    term's row is precomputed as ``(idf**2, idf*coef[0, t], ...)`` and packed into one
    integer (`_pack`), so one C-level ``sum`` of a question's rows gives the norm and all
    class sums at once.
    """

    __slots__ = (
        "_benign_pos",
        "_char_ids",
        "_index",
        "_intercept",
        "_packed",
        "_unit",
        "_width",
        "analyzer",
        "benign_class",
        "classes",
        "decision_thresholds",
        "n_terms",
    )

    def __init__(
        self,
        classes: Sequence[str],
        benign_class: str,
        analyzer: Analyzer,
        n_docs: int,
        df: Mapping[str, int],
        coef: Mapping[str, Sequence[float]],
        intercept: Sequence[float],
        decision: Decision,
        word_cache_limit: int = WORD_CACHE_LIMIT,
    ) -> None:
        k = len(classes)
        self.decision_thresholds = decision
        self.classes: tuple[str, ...] = tuple(classes)
        self.benign_class = benign_class
        self.analyzer = analyzer
        self.n_terms = len(df)
        self._benign_pos = self.classes.index(benign_class)
        self._intercept: tuple[float, ...] = tuple(float(b) for b in intercept)
        # Index 0 is a zero row: it is always gathered (so the gather always
        # yields a tuple) and lets ``filter(None, ...)`` drop unknown terms.
        # Every vocabulary term needs its idf for the norm, even with a zero
        # coefficient row.
        zero = (0.0,) * k
        self._index: dict[str, int] = {}
        rows: list[tuple[float, ...]] = [(0.0, *zero)]
        for term in sorted(df):
            idf = smoothed_idf(df[term], n_docs)
            self._index[term] = len(rows)
            row = coef.get(term)
            weights = tuple(idf * float(c) for c in row) if row is not None else zero
            rows.append((idf * idf, *weights))
        shift = _fixed_point_shift(rows)
        self._unit = 2.0 ** -shift  # what one step of a lane is worth
        self._width = _LANE_BYTES * (k + 1)
        self._packed: tuple[int, ...] = tuple(map(_packer(k + 1, shift), rows))
        self._char_ids = _CharIdCache(analyzer.char_grams, self._index.get, word_cache_limit)

    @classmethod
    def load(cls, path: str | Path, word_cache_limit: int = WORD_CACHE_LIMIT,
             artifact_format: str = ARTIFACT_FORMAT) -> LearnedScreen:
        """Load an artifact written by `faq-bot train` (``.json`` or gzipped JSON).

        Raises :class:`ArtifactError` with the reason if the file cannot be
        read or does not describe a model this runtime can reproduce.
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
            if raw[:2] == b"\x1f\x8b":
                raw = gzip.decompress(raw)
            data = json.loads(raw.decode("utf-8"))
        except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
            raise ArtifactError(f"cannot read screen artifact {path}: {exc}") from exc
        return cls.from_dict(data, word_cache_limit, artifact_format)

    @classmethod
    def from_dict(cls, data: object, word_cache_limit: int = WORD_CACHE_LIMIT,
                  artifact_format: str = ARTIFACT_FORMAT) -> LearnedScreen:
        """Validate a decoded artifact and build the screen from it. The same linear model
        scores other artifacts of the same layout (`artifact_format` names which)."""
        _require(isinstance(data, dict), "top level must be a JSON object")
        assert isinstance(data, dict)
        _require(data.get("format") == artifact_format, f"format must be {artifact_format!r}")
        _require(data.get("version") == ARTIFACT_VERSION,
                 f"unsupported version {data.get('version')!r} (expected {ARTIFACT_VERSION})")
        classes = data.get("classes")
        _require(isinstance(classes, list) and len(classes) >= 2
                 and all(isinstance(c, str) for c in classes)
                 and len(set(classes)) == len(classes), "classes must be >= 2 distinct strings")
        benign = data.get("benign_class")
        _require(benign in classes, "benign_class must be one of classes")
        feats = data.get("features")
        _require(isinstance(feats, dict), "features must be an object")
        analyzer = Analyzer(char_ngram=_parse_range(feats.get("char_ngram"), "char_ngram"),
                            word_ngram=_parse_range(feats.get("word_ngram"), "word_ngram"))
        _require(feats == analyzer.describe(),
                 f"unsupported feature settings {feats!r}; this runtime implements "
                 f"{analyzer.describe()!r}")
        n_docs = data.get("n_docs")
        _require(isinstance(n_docs, int) and not isinstance(n_docs, bool) and n_docs > 0,
                 "n_docs must be a positive integer")
        df = data.get("df")
        _require(isinstance(df, dict) and len(df) > 0, "df must be a non-empty object")
        _require(all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= n_docs
                     for v in df.values()), "df values must be integers in [1, n_docs]")
        coef = data.get("coef")
        _require(isinstance(coef, dict), "coef must be an object")
        k = len(classes)
        for term, row in coef.items():
            _require(term in df, f"coef term {term!r} is not in df")
            _require(isinstance(row, list) and len(row) == k and all(map(_is_number, row)),
                     f"coef row for {term!r} must hold {k} finite numbers")
        intercept = data.get("intercept")
        _require(isinstance(intercept, list) and len(intercept) == k
                 and all(map(_is_number, intercept)), f"intercept must hold {k} finite numbers")
        decision = data.get("decision")
        _require(isinstance(decision, dict) and set(decision) >= {"refer", "caution"}
                 and all(_is_number(decision[k]) and 0 < decision[k] <= 1
                         for k in ("refer", "caution"))
                 and decision["caution"] <= decision["refer"],
                 "decision must hold thresholds 0 < caution <= refer <= 1")
        return cls(classes, benign, analyzer, n_docs, df, coef, intercept,
                   Decision(float(decision["refer"]), float(decision["caution"])),
                   word_cache_limit)

    def _present(self, text: str) -> set[int]:
        text = normalize(text)
        present: set[int] = set().union(*map(self._char_ids.__getitem__, text.split()))
        present.update(filter(None, map(self._index.get, self.analyzer.word_grams(text))))
        return present

    def _linear(self, present: set[int]) -> list[float]:
        if not present:  # empty vector: scikit-learn leaves it all-zero
            return list(self._intercept)
        # Adding the packed rows adds every column at once; each lane is then read back.
        total = sum(map(self._packed.__getitem__, present)).to_bytes(self._width, "little")
        base, unit = len(present) * _OFFSET, self._unit
        norm_sq, *sums = [(int.from_bytes(total[i:i + _LANE_BYTES], "little") - base) * unit
                          for i in range(0, self._width, _LANE_BYTES)]
        inv = 1.0 / math.sqrt(norm_sq)
        return [s * inv + b for s, b in zip(sums, self._intercept, strict=False)]

    def judge(self, text: str) -> Judgement | None:
        """P(safety) and the likeliest safety class, or None when the model knows no term of
        the question: its priors say nothing about this one."""
        present = self._present(text)
        if not present:
            return None
        probs = _softmax(self._linear(present))
        safety = [(p, c) for p, c in zip(probs, self.classes, strict=True)
                  if c != self.benign_class]
        referrals = [pc for pc in safety if pc[1] != EMERGENCY]
        return Judgement(1.0 - probs[self._benign_pos], max(safety)[1],
                         max(referrals)[1] if referrals else "")

    def probabilities(self, text: str) -> list[float]:
        """Class probabilities (softmax of the linear scores), in class order."""
        return _softmax(self._linear(self._present(text)))


# A term's row packed into one integer, one lane of _LANE_BYTES a column: each value in fixed
# point (a multiple of 2**-shift), plus _OFFSET so that no lane is negative. Python adds such
# integers in C, so summing a question's few hundred rows costs a few hundred integer additions
# instead of a sum per column in the interpreter: about half the time for the entry model's 38
# columns. Values stay under 2**58 with the offset, so a lane of 96 bits holds the sum of 2**38
# rows without carrying into the next; at 2**-50 for values under 128 (the models' are under
# 72), the fixed point is finer than a float's own rounding of the sum (on every labelled
# question both models' probabilities agree with the float sums' to 3e-15).
_LANE_BYTES = 12
_OFFSET = 1 << 57


def _fixed_point_shift(rows: Sequence[Sequence[float]]) -> int:
    """The finest fixed point (bits after the point) that keeps every value under 2**57."""
    largest = max((abs(v) for row in rows for v in row), default=0.0)
    return 57 - max(0, math.ceil(math.log2(largest + 1.0)))


def _packer(columns: int, shift: int) -> Callable[[Sequence[float]], int]:
    """Packs a row of `columns` values: each truncated to the fixed point, offset, and laid
    out as 8 bytes of lane and 4 of headroom."""
    layout = struct.Struct("<" + "Q4x" * columns)
    scale = 2.0 ** shift  # exact: multiplying by it only moves the binary point

    def pack(row: Sequence[float]) -> int:
        return int.from_bytes(layout.pack(*[int(v * scale) + _OFFSET for v in row]), "little")

    return pack


def _softmax(z: list[float]) -> list[float]:
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


@cache
def bundled() -> LearnedScreen:
    """The model shipped with the package, loaded once per process."""
    return LearnedScreen.load(BUNDLED_MODEL)
