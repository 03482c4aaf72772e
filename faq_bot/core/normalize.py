"""Text normalisation shared by the safety rules and the matcher.

Questions arrive from chat boxes: mixed case, curly quotes, missing apostrophes, text-speak,
stray control characters. Both the detectors and the matcher see the same cleaned form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Kratom and the other ways people write it (a local name; spellings as heard): the matcher
# reads each as "kratom", and the scope and conversation rules take each for kratom named.
KRATOM_SPELLINGS = ("kratum", "cratom", "cratum", "kratem", "kratam", "ketum")
KRATOM_NAMES = "|".join(("kratom", *KRATOM_SPELLINGS))

# Zero-width and bidi marks are stripped: they can split a word ("do\u200bse") and hide it
# from the detectors.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)

# Emoji that stand for words in chat ("🍺 and kratom?", "kratom 🤰"); read as those words.
_EMOJI_WORDS = {
    "🍺": " beer ", "🍻": " beer ", "🍷": " wine ", "🥂": " champagne ", "🍸": " cocktail ",
    "🍹": " cocktail ", "🥃": " whiskey ", "🍾": " champagne ", "💊": " pills ", "💉": " inject ",
    "🤰": " pregnant ", "🫄": " pregnant ", "🤱": " breastfeeding ", "👶": " baby ",
    "🍼": " baby ", "🧒": " child ", "👧": " child ", "👦": " child ", "👵": " grandmother ",
    "👴": " grandfather ", "🥄": " spoon ", "☕": " coffee ", "🚬": " smoke ", "🌿": " herb ",
    "🍃": " leaf ", "⚖": " amount ", "🔪": " cut myself ", "⚰": " die ", "🪦": " die ",
    "💀": " dying ", "😵": " overdose ", "🤮": " vomiting ", "🫁": " breathing ",
    "🥴": " too much ", "➕": " plus ", "＋": " plus ",
}
_EMOJI_RE = re.compile("|".join(map(re.escape, _EMOJI_WORDS)))

_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "–": "-", "—": "-"}
)

_CONTRACTIONS = [
    (r"\bcan'?t\b", "can not"),
    (r"\bwon'?t\b", "will not"),
    (r"\bain'?t\b", "is not"),
    (r"\b(do|does|did|is|are|was|were|should|would|could|has|have|had|must)n'?t\b", r"\1 not"),
    (r"\bi'?m\b", "i am"),
    (r"\bim\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bive\b", "i have"),
    (r"\bi'?ll\b", "i will"),
    (r"\bi'?d\b", "i would"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(you|we|they)'ve\b", r"\1 have"),
    (r"\b(what|who|where|how|it|that|there|he|she|here)'?s\b", r"\1 is"),
    (r"\blet'?s\b", "let us"),
    (r"'s\b", ""),
]
_CONTRACTIONS_RE = [(re.compile(p), r) for p, r in _CONTRACTIONS]
# Without an apostrophe, a contraction is one of these words (each pattern above with its "'?"
# left out): a text with neither is left as it is by every pattern, so none is tried.
_CONTRACTION_WORDS = re.compile(
    r"\b(?:cant|wont|aint|(?:do|does|did|is|are|was|were|should|would|could|has|have|had|must)nt"
    r"|im|ive|ill|id|(?:what|who|where|how|it|that|there|he|she|here)s|lets)\b")
_WITHDRAWAL = re.compile(r"\bw/ ?d\b")
_YEARS_OLD = re.compile(r"(\d)\s*(?:y/o|y\.o\.?|yo|yrs? old|yr)\b")
_PLUS = re.compile(r"(?<!\d)\s*\+\s*(?!\d)")
_LONE_MARKS = re.compile(r"(?<!\d)[./+-]|[./+-](?!\d)")

# Chat shorthand; each maps a whole token.
SHORTHAND = {
    "u": "you",
    "ur": "your",
    "r": "are",
    "y": "why",
    "pls": "please",
    "plz": "please",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "hw": "how",
    "abt": "about",
    "bc": "because",
    "cuz": "because",
    "coz": "because",
    "tho": "though",
    "thx": "thanks",
    "ty": "thanks",
    "w": "with",
    "wo": "without",
    "n": "and",
    "b4": "before",
    "2nite": "tonight",
    "tonite": "tonight",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "kinda": "kind of",
    "dunno": "do not know",
}

# Combining marks are parts of words in Thai, Lao, Khmer, Myanmar and Indic scripts (Python's
# \w leaves them out): "กินกระท่อม" must stay one run of text, not break at each vowel sign.
_MARKS = ("\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963"
          "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ecd"
          "\u102b-\u103e\u17b4-\u17d3")
_NON_WORD = re.compile(rf"[^\w\s.%/+{_MARKS}-]+")
_SPACES = re.compile(r"\s+")
_SURROGATE = re.compile("[\ud800-\udfff]")


def mend_surrogates(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD: valid in JSON, but no log, database or
    reply can encode them, so they are read as the replacement character, as bad UTF-8 is."""
    return _SURROGATE.sub("\ufffd", text)


def clean(text: str) -> str:
    """Return `text` NFKC-normalised, without control or invisible characters."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(
        " " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text
    )


# Cyrillic and Greek letters drawn like Latin ones. They are read as Latin only inside a word that
# also holds Latin letters ("krаtоm" typed with Cyrillic а and о to slip past a filter), so text
# written in Cyrillic or Greek is left as it is.
_CONFUSABLE = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "һ": "h", "к": "k", "м": "m", "т": "t", "в": "b", "н": "h", "ӏ": "l",
    "α": "a", "ε": "e", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ι": "i", "κ": "k",
    "ν": "v",
})
_LATIN = re.compile(r"[a-z]")
_WORD = re.compile(r"\w+")


def _unconfuse(text: str) -> str:
    if text.isascii():
        return text
    return _WORD.sub(lambda m: m.group(0).translate(_CONFUSABLE)
                     if _LATIN.search(m.group(0)) else m.group(0), text)


@lru_cache(maxsize=2048)
def normalise(text: str) -> str:
    """Lower-case, expand contractions and shorthand, drop punctuation, fold spaces."""
    text = _EMOJI_RE.sub(lambda m: _EMOJI_WORDS[m.group(0)], clean(text)).lower().translate(_QUOTES)
    text = _unconfuse(text)
    text = _WITHDRAWAL.sub(" withdrawal ", text)
    text = _YEARS_OLD.sub(r"\1 years old", text)
    text = text.replace("w/o", " without ").replace("w/", " with ").replace("&", " and ")
    text = _PLUS.sub(" plus ", text).replace("_", " ")
    if "'" in text or _CONTRACTION_WORDS.search(text):
        for pattern, repl in _CONTRACTIONS_RE:
            text = pattern.sub(repl, text)
    text = _NON_WORD.sub(" ", text.replace("'", " "))
    # Keep decimal points and ranges inside numbers ("1.5g", "2-3"), drop other dots/dashes.
    text = _LONE_MARKS.sub(" ", text)
    words = [SHORTHAND.get(w, w) for w in text.split()]
    return _SPACES.sub(" ", " ".join(words)).strip()

