"""Telling English questions from questions in other languages, by their function words."""

from __future__ import annotations

import pytest

from faq_bot.core.language import is_english, language_guess


@pytest.mark.parametrize(("question", "language"), [
    ("what is kratom", "en"),
    ("is kratom legal in texas", "en"),
    ("son of a gun, what is kratom", "en"),  # "son" is Spanish too; the English words win
    ("¿Qué alcaloides contiene el kratom según el artículo?", "es"),
    ("De onde vem o kratom, segundo o artigo?", "pt"),
    ("Que dit l'article sur la différence entre faibles et fortes doses ?", "fr"),
    ("Welche Forschung fehlt laut dem Artikel noch?", "de"),
    ("kratom ki chai kaise banate hain neend ke liye?", "hi"),
    ("Cosa dice l'articolo sul sonno?", "it"),
])
def test_the_language_is_told_by_its_function_words(question: str, language: str) -> None:
    assert language_guess(question) == language


@pytest.mark.parametrize("question", ["red bali", "kratom", "mitragynine?", "7-OH"])
def test_too_few_words_to_tell_counts_as_english(question: str) -> None:
    assert language_guess(question) is None
    assert is_english(question)
