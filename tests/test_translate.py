"""Questions in other languages: read in English through the glossaries, then screened, scoped
and matched like any question. Examples are written here, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from faq_bot.core.engine import Engine
from faq_bot.core.translate import GlossaryError, english_reading, glossary, parse_glossary

RISKS = "Potential Risks and Considerations"


def _kinds(engine: Engine, question: str) -> tuple[str, str | None]:
    reply = engine.ask(question).to_dict()
    return reply["kind"], (reply.get("source") or {}).get("section")


@pytest.mark.parametrize(("question", "section"), [
    ("¿Qué alcaloides tiene la hoja de kratom?", "Alkaloids: The Key Players"),
    ("¿Es peligroso el kratom según el artículo?", RISKS),
    ("Quais são os efeitos colaterais do kratom?", RISKS),
    ("Onde cresce a planta de kratom?", "Introduction"),
    # the alkaloid as Italian spells it; German compounds of Kratom; "prouvé"
    ("Che cosa fa la mitraginina nel cervello?", "Alkaloids: The Key Players"),
    ("Welche Wirkstoffe enthalten Kratomblätter?", "Alkaloids: The Key Players"),
    ("Est-ce prouvé scientifiquement que le kratom aide à dormir ?",
     "The Future of Kratom Research"),
    ("Quelles souches de kratom sont les plus relaxantes ?", "Strain-Specific Effects"),
    ("Quelle est la conclusion de l'article sur le kratom ?",
     "Conclusion: Unlocking the Potential of Kratom for Better Sleep"),
    ("Was sagt der Artikel über die Nebenwirkungen von Kratom?", RISKS),
    ("Kratom süchtig?", RISKS),  # too short to tell by function words: the glossary tells
    ("kratom ke side effects kya hai?", RISKS),
    ("Quali rischi comporta il kratom secondo l'articolo?", RISKS),
    ("Da quale parte del mondo viene la pianta del kratom?", "Introduction"),
    ("Apa saja efek samping dari kratom?", RISKS),
    ("Kratom berasal dari negara mana?", "Introduction"),
    # amounts and effects in general, and kratom as the object of a verb
    ("Ist Kratom in kleinen Mengen eher anregend?", "Dose-Dependent Results"),
    ("Em quantidade baixa o kratom deixa a pessoa acordada?", "Dose-Dependent Results"),
    ("¿Para qué lo usan las personas por la noche?", "Introduction"),
    # a summary asked for, and long-term effects in one German word
    ("Zusammenfassung des Artikels über Kratom, bitte",
     "Conclusion: Unlocking the Potential of Kratom for Better Sleep"),
    ("un resumen corto del artículo de kratom",
     "Conclusion: Unlocking the Potential of Kratom for Better Sleep"),
    ("Sind die Langzeitwirkungen von Kratom schon bekannt?", "The Future of Kratom Research"),
    # Tagalog, Vietnamese and Polish, whose words the language guesser knows
    ("Ano ang mga panganib ng kratom ayon sa artikulo?", RISKS),
    # Turkish (its dotless ı compared as i), and Polish with its ł
    ("Kratomun yan etkileri nelerdir?", RISKS),
    ("kratom bağımlılık yapar mı?", RISKS),
    ("Kratom uyku için nasıl çalışıyor, opioid reseptörleriyle mi?", "Alkaloids: The Key Players"),
    ("jaki jest wniosek artykułu o kratomie?",
     "Conclusion: Unlocking the Potential of Kratom for Better Sleep"),
    ("Saan galing ang halaman ng kratom?", "Introduction"),
    ("Kratom có tác dụng phụ gì không?", RISKS),
    ("Kratom đỏ có giúp ngủ không?", "Strain-Specific Effects"),
    ("Jakie są skutki uboczne kratomu?", RISKS),
    ("Co mówi artykuł o czerwonych odmianach kratomu?", "Strain-Specific Effects"),
    # Dutch ("beter" is better, not a misspelt beer)
    ("Wat zijn volgens het artikel de bijwerkingen van kratom?", RISKS),
    ("Welke kratomsoorten zijn kalmerend?", "Strain-Specific Effects"),
    ("Waarom zou rode kratom beter zijn voor de slaap?", "Strain-Specific Effects"),
    # 'investigación' is research, not investing (core/scope.py reads 'invest' as money)
    ("¿Todavía falta investigación sobre el kratom?", "The Future of Kratom Research"),
    ("¿Los científicos siguen investigando el kratom?", "The Future of Kratom Research"),
])
def test_a_covered_question_in_another_language_is_answered(
        engine: Engine, question: str, section: str) -> None:
    assert _kinds(engine, question) == ("answer", section)


@pytest.mark.parametrize("question", [
    "¿Dónde se puede comprar kratom barato?",  # buying: the vendor fallback
    "Wo kann man Kratom kaufen?",
    "O kratom é legal no Brasil?",  # the law
    "Quel thé à la camomille aide à dormir ?",  # no kratom, no article: not the article's
    "Welcher Kräutertee hilft beim Einschlafen?",
    # growing it, read from a reading's words ("plant" alone is the noun, and is answered)
    "Paano magtanim ng kratom sa bahay?",
    "Jak uprawiać kratom w domu?",
    "Apakah sulit menanam kratom sendiri?",  # growing it, in Indonesian
    "Bagaimana cara budidaya kratom di rumah?",
    "Saan makakabili ng kratom sa Maynila?",  # buying, in Tagalog
    "Wat is een goede webshop voor kratom?",  # buying, in Dutch
])
def test_a_reading_outside_the_article_is_not_answered(engine: Engine, question: str) -> None:
    assert _kinds(engine, question)[0] == "fallback"


@pytest.mark.parametrize("question", [
    "¿Cuánta cantidad de kratom debo tomar para dormir?",
    "Wie viel Kratom soll ich vor dem Schlafen nehmen?",
    "Posso tomar kratom com vinho?",
    "Quanto kratom devo prendere stasera per dormire?",
    "Berapa banyak kratom yang harus saya minum sebelum tidur?",
    "Ilang gramo ng kratom ang dapat kong inumin bago matulog?",
    "Bao nhiêu gram kratom trước khi ngủ?",
    "Ile kratomu mogę wziąć przed snem?",
    "Hoeveel kratom moet ik nemen om te slapen?",
    "Kan ik kratom met bier nemen?",
    "Uyumak için ne kadar kratom almam lazım?",
    "kratoma bağımlıyım, nasıl bırakırım?",
])
def test_risky_questions_in_other_languages_are_still_referred(
        engine: Engine, question: str) -> None:
    assert _kinds(engine, question)[0] == "referral"


def test_the_reading_keeps_the_faqs_own_words_and_drops_the_rest(engine: Engine) -> None:
    reading = english_reading("¿Qué dice el artículo sobre Red Borneo y el sueño?",
                              engine.matcher.knows)
    assert reading is not None
    assert reading.split() == ["say", "article", "red", "borneo", "sleep"]


def test_the_screens_reading_keeps_every_word_and_tells_a_short_question_alike(
        engine: Engine) -> None:
    # Too short to tell by function words, the language is told by its glossary words the FAQ
    # does not use; the screen's reading, which keeps those too, is told the same way.
    question = "Macht Kratom abhängig wie Xanax?"
    faq_reading = english_reading(question, engine.matcher.knows)
    screen_reading = english_reading(question, engine.matcher.knows, keep_every_word=True)
    assert faq_reading is not None and "xanax" not in faq_reading.split()
    assert screen_reading is not None and "xanax" in screen_reading.split()


@pytest.mark.parametrize("question", [
    "what does the article say about red vein kratom?",  # English: no reading
    "is kratom a gift from nature or a drug?",  # "Gift" is German, but this is English
    "??",
])
def test_english_and_empty_questions_have_no_reading(engine: Engine, question: str) -> None:
    assert english_reading(question, engine.matcher.knows) is None


@pytest.mark.parametrize("lang", ["es", "pt", "fr", "de", "hi", "it", "id", "tl", "vi", "pl", "nl",
                                  "tr"])
def test_every_supported_language_has_a_glossary(lang: str) -> None:
    table = glossary(lang)
    assert len(table) > 50
    assert ("kratom",) not in table  # the FAQ's own words are kept, never glossed


@pytest.mark.parametrize(("text", "message"), [
    ("adictivo = addictive\nsin signo igual\n", "x.txt:2: expected 'foreign words = english"),
    ("= addictive\n", "x.txt:1: expected"),
    ("adictivo =\n", "x.txt:1: expected"),
    ("uno dos tres cuatro cinco = five\n", "x.txt:1: at most 4 foreign words"),
    ("# comment\nadictivo = addictive\nadictivo = habit forming\n", "x.txt:3: 'adictivo' is "
     "listed twice"),
])
def test_a_bad_glossary_line_is_named_by_file_and_line(text: str, message: str) -> None:
    with pytest.raises(GlossaryError, match=message):
        parse_glossary(text, "x.txt")


def test_glossary_keys_ignore_accents_and_case() -> None:
    table = parse_glossary("Adicción = addiction\n", "x.txt")
    assert table == {("adiccion",): "addiction"}
