"""A message's question sentences are matched on their own (faq_bot/core/sentences.py)."""

from __future__ import annotations

import pytest

from faq_bot.core.sentences import question_sentences


@pytest.mark.parametrize(("message", "sentences"), [
    ("Good evening. What is kratom? My aunt mentioned it.", ["What is kratom?"]),
    ("is it a tree? or a herb? just curious", ["is it a tree?", "or a herb?"]),
    # One sentence, or none that asks: the message is its own question.
    ("what is kratom?", []),
    ("what is 7-OH? ", []),
    ("Tell me about kratom. I am curious.", []),
    ("what does 7-OH?do", []),
    # A short label before a colon or a dash, and a last sentence that asks without a "?".
    ("Essay research: which alkaloids are in kratom?", ["which alkaloids are in kratom?"]),
    ("nurse here - is kratom an opioid?", ["is kratom an opioid?"]),
    ("my coworker swears by it. does it really help sleep",
     ["does it really help sleep"]),
    # both readings are tried: the label's rest and the asking sentence
    ("Kratom: what is it, really? Asking for a report.",
     ["what is it, really? Asking for a report.", "Kratom: what is it, really?"]),
])
def test_question_sentences(message: str, sentences: list[str]) -> None:
    assert question_sentences(message) == sentences
