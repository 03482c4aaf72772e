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
])
def test_question_sentences(message: str, sentences: list[str]) -> None:
    assert question_sentences(message) == sentences
