"""The forms of a question the safety rules are checked against: the normalised text, and the
same with spaced letters joined, leetspeak undone and typos corrected.

A question recognisably written in another language (faq_bot.core.language) is read without
the English readings of that language's own words; most rules are English, and an English word
must not fire inside another language:
- the English rules read it with its false friends (words/false_friends_<language>.txt: the
  Spanish "son", "they are", is not a son) marked with the language ("son_es"), so that no
  English rule reads them as English words, while every other word, English loanwords included
  ("main pregnant hoon"), is read as before; the rules written for other languages (their
  `languages` field) read it as written;
- English chat shorthand is not expanded (the Spanish "y" is not "why", the French "n'" not
  "and");
- the typo corrector leaves that language's function words and false friends alone (the
  French "combien" is not a misspelt "combine", the Italian "dove" not "dose"), while it still
  reads cognates as the English word ("gramos" as grams, "alkohol" as alcohol).
Why words rather than whole rules: in these questions the English word is usually meant as
English (Hinglish and Spanglish borrow "pregnant", "overdose", "dose"), and the guess of the
language can be wrong on a short question; marking a few listed words keeps what a wrong guess
can cost to those words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extractOne

from faq_bot.core.language import LANGUAGES, foreign_language, function_words
from faq_bot.core.normalize import SHORTHAND, normalise
from faq_bot.core.safety.ruleset import WORDS_DIR, read_word_file


def _word_set(file: Path) -> frozenset[str]:
    return frozenset(item for item, _ in read_word_file(file))


def _by_initial(words: frozenset[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for word in sorted(words):
        out[word[0]] = (*out.get(word[0], ()), word)
    return out


# Words the rules hinge on, which a typo within a small edit distance is read as.
_TARGETS = _word_set(WORDS_DIR / "typo_targets.txt")
# Ordinary words one edit away from a target, never "corrected" into it.
_KEEP = _word_set(WORDS_DIR / "never_corrected.txt")
# Real words are never "corrected" into a target ("relaxing" is not "relapsing", "conclusions"
# not "convulsions"): the article's and the FAQ's vocabulary, ordinary words seen in questions,
# and every dictionary word within the corrector's reach of a target (see the file's header).
_ENGLISH = _word_set(Path(__file__).with_name("english_words.txt")) - _TARGETS
_TARGETS_BY_INITIAL = _by_initial(_TARGETS)
_ENGLISH_BY_INITIAL = _by_initial(_ENGLISH)
_SHORT_TARGETS = ("much", "many", "dose", "take", "mush", "often", "every")

# Each language's false friends: "\b(?:son|...)\b", and the words (for the corrector).
_FALSE_FRIEND_FILES = {lang: WORDS_DIR / f"false_friends_{lang}.txt" for lang in LANGUAGES}
_FALSE_FRIENDS = {lang: re.compile(r"\b(?:" + "|".join(sorted(_word_set(file))) + r")\b")
                  for lang, file in _FALSE_FRIEND_FILES.items() if file.exists()}
_LEAVE_ALONE = {lang: function_words(lang) | (_word_set(_FALSE_FRIEND_FILES[lang])
                                              if lang in _FALSE_FRIENDS else frozenset())
                for lang in LANGUAGES}
# A shorthand token as written ("y", "n'", "wo"), or a word normalise reads as an English
# contraction (the German "im" is not "i am", the French "dont" not "do not"), to keep it as
# written; the mark is a letter, so normalise keeps it inside the word, and is taken out after.
_AS_WRITTEN = (*SHORTHAND, "im", "dont")
_SHORTHAND_TOKEN = re.compile(
    r"(?<![\w'])(?:" + "|".join(map(re.escape, sorted(_AS_WRITTEN, key=len, reverse=True)))
    + r")(?!\w)", re.IGNORECASE)
_MARK = "\u01c2"

_SPACED_LETTERS = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_WIDE_GAP = re.compile(r"\s{2,}")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})
_LEET_WORD = re.compile(r"\b[a-z]+[013457][a-z0-9]*\b|\b[013457][a-z]*[a-z][013457][a-z0-9]*\b")
# "k" is slang for kratom after a verb or article ("take k at bedtime", "a bump of k").
_K_SLANG = re.compile(
    r"\b(take|took|taking|takes|my|of|some|the|on|off|with|and|dose|more|less|use|using|used) k\b")


# Questions and FAQ phrasings share most of their words: each is corrected once (the sets of
# words left alone are a few module constants, so a few keys a word). Pure: the same word and
# set always give the same reading.
@lru_cache(maxsize=1 << 16)
def _correct(word: str, leave_alone: frozenset[str] = frozenset()) -> str:
    if (word in _TARGETS or word in _KEEP or word in _ENGLISH or word in leave_alone
            or not word.isalpha()):
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
    if hit is None:
        return word
    # A misspelling nearer an ordinary word than the target is that word's ("concusions" is
    # conclusions or concussions, not convulsions); a tie goes to the target.
    if hit[1] > 1 and extractOne(word, _ENGLISH_BY_INITIAL.get(word[0], ()),
                                 scorer=DamerauLevenshtein.distance, score_cutoff=hit[1] - 1):
        return word
    return hit[0]


def _unspace(question: str) -> str:
    # "h o w  m u c h": single spaces inside words, wider gaps between them.
    words = _WIDE_GAP.split(question.strip())
    return " ".join(w.replace(" ", "") for w in words)


def _normalise(question: str, lang: str | None) -> str:
    if lang is None:
        return normalise(question)
    marked = _SHORTHAND_TOKEN.sub(lambda m: m.group(0) + _MARK, question)
    return normalise(marked).replace(_MARK, "")


@dataclass(frozen=True, slots=True)
class Reading:
    """A question's forms: `forms` for every rule (see `variants`) and, for a question in
    another language with a false friend in it, `english`, the same forms with the false
    friends marked, for the English rules (None otherwise: they read `forms` too); `lang`,
    the language it is recognisably in (None: English, or too short to tell), whose rules and
    the English ones are the only ones that read it."""

    forms: tuple[str, ...]
    english: tuple[str, ...] | None = None  # only with `lang`
    lang: str | None = None  # the language it is recognisably in, when not English


# The screen, the learned screen's gates (urgent words, dose as a topic, ...) and explain all
# read the same question; it is read once. Pure and immutable, so safe to share.
@lru_cache(maxsize=4096)
def read(question: str) -> Reading:
    """The forms of `question` the rules read; see Reading."""
    lang = foreign_language(question)
    forms = _variants(question, lang)
    friends = _FALSE_FRIENDS.get(lang) if lang else None
    if friends is None:
        return Reading(forms, None, lang)
    marked = tuple(dict.fromkeys(friends.sub(lambda m: f"{m.group(0)}_{lang}", f)
                                 for f in forms))
    return Reading(forms, None if marked == forms else marked, lang)


def variants(question: str) -> tuple[str, ...]:
    """The normalised question, then (each only when it differs) the forms with spaced letters
    joined, leetspeak undone and typos corrected. A question in another language keeps its
    short words as written and its own words uncorrected (see the module's docstring)."""
    return _variants(question, foreign_language(question))


def _variants(question: str, lang: str | None) -> tuple[str, ...]:
    base = _K_SLANG.sub(r"\1 kratom", _normalise(question, lang))
    joined = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), base)
    if joined != base and _WIDE_GAP.search(question):
        joined = _normalise(_unspace(question), lang)
    unleet = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), joined)
    leave_alone = _LEAVE_ALONE[lang] if lang else frozenset()
    corrected = " ".join(_correct(w, leave_alone) for w in unleet.split())
    return tuple(dict.fromkeys((base, joined, unleet, corrected)))
