"""A small guess at whether a question is written in English, from function words: the words
every sentence of a language needs whatever it is about. Used to tell someone who wrote in
another language, in English, that the service answers in English, rather than pretend the FAQ
has nothing on their question."""

from __future__ import annotations

import re

from faq_bot.core.normalize import normalise

# Short, frequent words that are not English words too ("a", "do", "so", "me" and "no" are
# left out: they would count for English and another language alike).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the is are was what how why which does can could should would will with for "
                    "of and or to in on at it this that my i you your about from there have has "
                    "when who any some much many".split()),
    "es": frozenset("el la los las que es son para con por una un qué cómo como puedo tomar "
                    "dormir sueño del al se lo le mi tu su pero más muy está estoy hay sobre "
                    "según artículo cuánto cuando dónde en y".split()),
    "pt": frozenset("o os as que é são para com por uma um como posso tomar dormir sono do da "
                    "dos das ao se não mais muito está estou sobre segundo artigo quanto quando "
                    "onde eu meu minha você em e".split()),
    "fr": frozenset("le la les des est sont pour avec que qui je puis dormir sommeil ne pas du "
                    "au une un et mon ma mes vous il elle ce cette sur selon article combien "
                    "quand où comment est-ce en dans".split()),
    "de": frozenset("der die das ist sind und nicht mit für wie ich kann schlafen schlaf ein "
                    "eine einen dem den zu auf von was wann wo wieviel wie viel laut artikel "
                    "mein meine sie er es bei vor nach".split()),
    "it": frozenset("il lo gli della che è sono per con una un posso prendere dormire sonno "
                    "non più molto sul secondo articolo quanto quando dove mio mia".split()),
    "nl": frozenset("de het een is zijn en niet met voor hoe ik kan slapen slaap van op wat "
                    "wanneer waar volgens artikel mijn".split()),
    "hi": frozenset("kya hai hain ke ki ka mein se nahi nahin kaise neend lena aur mujhe "
                    "kitna kab kyun karta karti chahiye".split()),
    "tl": frozenset("ang ng sa mga ba ko ako ay na kung paano pwede puwede tulog matulog "
                    "ito iyan".split()),
    "vi": frozenset("có không là của và cho tôi bạn ngủ được uống bao nhiêu khi nào như thế "
                    "nào".split()),
    "id": frozenset("apa yang dan tidak dengan untuk bisa saya tidur berapa kapan bagaimana "
                    "ini itu".split()),
}
_WORD = re.compile(r"[^\W\d_]+")


def language_guess(question: str) -> str | None:
    """The code of the language whose function words the question uses most ("en", "es",
    ...), or None when it has too few of anyone's to tell."""
    words = _WORD.findall(normalise(question))
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    if counts[best] < 2:
        return None
    # A tie with English is English: "no", "me" and loanwords cross every border.
    return "en" if counts["en"] >= counts[best] else best


def is_english(question: str) -> bool:
    """True unless the question is recognisably in another language."""
    return language_guess(question) in (None, "en")
