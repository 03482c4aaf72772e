"""Questions the FAQ must never answer even when they share its words: where to buy, which
vendor or brand, prices, and the law. They get the fallback, with a reason."""

from __future__ import annotations

import re

from faq_bot.normalize import normalise

_VENDOR = re.compile(
    r"\b(?:buy|buying|bought|purchase|purchasing|order|ordering|shop|shops|store|stores|vendor|vendors|seller|sellers|supplier|suppliers|brand|brands|retailer|dealer|source for|get (?:it|kratom|some) (?:from|online|near)|online|near me|ship|shipping|deliver\w*|price|prices|pricing|cost|costs|cheap|cheapest|discount|coupon|promo|deal|deals|sale|sell|selling|sells|amazon|smoke shop|head shop|gas station)\b"
    r"|\bwhere (?:can|do|should|to) (?:i |you |one )?(?:get|find|buy|order)\b"
    r"|\b(?:which|what) (?:kratom )?(?:brand|product|company|vendor|shop|website|site)\b"
)
_LEGAL = re.compile(
    r"\b(?:legal|illegal|legality|legally|law|laws|lawful|banned|ban|bans|prohibited|outlawed|controlled substance|scheduled|schedule [i1v]+|dea|arrested|police|customs|allowed in|permitted in|decriminali[sz]ed|prescription required|age limit|age restriction)\b"
)
# Topics near the article's words that it does not cover; listed so they never match an entry.
_UNCOVERED = re.compile(
    r"\b(?:drug tests?|drug screens?|show up on|test positive|urine test|grow (?:it|kratom|my own|my|your own|at home|indoors)|growing (?:it|kratom|my own)|cultivat\w*|plant (?:it|kratom|a)|seeds?|stocks?|ticker|invest\w*|recipe|pets?|dogs?|cats?|horses?)\b"
)


def out_of_scope_reason(question: str) -> str | None:
    """'vendor', 'legal' or 'default' when the question is one the FAQ must not answer, else None."""
    text = normalise(question)
    if _VENDOR.search(text):
        return "vendor"
    if _LEGAL.search(text):
        return "legal"
    if _UNCOVERED.search(text):
        return "default"
    return None
