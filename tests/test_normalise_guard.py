"""normalise tries its contraction patterns only on a text with an apostrophe or one of the
words a contraction is without one; that guard changes no normalised text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faq_bot.core import normalize
from faq_bot.evaluate import read_questions

EVAL = Path(__file__).parent / "eval"
WITHOUT_APOSTROPHES = [
    "cant", "wont", "aint", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent",
    "shouldnt", "wouldnt", "couldnt", "hasnt", "havent", "hadnt", "mustnt", "im", "ive", "ill",
    "id", "whats", "whos", "wheres", "hows", "its", "thats", "theres", "hes", "shes", "heres",
    "lets", "I can't", "you're", "they've", "kratom's", "Im fine", "hows it going",
]


def test_the_guard_changes_no_normalised_text(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [item.question for file in sorted(EVAL.glob("*.yaml"))
             for item in read_questions(file)]
    texts += WITHOUT_APOSTROPHES + [f"so {word} kratom?" for word in WITHOUT_APOSTROPHES]
    plain = normalize.normalise.__wrapped__
    words = normalize._CONTRACTION_WORDS
    # The guard skips most texts (else this test shows nothing)...
    assert sum("'" not in t.lower() and not words.search(t.lower()) for t in texts) > 1000
    guarded = [plain(text) for text in texts]
    monkeypatch.setattr(normalize, "_CONTRACTION_WORDS", re.compile(""))  # always tried
    # ... and every text reads the same with every pattern tried.
    assert [plain(text) for text in texts] == guarded
