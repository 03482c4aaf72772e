"""The forms of a question the safety rules are checked against: the normalised text, and the
same with spaced letters joined, leetspeak undone and typos corrected."""

from __future__ import annotations

import re
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extractOne

from faq_bot.core.normalize import normalise
from faq_bot.core.safety.ruleset import WORDS_DIR, read_word_file


def _word_set(file: Path) -> frozenset[str]:
    return frozenset(item for item, _ in read_word_file(file))


# Words the rules hinge on, which a typo within a small edit distance is read as.
_TARGETS = _word_set(WORDS_DIR / "typo_targets.txt")
# Ordinary words one edit away from a target, never "corrected" into it.
_KEEP = _word_set(WORDS_DIR / "never_corrected.txt")
# Real words are never "corrected" into a target ("relaxing" is not "relapsing"): the article's
# and the FAQ's vocabulary and ordinary words seen in questions.
_ENGLISH = _word_set(Path(__file__).with_name("english_words.txt")) - _TARGETS
_TARGETS_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _word in sorted(_TARGETS):
    _TARGETS_BY_INITIAL[_word[0]] = (*_TARGETS_BY_INITIAL.get(_word[0], ()), _word)
_SHORT_TARGETS = ("much", "many", "dose", "take", "mush", "often", "every")

_SPACED_LETTERS = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_WIDE_GAP = re.compile(r"\s{2,}")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})
_LEET_WORD = re.compile(r"\b[a-z]+[013457][a-z0-9]*\b|\b[013457][a-z]*[a-z][013457][a-z0-9]*\b")
# "k" is slang for kratom after a verb or article ("take k at bedtime", "a bump of k").
_K_SLANG = re.compile(
    r"\b(take|took|taking|takes|my|of|some|the|on|off|with|and|dose|more|less|use|using|used) k\b")


def _correct(word: str) -> str:
    if word in _KEEP or word in _ENGLISH or not word.isalpha():
        return word
    if len(word) == 4:
        # Four-letter typos only become the few short words the rules hinge on ("mich").
        hit = extractOne(word, [t for t in _SHORT_TARGETS if t[0] == word[0]],
                         scorer=DamerauLevenshtein.distance, score_cutoff=1)
        return "much" if hit and hit[0] == "mush" else (hit[0] if hit else word)
    if len(word) < 5:
        return word
    # Typos rarely change the first letter; requiring it keeps "release" from becoming "relapse".
    limit = 1 if len(word) <= 7 else 2
    choices = _TARGETS_BY_INITIAL.get(word[0], ())
    hit = extractOne(word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit)
    return hit[0] if hit else word


def _unspace(question: str) -> str:
    # "h o w  m u c h": single spaces inside words, wider gaps between them.
    words = _WIDE_GAP.split(question.strip())
    return " ".join(w.replace(" ", "") for w in words)


def variants(question: str) -> tuple[str, ...]:
    """The normalised question, then (each only when it differs) the forms with spaced letters
    joined, leetspeak undone and typos corrected."""
    base = _K_SLANG.sub(r"\1 kratom", normalise(question))
    joined = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), base)
    if joined != base and _WIDE_GAP.search(question):
        joined = normalise(_unspace(question))
    unleet = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), joined)
    corrected = " ".join(_correct(w) for w in unleet.split())
    return tuple(dict.fromkeys((base, joined, unleet, corrected)))
