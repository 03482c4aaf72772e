"""Scrubbing of question text before it is logged or stored: e-mail addresses, URLs, phone numbers
and long runs of digits (card, account or ID numbers) become placeholders. What is left is what
an operator or a curator needs: the words of the question."""

from __future__ import annotations

import re

from faq_bot.core.normalize import mend_surrogates

PLACEHOLDERS = ("[email]", "[url]", "[phone]", "[number]")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"\b(?:https?://|ftp://|www\.)\S+"
    # Bare domains: a name, a dot and a common top-level domain, with or without a path.
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|info|biz|io|co|uk|us|ca|au|de|fr|nl|"
    r"me|app|dev|shop|store|xyz|online|site)\b(?:/\S*)?",
    re.IGNORECASE)
_PHONE_LIKE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
_PHONE_DIGITS = 7  # fewer digits is a year, a time or a small count, not a phone number
_DIGIT_RUN = re.compile(r"\d{5,}")
MAX_CHARS = 500


def scrub(text: str) -> str:
    """`text` with e-mail addresses, URLs, phone numbers and runs of five or more digits
    replaced by [email], [url], [phone] and [number]; at most 500 characters."""
    text = mend_surrogates(text)  # unencodable in any log or database
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub("[url]", text)
    text = _PHONE_LIKE.sub(
        lambda m: "[phone]" if sum(c.isdigit() for c in m.group()) >= _PHONE_DIGITS
        else m.group(), text)
    text = _DIGIT_RUN.sub("[number]", text)
    return " ".join(text.split())[:MAX_CHARS]


def has_placeholder(text: str) -> bool:
    """True when scrubbing replaced something in `text`."""
    return any(p in text for p in PLACEHOLDERS)
