"""A rule that can only match a letter outside ASCII is skipped for an all-ASCII question; the
check must never call a rule that could match ASCII text one of those."""

from __future__ import annotations

import pytest

from faq_bot.core.safety import assess
from faq_bot.core.safety.scripts import needs_non_ascii

NEEDS_ANOTHER_SCRIPT = [
    r"\bпередоз\w*",
    r"\b(?:не дышит|еле дышит)\b",
    r"\bกิน\b",
    r"(?:сколько|скільки) (?:\w+ )?(?:грамм|грам)\w*",
    r"[а-яё]+ ?мг",
]

CAN_MATCH_ASCII = [
    r"\bdose\b",
    r"\bпередоз\w*|\boverdose\b",  # one arm is ASCII
    r"(?:сколько )?gram\w*",  # the other script is optional
    r"\w+(?: мг)?",  # the other script is optional
    r"(?=.*\bкратом\b)",  # a lookahead consumes nothing
    r"[a-я]",  # a class reaching into ASCII
]


@pytest.mark.parametrize("pattern", NEEDS_ANOTHER_SCRIPT)
def test_a_pattern_that_needs_another_script_is_recognised(pattern: str) -> None:
    assert needs_non_ascii(pattern)


@pytest.mark.parametrize("pattern", CAN_MATCH_ASCII)
def test_a_pattern_that_can_match_ascii_is_never_skipped(pattern: str) -> None:
    assert not needs_non_ascii(pattern)


@pytest.mark.parametrize(("question", "topic"), [
    ("กินกระท่อมกี่ใบก่อนนอน", "dosing"),  # Thai script still reaches its rules
    ("how many grams of kratom before bed", "dosing"),  # and English its own
])
def test_both_scripts_still_reach_their_rules(question: str, topic: str) -> None:
    verdict = assess(question)
    assert verdict is not None and verdict.topic == topic
