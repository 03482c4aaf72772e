"""A small guess at whether a question is written in English, from function words: the words
every sentence of a language needs whatever it is about. Used to tell someone who wrote in
another language, in English, that the service answers in English, rather than pretend the FAQ
has nothing on their question; and by the safety screen, which reads a question recognisably
in another language without the English readings of that language's own words ("son" is
"they are" in Spanish, not a son).

The words are counted in the text as written (cleaned and lower-cased), not in the matcher's
normalised form: that expands English chat shorthand, which would read the Spanish "y" as
"why" and the French "n'" as "and".
"""

from __future__ import annotations

import re

from faq_bot.core.normalize import clean

# Short, frequent words that are not English words too ("a", "do", "so", "me" and "no" are
# left out: they would count for English and another language alike), except "as", English
# and Portuguese alike, listed under both so that it cannot tip "as bad as" away from English.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the is are was what how why which does can could should would will with for "
                    "of and or to in on at it this that my i you your about from there have has "
                    "when who any some much many as".split()),
    "es": frozenset("el la los las que es son para con por una un qué cómo como puedo tomar "
                    "dormir sueño del al se lo le mi tu su pero más muy está estoy hay sobre "
                    "según artículo cuánto cuánta cuántos cuántas cuando cuándo dónde en y de "
                    "debo tengo mucho ya este esta esto eso sin también tomarlo tomé".split()),
    "pt": frozenset("o os as que é são para com por uma um como posso tomar dormir sono do da "
                    "dos das ao se não mais muito está estou sobre segundo artigo quanto quando "
                    "onde eu meu minha você em e de pra tô tá isso devo tenho tem quantos quantas "
                    "qual ele ela também".split()),
    "fr": frozenset("le la les des est sont pour avec que qui je puis dormir sommeil ne pas du "
                    "au une un et mon ma mes vous il elle ce cette sur selon article combien "
                    "quand où comment est-ce en dans de j l ai suis peux dois faut quel quelle "
                    "trop mais ou moi à quels quelles aux pourquoi".split()),
    "de": frozenset("der die das ist sind und nicht mit für wie ich kann schlafen schlaf ein "
                    "eine einen dem den zu auf von was wann wo wieviel wie viel laut artikel "
                    "mein meine sie er es bei vor nach mich mir dich dir sich soll sollte darf "
                    "habe hat bin auch noch nur wenn oder aber zum zur vom beim kein keine "
                    "viele".split()),
    "it": frozenset("il lo gli della che è sono per con una un posso prendere dormire sonno "
                    "non più molto sul secondo articolo quanto quando dove mio mia di ho cosa "
                    "faccio notte nel nella alla anche questo questa perché".split()),
    "nl": frozenset("de het een is zijn en niet met voor hoe ik kan slapen slaap van op wat "
                    "wanneer waar volgens artikel mijn".split()),
    # Hindi and Urdu written in Latin letters. "ne" and "le" are French words too, and "main"
    # an English one; the other words of a sentence decide.
    "hi": frozenset("kya hai hain ke ki ka mein se nahi nahin kaise neend lena aur mujhe "
                    "kitna kab kyun karta karti chahiye main mera meri mere hoon hun tha thi "
                    "ko bhi ye yeh wo woh aap tum raha rahi rahe gaya gayi liya sakta sakti "
                    "sakte liye saath baad pehle karun karo batao bahut zyada kuch agar toh "
                    "ne le ab abhi hota hoti kitne kitni".split()),
    "tl": frozenset("ang ng sa mga ba ko ako ay na kung paano pwede puwede tulog matulog "
                    "ito iyan".split()),
    "vi": frozenset("có không là của và cho tôi bạn ngủ được uống bao nhiêu khi nào như thế "
                    "nào".split()),
    "id": frozenset("apa yang dan tidak dengan untuk bisa saya tidur berapa kapan bagaimana "
                    "ini itu".split()),
    # Turkish: "mi", "ne" and "de" are words of other languages too; the others decide.
    "tr": frozenset("ve bir bu ile için mi mı mu mü ne nasıl neden niye hangi nedir var yok "
                    "gibi kadar daha çok ama veya şey mıdır midir olan olarak hakkında göre "
                    "uyku uykuya uyumak yapar yapıyor etkileri nelerdir neler makale "
                    "makaleye makalede".split()),
    "pl": frozenset("czy jest się nie jak ile mogę mnie przed przez dla że brać spać "
                    "sen według od co kiedy gdzie jeśli też jestem mam artykułu "
                    "artykule".split()),
}
LANGUAGES = tuple(_FUNCTION_WORDS)
_ORDER = {lang: -i for i, lang in enumerate(LANGUAGES)}  # a tie goes to the language listed first
_WORD = re.compile(r"[^\W\d_]+")
# Each word with the languages it is a function word of, so a question is read once.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _vocab in _FUNCTION_WORDS.items():
    for _word in _vocab:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)


def language_guess(question: str) -> str | None:
    """The code of the language whose function words the question uses most ("en", "es",
    ...), or None when it has too few of anyone's to tell."""
    counts: dict[str, int] = {}
    for word in _WORD.findall(clean(question).lower()):
        langs = _LANGUAGES_OF.get(word)
        if langs:
            for lang in langs:
                counts[lang] = counts.get(lang, 0) + 1
    if not counts:
        return None
    best = max(counts, key=lambda lang: (counts[lang], _ORDER[lang]))
    if counts[best] < 2:
        return None
    # A tie with English is English: "no", "me" and loanwords cross every border.
    return "en" if counts.get("en", 0) >= counts[best] else best


def is_english(question: str) -> bool:
    """True unless the question is recognisably in another language."""
    return language_guess(question) in (None, "en")


def foreign_language(question: str) -> str | None:
    """The code of the language a question is recognisably written in when that is not
    English (at least two of its function words, more than English's), else None."""
    guess = language_guess(question)
    return None if guess == "en" else guess


def function_words(lang: str) -> frozenset[str]:
    """The function words of language `lang` (a code of LANGUAGES)."""
    return _FUNCTION_WORDS[lang]
