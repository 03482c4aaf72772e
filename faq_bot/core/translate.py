"""An English reading of a question written in another language, for matching only.

The FAQ is written in English, and its phrasings in other languages are few. A question
recognisably in one of the languages with a glossary (glossary/README.md) is read word
by word through a glossary of the article's topics (`glossary/<lang>.txt`): "¿El kratom es
adictivo?" reads "kratom addictive". Words the FAQ itself uses (kratom, Red Borneo) are kept;
the language's function words and every other word are dropped. The reading is screened for
safety like any question, after the question itself has been.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources

from faq_bot.core.language import LANGUAGES, function_words, language_guess

_TOKEN = re.compile(r"[^\W_]+")
_LONGEST = 4  # words in the longest glossary phrase looked for


class GlossaryError(ValueError):
    """A glossary line that is not `foreign words = english words`; names file and line."""


_PLAIN = str.maketrans({"ı": "i", "ł": "l"})


def fold(text: str) -> str:
    """Lower case without accents: how glossary keys and question words are compared."""
    # The Turkish dotless ı and the Polish ł have no decomposition: written plainly as i and l.
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of `text` (apostrophes and hyphens split words: "qu'est-ce")."""
    return _TOKEN.findall(fold(text))


def parse_glossary(text: str, source: str) -> dict[tuple[str, ...], str]:
    """Parse one glossary file's text into {folded foreign words: english words}."""
    entries: dict[tuple[str, ...], str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        foreign, sep, english = line.partition("=")
        key, value = tuple(words(foreign)), " ".join(english.split())
        if not sep or not key or not value:
            raise GlossaryError(f"{source}:{number}: expected 'foreign words = english words', "
                                f"got {line!r}")
        if len(key) > _LONGEST:
            raise GlossaryError(f"{source}:{number}: at most {_LONGEST} foreign words a line")
        if key in entries and entries[key] != value:
            raise GlossaryError(f"{source}:{number}: {' '.join(key)!r} is listed twice")
        entries[key] = value
    return entries


@cache
def glossary(lang: str) -> dict[tuple[str, ...], str]:
    """The bundled glossary of language `lang` (empty for a language without one)."""
    name = f"{lang}.txt"
    folder = resources.files("faq_bot.core") / "glossary"
    path = folder / name
    if not path.is_file():
        return {}
    return parse_glossary(path.read_text(encoding="utf-8"), f"faq_bot/core/glossary/{name}")


def english_reading(question: str, known: Callable[[str], bool],
                    keep_every_word: bool = False) -> str | None:
    """The question's English reading when it is recognisably in a language with a glossary
    and at least one of its words is in it; else None. `known(word)` says whether the FAQ
    uses a word, which is then kept as written; with `keep_every_word` (the reading the safety
    screen reads) every word the glossary does not know is kept, while the language is still
    told the same way."""
    tokens = words(question)
    guess = language_guess(question)
    lang = guess if guess != "en" else None
    if guess is None:
        # Too short to tell by function words ("Macht Kratom abhängig?"): the language whose
        # glossary has most of its words that are not the FAQ's own (which English shares).
        lang = _by_glossary(tokens, known)
    if lang is None:
        return None
    table = glossary(lang)
    if not table:
        return None
    skip = {fold(w) for w in function_words(lang)}
    out: list[str] = []
    found = False
    i = 0
    while i < len(tokens):
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            key = tuple(tokens[i:i + n])
            english = table.get(key)
            if english is None and n == 1 and len(key[0]) > 4 and key[0].endswith("s"):
                english = table.get((key[0][:-1],))  # a plural the glossary lists singular
            if english is not None:
                out.append(english)
                found = True
                i += n
                break
        else:
            token = tokens[i]
            if token not in skip and len(token) > 2 and (keep_every_word or known(token)):
                out.append(token)
            i += 1
    return " ".join(out) if found else None


def _by_glossary(tokens: list[str], known: Callable[[str], bool]) -> str | None:
    best, best_hits = None, 0
    for lang in LANGUAGES:
        table = glossary(lang)
        hits = sum(1 for t in tokens if (t,) in table and not known(t)
                   and table[(t,)].split()[0] != t)
        if hits > best_hits:
            best, best_hits = lang, hits
    return best
