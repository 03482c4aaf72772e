"""The matcher on its own: typos, synonyms and word order find the right entry, and questions
that only share a common word with the FAQ score too low to be answered."""

from __future__ import annotations

import pytest

from faq_bot.core.engine import Engine
from faq_bot.core.matcher import terms


@pytest.mark.parametrize(("question", "entry_id"), [
    ("wat is kratum", "what-is-kratom"),
    ("kratom seratonin", "dopamine-and-serotonin"),
    ("mitragynin", "mitragynine"),
    ("7-OH what is it", "7-hydroxymitragynine"),
    ("seven hydroxy mitragynine", "7-hydroxymitragynine"),
    ("does kratom knock u out", "how-kratom-helps-you-fall-asleep"),
    ("kratom makes me feel sick to my stomach", "side-effects"),
    ("red borneo", "red-bali-and-red-borneo"),
    ("tl;dr of the article", "article-conclusion"),
    ("SIDE EFFECTS OF KRATOM???", "side-effects"),
])
def test_typos_synonyms_and_case_find_the_entry(engine: Engine, question: str,
                                                entry_id: str) -> None:
    ranked = engine.matcher.rank(question)
    assert ranked[0].entry.id == entry_id
    assert ranked[0].score >= engine.thresholds.answer


@pytest.mark.parametrize("question", [
    "best sleeping position",
    "what's the weather tomorrow",
    "who invented sleep",
    "write me python code",
    "tips for a better mattress",
])
def test_near_misses_score_below_the_answer_line(engine: Engine, question: str) -> None:
    ranked = engine.matcher.rank(question)
    assert not ranked or ranked[0].score < engine.thresholds.answer


def test_scores_are_between_zero_and_one(engine: Engine) -> None:
    for question in ("kratom", "red vein kratom sleep", "zzz", "what is kratom"):
        assert all(0.0 <= c.score <= 1.0 for c in engine.matcher.rank(question))


def test_a_question_without_content_words_ranks_nothing(engine: Engine) -> None:
    assert engine.matcher.rank("what is it?") == []


def test_terms_fold_phrases_and_drop_stop_words() -> None:
    assert terms("What are the side effects of 7-hydroxymitragynine?") == ["sideeffect", "7oh"]


@pytest.mark.parametrize("filler", ["yo", "omg", "imo", "srsly", "sorta", "bruh", "lol", "tbh"])
def test_chat_fillers_are_no_terms(filler: str) -> None:
    # An interjection says nothing the FAQ could match; as an unknown word it would weigh as
    # much as the question's rarest one.
    assert terms(f"{filler} does red bali knock you out") == terms("does red bali knock you out")


@pytest.mark.parametrize("question", ["what's in the leaves that does it?",
                                      "what is actually inside the plant?",
                                      "so what are in kratom leaves"])
def test_what_is_in_it_asks_what_it_contains(question: str) -> None:
    # "in" is a stop word: without the phrase these would read as "what is kratom".
    assert "contain" in terms(question)
    assert "contain" not in terms("what is kratom?")


@pytest.mark.parametrize(("plural", "singular"), [
    ("whites", "white"), ("doses", "dose"), ("sedatives", "sedative"), ("reds", "red"),
    ("boxes", "box"), ("watches", "watch"),
])
def test_a_plural_meets_its_singular(plural: str, singular: str) -> None:
    assert terms(f"are {plural} calming") == terms(f"is a {singular} calming")


def test_a_phrase_is_folded_only_as_a_whole_word() -> None:
    # "final take" is the conclusion; "final takeaway" must not become "conclusionaway".
    from faq_bot.core.matcher import terms

    assert "conclusionaway" not in terms("what's the article's final takeaway")
    assert "conclusion" in terms("what's the article's final take")
