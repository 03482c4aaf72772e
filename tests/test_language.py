"""Telling English questions from questions in other languages, by their function words."""

from __future__ import annotations

import pytest

from faq_bot.core.language import foreign_language, is_english, language_guess


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
    # "as" is English and Portuguese alike: it cannot tip an English question away.
    ("is kratom withdrawal as bad as opiate withdrawal", "en"),
    # Hindi and Urdu in Latin letters, with the words a sentence needs, not only "kya".
    ("mere bhai ne bahut sara kratom kha liya, ab saans nahi le pa raha", "hi"),
    ("Czy kratom jest dobry na sen?", "pl"),
    ("Kratomun yan etkileri nelerdir?", "tr"),
    ("Kratom uyku için nasıl çalışıyor?", "tr"),
])
def test_the_language_is_told_by_its_function_words(question: str, language: str) -> None:
    assert language_guess(question) == language


@pytest.mark.parametrize("question", ["red bali", "kratom", "mitragynine?", "7-OH"])
def test_too_few_words_to_tell_counts_as_english(question: str) -> None:
    assert language_guess(question) is None
    assert is_english(question)


def test_words_are_counted_as_written_not_as_english_shorthand() -> None:
    # normalise reads "y" as "why"; the Spanish "y" must not count for English.
    assert language_guess("kratom y alcohol, es peligroso?") == "es"


@pytest.mark.parametrize(("question", "language"), [
    ("son buenas las cepas rojas para dormir?", "es"),
    ("what is kratom", None),
    ("kratom", None),
])
def test_a_foreign_language_is_named_only_when_it_is_not_english(question: str,
                                                                 language: str | None) -> None:
    assert foreign_language(question) == language
