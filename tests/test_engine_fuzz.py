"""Engine-level fuzzing with hypothesis: no web layer, just `validate_question` and `Engine.ask`.

For any Unicode a chat box can deliver (control characters, bidi and zero-width marks, emoji,
lone surrogates from JSON escapes, null bytes, 10 000-character pastes cut at the 500 limit)
the engine answers with one of the contract's kinds, the deployment's safety line and no dose
amount anywhere a user can read. And the safety screen gives a dosing, interaction or emergency
question the same verdict however it is cased, spaced or punctuated.

`make fuzz` raises the number of examples through FUZZ_EXAMPLES.
"""

from __future__ import annotations

import json
import os
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from faq_bot.core import safety
from faq_bot.core.doses import find_dose_amounts
from faq_bot.core.engine import MAX_QUESTION_CHARS, Engine, QuestionError, validate_question
from faq_bot.core.replies import KINDS, Reply

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "500"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

RTL_AND_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b",
                     "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                     "\u2060", "\ufeff", "\u00ad"]
EMOJI = ["\U0001f48a", "\U0001f634", "\U0001f6cc", "\U0001f480", "\U0001f937\u200d\u2642\ufe0f",
         "\U0001f1fa\U0001f1f8", "\u2764\ufe0f"]
# What JSON can carry but a UTF-8 encoder refuses: "\ud800" in a request body arrives as is.
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
WORDS = ["kratom", "sleep", "dose", "grams", "5g", "mg", "how", "much", "alcohol", "pregnant",
         "overdose", "breathing", "insomnia", "alkaloids", "mitragynine", "strain", "?", "!"]

awkward = (st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "So", "Co"])
           | st.sampled_from(["\x00", "\r\n", "\u00a0", "\u0100\u00a0", *RTL_AND_INVISIBLE,
                              *EMOJI, *SURROGATES]))
questions = st.one_of(
    st.text(max_size=200),
    st.lists(awkward, min_size=1, max_size=80).map("".join),
    st.lists(st.sampled_from(WORDS) | awkward, min_size=1, max_size=40).map(" ".join),
    st.lists(st.sampled_from(WORDS) | awkward, min_size=1, max_size=40).map("".join),
    # A 10 000-character paste, cut at the limit the way a client that truncates would.
    st.text(min_size=1, max_size=40).map(lambda s: (s * 10_000)[:10_000][:MAX_QUESTION_CHARS]),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(
        lambda ws: (" ".join(ws) + " ") * 2_000).map(lambda s: s[:MAX_QUESTION_CHARS]),
)


def visible(reply: Reply) -> dict[str, str]:
    """Every string of `reply` a user may read, by where it is."""
    out = {"text": reply.text, "safety": reply.safety}
    if reply.source is not None:
        out |= {"source.title": reply.source.title, "source.section": reply.source.section,
                "source.quote": reply.source.quote or ""}
    out |= {f"suggestions[{i}]": s.question for i, s in enumerate(reply.suggestions)}
    out |= {f"context[{i}]": n.text for i, n in enumerate(reply.context)}
    return out


def assert_contract(reply: Reply, safety_line: str) -> None:
    """The reply keeps the contract: kind, safety line, sources, no dose amount, valid JSON."""
    assert reply.kind in KINDS
    assert reply.safety == safety_line
    assert 0.0 <= reply.confidence <= 1.0
    if reply.kind in {"answer", "referral", "emergency"}:
        assert reply.source is not None
    if reply.kind == "answer":
        assert reply.faq_id and reply.source is not None and reply.source.quote
    for where, text in visible(reply).items():
        assert find_dose_amounts(text) == [], (where, text)
    # The reply never carries what the user typed, so it always encodes, whatever was sent.
    json.dumps(reply.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.fixture(scope="module")
def safety_line(engine: Engine) -> str:
    """The deployment's safety line."""
    return engine.faq.policy.safety_line


@FUZZ
@given(question=questions)
@example(question="\x00")
@example(question="\x00how many grams\x00")
@example(question="\u202ehow much kratom should I take\u202c")
@example(question="\ud800")
@example(question="what is kratom \udfff")
@example(question="\U0001f48a" * MAX_QUESTION_CHARS)
@example(question=("5 grams " * 2_000)[:MAX_QUESTION_CHARS])
def test_any_question_gets_a_reply_of_the_contract(engine: Engine, safety_line: str,
                                                   question: str) -> None:
    try:
        accepted = validate_question(question)
    except QuestionError as exc:
        assert exc.status in {400, 413} and exc.code and exc.message
        return
    assert_contract(engine.ask(accepted), safety_line)


@FUZZ
@given(question=st.text(min_size=1, max_size=60).map(lambda s: (s * 10_000)[:10_000]))
def test_a_long_paste_is_refused_with_413_and_its_head_is_answered(
        engine: Engine, safety_line: str, question: str) -> None:
    with pytest.raises(QuestionError) as refused:
        validate_question(question)
    assert (refused.value.status, refused.value.code) == (413, "question_too_long")
    head = question[:MAX_QUESTION_CHARS]
    try:
        validate_question(head)
    except QuestionError as exc:
        assert exc.code == "empty_question"
        return
    assert_contract(engine.ask(head), safety_line)


# --- the safety screen is stable under case, whitespace and punctuation ------------------------

SAFETY_QUESTIONS = {
    "dosing": ["how many grams of kratom should I take for sleep",
               "what dose of kratom helps me sleep",
               "is 5g of kratom too much before bed",
               "how often can I take kratom at night",
               "how much kratom powder for insomnia"],
    "interaction": ["can I take kratom with alcohol",
                    "is it safe to mix kratom with my sleeping pills",
                    "kratom and xanax together for sleep",
                    "can I combine kratom with melatonin"],
    "special_population": ["is kratom safe while pregnant",
                           "can I give kratom to my teenager for sleep"],
    "dependence": ["how do I stop taking kratom without withdrawal"],
    "emergency": ["I think I overdosed on kratom",
                  "my friend took kratom and is not breathing",
                  "my toddler swallowed some kratom powder",
                  "I want to kill myself",
                  "he took kratom and had a seizure"],
}
ALL_SAFETY = [q for qs in SAFETY_QUESTIONS.values() for q in qs]

GAPS = [" ", "  ", "\t", "\n", "\r\n", " \t ", "\u00a0", "\u2003", "\u3000"]
MARKS = ["", "", ",", ".", "!", "?", "...", ";", ":", "\"", "'", "(", ")", "?!", "!!!", "*", "~"]
CASES = [str.lower, str.upper, str.title, str.capitalize, str.swapcase, lambda w: w]


@st.composite
def perturbed(draw: st.DrawFn) -> tuple[str, str]:
    """A safety question and a copy with each word's case, the gaps and punctuation changed."""
    question = draw(st.sampled_from(ALL_SAFETY))
    out = [draw(st.sampled_from(["", " ", "\n", "\t "]))]
    for i, word in enumerate(question.split()):
        if i:
            out.append(draw(st.sampled_from(GAPS)))
        out.append(draw(st.sampled_from(MARKS[:4])) if i == 0 else "")
        out.append(draw(st.sampled_from(CASES))(word))
        out.append(draw(st.sampled_from(MARKS)))
    out.append(draw(st.sampled_from(["", " ", "\n", "  \t"])))
    return question, "".join(out)


def verdict(question: str) -> tuple[str, str] | None:
    """(kind, topic) the safety screen gives `question`, or None."""
    found = safety.assess(question)
    return None if found is None else (found.kind, found.topic)


@pytest.mark.parametrize("question", ALL_SAFETY)
def test_each_seed_question_is_screened(engine: Engine, question: str) -> None:
    found = verdict(question)
    assert found is not None, question
    kind = "emergency" if question in SAFETY_QUESTIONS["emergency"] else "referral"
    assert found[0] == kind
    reply = engine.ask(question)
    assert (reply.kind, reply.topic) == found


@FUZZ
@given(pair=perturbed())
@example(pair=("I want to kill myself", "I   WANT\tto kill...   MYSELF!!!"))
@example(pair=("is 5g of kratom too much before bed", "(IS 5G, of kratom TOO much, before bed?)"))
def test_safety_verdict_survives_case_whitespace_and_punctuation(pair: tuple[str, str]) -> None:
    question, variant = pair
    assert verdict(variant) == verdict(question), repr(variant)


@FUZZ
@given(question=st.sampled_from(ALL_SAFETY), data=st.data())
def test_safety_verdict_survives_invisible_marks_inside_words(question: str,
                                                              data: st.DataObject) -> None:
    # Zero-width and bidi marks are deleted before screening; one inside "do\u200bse" must not
    # hide the word.
    chars = list(question)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(chars)))
        chars.insert(at, data.draw(st.sampled_from(RTL_AND_INVISIBLE)))
    variant = "".join(chars)
    assert verdict(variant) == verdict(question), repr(variant)


@pytest.mark.parametrize("question", ALL_SAFETY)
def test_safety_verdict_survives_full_width_letters(question: str) -> None:
    # Phone keyboards in CJK locales type full-width Latin; NFKC folds it back.
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in question)
    assert unicodedata.normalize("NFKC", wide) == question
    assert verdict(wide) == verdict(question), wide
