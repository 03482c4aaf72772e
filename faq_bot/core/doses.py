"""Recognise dose amounts: a number (or number-word) followed by a unit of amount.

Used three ways: `faq-bot check` refuses FAQ text that holds one, the safety rules treat a
question that holds one as a dosing question, and every reply is screened before it leaves.
"""

from __future__ import annotations

import re
from functools import lru_cache

from faq_bot.core.normalize import clean

_NUMBER_WORDS = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    "forty|fifty|hundred|half|a half|a few|a couple(?: of)?|several|a|an|single|double|triple"
)
_NUMBER = rf"(?:\d+(?:[.,]\d+)?|\d*\s*[½¼¾]|(?:{_NUMBER_WORDS}))"
_UNITS = (
    r"g|gr|gm|gms|grams?|gramm?s?|kg|kilos?|kilograms?|mg|mgs|milligrams?|mcg|µg|ug|micrograms?|"
    r"ml|millilit(?:er|re)s?|oz|ounces?|lbs?|pounds?|"
    r"tsp|tsps|teaspoons?|teaspoonfuls?|tbsp|tbs|tablespoons?|spoons?|spoonfuls?|"
    r"caps?|capsules?|pills?|tablets?|tabs?|scoops?|shots?|servings?|doses?|cups?|"
    r"drops?|droppers?|dropperfuls?|packets?|bags?|bottles?|grains?|hits?|lines?|bumps?"
)
# A bare "a"/"an"/"single" before a unit only counts for units that are themselves an amount
# of the product ("a capsule", "a teaspoon"), not "a cup of tea" or "a line of research".
_ARTICLE_UNITS = (
    r"g|gram|mg|milligram|teaspoon|tsp|tablespoon|tbsp|spoonful|scoop|capsule|pill|tablet|"
    r"shot|dropper|dropperful"
)

DOSE_AMOUNT = re.compile(
    rf"(?<![\w.])(?:"
    rf"(?:\d+(?:[.,]\d+)?|\d*\s*[½¼¾]|(?:{_NUMBER_WORDS.replace('|a|an|single', '')}))"
    rf"(?:\s*(?:-|–|to|or|/)\s*{_NUMBER})?\+?\s*(?:{_UNITS})"
    rf"|(?:a|an|single)\s+(?:{_ARTICLE_UNITS})"
    rf")(?![\w])",
    re.IGNORECASE,
)


def find_dose_amounts(text: str) -> list[str]:
    """Every dose amount in `text`, as written (empty when there is none)."""
    return [m.group(0) for m in DOSE_AMOUNT.finditer(clean(text))]


@lru_cache(maxsize=8192)  # replies repeat the same FAQ strings; screening them again is waste
def has_dose_amount(text: str) -> bool:
    """True when `text` holds a dose amount such as "5 g" or "two teaspoons"."""
    return DOSE_AMOUNT.search(clean(text)) is not None
