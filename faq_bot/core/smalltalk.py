"""Small talk: greetings, thanks, goodbyes and "what can you do". Only a message that is
nothing but small talk gets a small-talk reply; "hi, what is kratom?" is a question."""

from __future__ import annotations

import re

from faq_bot.core.normalize import normalise

_GREETING = r"g ?day|gday|hi+|hello+|halo|hai|hey+|heya|hiya|howdy|yo|sup|what is up|wassup|greetings|good (?:morning|afternoon|evening|day)|hola|hallo|bonjour|bonsoir|buongiorno|buonasera|salve|buenas|buenos d[ií]as|buenas (?:tardes|noches)|oi|ol[aá]|bom dia|boa (?:tarde|noite)|salut|guten (?:tag|morgen|abend)|namaste|morning|evening|hi there|hello there|hey there|how are (?:you|ya|u)(?: doing| going| today)*|how s it going|how is it going|c[oó]mo est[aá]s|qu[eé] tal|como vai|tudo bem|comment [cç]a va|[cç]a va|wie geht s|wie geht es dir|how is everything|how are things|(?:is )?any ?(?:one|body) (?:there|here|home)|(?:are )?(?:you|u) (?:awake|there|up|around|online)"
_THANKS = r"thanks?(?: you)?(?: (?:so|very) much| a lot| a bunch)?|thank u|thx|ty|tysm|cheers|much appreciated|appreciate (?:it|that|you)|great|awesome|cool|ok(?:ay)?|got it|nice|perfect|helpful|that helps|that helped"
_GOODBYE = r"bye+|goodbye|good bye|see (?:you|ya)(?: later)?|later|cya|good night|goodnight|night|take care|that is all|i am done"
_CAPABILITIES = r"help|help me|what can you do|what do you do|what are you|who are you|what is this(?: thing| bot| chat| site| page)?|what (?:else )?can you (?:actually |really )?(?:answer|cover|talk about)|(?:what|which) topics (?:do|can) you (?:cover|answer|handle|talk about)|how does this work|how do (?:i|you) use (?:this|you)|what (?:can|should) i ask(?: you)?|what (?:kinds? of |sorts? of |types? of )?(?:questions|things|topics|stuff) (?:can|do|should|could|will) (?:you|i) (?:answer|ask|help with|do|cover|handle)(?: you)?|what do you know(?: about)?|what are you for|what topics(?: do you cover)?|are you (?:a bot|a robot|human|a human|real|an ai|ai|a person|a real person|a computer|a machine|a chatbot)(?: or (?:a |an )?(?:bot|robot|human|real person|person|ai|real|computer|machine|chatbot))?|who am i talking to|who is this|am i talking to a (?:bot|human|person|real person)|menu|start|options|commands|what questions can you answer|how can you help(?: me)?|what (?:else )?can you (?:actually |really )?help (?:me )?with|(?:what|which) (?:sort|sorts|kind|kinds|type|types) of (?:stuff|things|questions|topics) (?:can you|are you able to) (?:help (?:me )?with|answer|do|handle|cover)|what (?:you can|can you) do(?: for me)?|qu[eé] puedes hacer|o que (?:voc[eê] )?(?:pode|sabe|consegue) fazer|que (?:peux tu|pouvez vous|sais tu|savez vous) faire|qui[eé]n eres(?: t[uú])?|qui (?:es tu|[eê]tes vous)|wer bist du|quem [eé] (?:voc[eê]|tu)|chi sei|cosa (?:puoi|sai) fare|siapa (?:kamu|anda)|was kannst du(?: alles)?(?: tun| machen)?|apa yang bisa kamu lakukan|(?:kamu |anda )?bisa bantu apa(?: saja)?|what else can you (?:do|answer|tell me about)|qu[eé] (?:tipo de |clase de )?preguntas (?:te )?puedo hacer(?:te)?|qu[eé] (?:te )?puedo preguntar(?:te)?|que (?:tipo de )?perguntas (?:eu )?posso (?:te )?fazer|o que (?:eu )?posso (?:te )?perguntar|quelles? (?:sortes? de |types? de )?questions (?:puis je|je peux|peut on) (?:te |vous )?poser|was kann ich dich fragen|welche fragen kann ich (?:dir )?stellen"
_FILLER = r"(?:\s+(?:fr|ngl|lol|tho|anyway|anyways|exactly|actually|here|bot|a bot|an ai|a robot|a human|a person|there|friend|again|so much|please|pls|all|everyone|kratom bot|faq bot|mate|man|dude|buddy|pal|guys|then|be honest|honestly))*"

# Two of a kind joined ("who are you and what can I ask?") are still that one intent.
INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(rf"^(?:(?:{_GREETING}|ok|okay|so|well|alright|honestly){_FILLER}\s+)?(?:{pattern})"
                      rf"(?:\s+and\s+(?:{pattern}))?{_FILLER}$"))
    for name, pattern in (
        ("greeting", _GREETING),
        ("thanks", _THANKS),
        ("goodbye", _GOODBYE),
        ("capabilities", _CAPABILITIES),
    )
)


# A message made only of these words is small talk even in combinations the patterns miss
# ("ok cool, bye"); the strongest intent present wins.
_WORDS = {
    "goodbye": {"bye", "goodbye", "cya", "later", "night", "goodnight", "farewell", "tschüss",
                "gn", "gnight", "nite", "peace",
                "tschuss", "adiós", "adios", "tchau", "ciao", "dag", "salam", "revoir",
                "wiedersehen", "luego", "alvida", "chau", "chao", "bientôt", "bientot"},
    "thanks": {"thanks", "thank", "thx", "ty", "cheers", "appreciate", "appreciated", "gracias",
               "obrigado", "obrigada", "merci", "danke", "kasih", "grazie", "bedankt", "dank",
               "valeu", "shukriya", "dhanyavad", "dhanyavaad", "dhanyawad",
               # Indonesian, Polish, Tagalog, Vietnamese, Turkish, Russian, Swahili
               "makasih", "dziękuję", "dziekuje", "dzięki", "dzieki", "salamat", "cảm",
               "teşekkürler", "tesekkurler", "sağol", "sagol", "spasibo", "asante",
               # Japanese in romaji
               "arigatou", "arigato", "arigatō"},
    "greeting": {"hi", "hello", "hey", "heya", "hiya", "howdy", "yo", "morning", "evening", "hola",
                 "gm",
                 "olá", "ola", "bonjour", "salut", "hallo", "ciao", "servus", "oi",
                 # Turkish, Indonesian, Tagalog, Polish, Dutch, Vietnamese, Swahili
                 "merhaba", "selam", "halo", "kumusta", "cześć", "czesc", "dzień", "dobry",
                 "hoi", "goedemorgen", "goedemiddag", "goedenavond", "chào", "jambo"},
}
_FILLER_WORDS = {"ok", "okay", "cool", "great", "awesome", "nice", "good", "you", "so", "much",
                 "very", "a", "lot", "mate", "man", "dude", "bot", "all", "for", "it", "the",
                 "genuinely", "truly", "honestly",
                 "help", "that", "see", "ya", "again", "alright", "k", "kk", "perfect", "there",
                 "was", "is", "really", "helpful", "super", "legend", "champ", "brilliant", "lovely",
                 "qué", "que", "tal", "ça", "va", "tudo", "bem", "wie", "gehts", "geht", "es",
                 "gracias", "obrigado", "obrigada", "merci", "danke", "helped", "have", "one", "ta",
                 "now", "your", "been", "today", "doing", "terima", "kasih", "banyak",
                 "beaucoup", "bonne", "soirée", "journée", "tschüss", "tschuss", "und", "für",
                 "die", "hilfe", "muchas", "muito", "grazie", "mille", "dank", "je", "wel", "bedankt",
                 "schön", "schon", "sehr", "molto", "gentile", "gozaimasu", "gozaimashita",
                 "domo", "muy", "amable",
                 # thanks anyway: "grazie lo stesso", "gracias igual", "merci quand même"
                 "lo", "stesso", "igual", "igualmente", "quand", "même", "trotzdem",
                 "day", "weekend", "evening", "and", "take", "care",
                 # "vale, gracias", "d'accord, merci", "alles klar, danke", "beleza, valeu",
                 # "theek hai, shukriya", "merci, au revoir", "hasta luego", "auf Wiedersehen"
                 "vale", "bueno", "perfecto", "entendido", "listo", "d", "accord", "daccord",
                 # "obrigado pela ajuda", "gracias por la ayuda", "merci pour l'aide"
                 "pela", "pelo", "ajuda", "por", "la", "ayuda", "pour", "l", "aide", "de",
                 "votre", "sua", "tu",
                 "parfait", "entendu", "au", "alles", "klar", "gut", "verstanden", "auf",
                 "perfeito", "certo", "beleza", "entendi", "theek", "thik", "hai", "accha",
                 "acha", "hasta", "pronto", "até", "ate", "logo", "bis", "dann", "bientôt",
                 "bientot", "à", "bahut", "bohot", "et", "y", "e",
                 # A shrug before a goodbye or thanks: "whatever, bye", "fine, thanks anyway".
                 "whatever", "fine", "anyway", "anyways", "meh", "nvm",
                 # or letting the question go first: "ok never mind. bye", "forget it, thanks"
                 "never", "mind", "nevermind", "forget",
                 # An acknowledgement before thanks: "ok good to know, thanks", "makes sense,
                 # cheers", "got it, that clears it up, thanks".
                 "to", "know", "makes", "sense", "noted", "understood", "got", "gotcha", "i",
                 "clears", "up", "interesting", "useful", "informative", "fair", "enough",
                 # "figured as much, bye", "thought so, thanks", "ok bet thx", "aight cheers"
                 "figured", "thought", "expected", "as", "bet", "aight", "word", "then",
                 # "aight thx gg"
                 "gg", "ggs", "lol", "lmao",
                 # thanks said to someone: "danke dir", "gracias a ti", "merci à toi"
                 "dir", "ihnen", "ti", "usted", "toi", "vous", "você", "voce", "vielen", "herzlichen",
                 "hm", "hmm", "ah", "oh",
                 # "makasih ya", "salamat po", "cảm ơn nhé", "asante sana", "bardzo"
                 "po", "ơn", "nhé", "sana", "bardzo", "ederim", "bolshoe"}
# Acknowledging the last reply without a word of thanks ("good to know", "ok, makes sense",
# "that's helpful", "cool cool"): answered as thanks are, unless it asks ("is that useful?").
_ACKNOWLEDGING = frozenset({"know", "sense", "noted", "understood", "gotcha", "helpful", "useful",
                            "interesting", "informative", "cool", "great", "perfect", "nice",
                            "got", "clears", "fair", "awesome", "brilliant", "lovely"})


# Every word a message of small talk alone may be made of, and the words that say which.
_INTENT_WORDS = frozenset(set().union(*_WORDS.values()))
_KNOWN = frozenset(_INTENT_WORDS | _FILLER_WORDS)
_SAYS_WHICH = frozenset(_INTENT_WORDS | _ACKNOWLEDGING)

# Thanks or goodbye followed by a remark, with nothing asked: "thanks, that helps me explain it".
_CLOSING = re.compile(r"^(?:(?:ok|okay|great|cool|right|alright) )?(?:thanks?|thank you|thx|ty|cheers|ta|bye|goodbye)\b")
# A modal asks when a subject follows it ("thanks, is it safe", "thanks, can I mix it"); after
# one it states ("thanks, I'll keep that in mind", "thank you, that's all I needed").
_ASKS = re.compile(r"\?|\b(?:what|how|why|when|where|which|who|tell|explain how)\b|"
                   r"\b(?:can|could|should|would|is|are|does|do|did|will|may|might) (?:i|you|it|he|"
                   r"she|we|they|kratom|this|that|there|the|my|a|an|red|green|white)\b")
# Thanks at the end of a remark that names nothing of the article's: "perfect, that helps the
# story a lot, thanks" (not "red vein for sleep, thanks").
_CLOSING_END = re.compile(r"\b(?:thanks?|thank you|thx|ty|cheers)(?: (?:a lot|so much|again))?$")
_SUBJECT = re.compile(r"\b(?:kratom|strains?|red|green|white|veins?|bali|borneo|maeng|alkaloids?|"
                      r"mitragyn\w*|dos\w*|amounts?|sleep\w*|insomnia|opioids?|serotonin|"
                      r"melatonin|dopamine|side|risks?|pills?|capsules?|powder|tea|leaf|leaves)\b")
# A greeting with who is writing ("hi! night-shift nurse here", "hello, Sam here"), or with a
# short remark that asks nothing and names nothing of the article's ("good morning! just off
# a night shift lol"; not "hi, I can't sleep" or "hello, kratom question").
_INTRODUCTION = re.compile(rf"^(?:{_GREETING})(?: \w+){{1,3}} here$")
_GREETING_REMARK = re.compile(rf"^(?:{_GREETING})(?: \w+){{1,10}}$")
# Nobody and nothing wrong in the remark: "hey, my friend is not breathing", "morning, my head
# hurts", "hi, I took too much" are not greetings (the screen sees them first anyway).
_NOT_A_REMARK = re.compile(r"\b(?:i|im|me|my|mine|he|she|him|her|his|we|us|our|they|them|their|"
                           r"friend|son|daughter|kid|kids|child|baby|mom|dad|wife|husband|"
                           r"partner|help|hurts?|hurting|pain|sick|ill|took|take|taking|need|"
                           r"question|not|cant|cannot|can t|breath\w*|dying|die)\b")


def only_small_talk_words(question: str) -> bool:
    """Whether the message is made of small-talk words alone, one of them a word of greeting,
    thanks, goodbye or acknowledgement ("ok thx", "cheers mate", "merci, au revoir"; not
    "take one", whose words small talk also uses), "help" aside."""
    words = set(normalise(question).split())
    return (bool(words) and words <= _KNOWN and "help" not in words
            and not words.isdisjoint(_SAYS_WHICH))


def smalltalk_intent(question: str) -> str | None:
    """The small-talk intent of a whole message, or None when it asks something else."""
    text = normalise(question)
    for name, pattern in INTENTS:
        if pattern.match(text):
            return name
    asks = bool(_ASKS.search(question.lower()) or _ASKS.search(text))
    if _INTRODUCTION.match(text) or (_GREETING_REMARK.match(text) and not _SUBJECT.search(text)
                                     and not _NOT_A_REMARK.search(text) and not asks):
        return "greeting"
    closing = _CLOSING.match(text)
    closing_end = closing is None and _CLOSING_END.search(text) and not _SUBJECT.search(text)
    if (closing or closing_end) and not asks:
        return "goodbye" if closing and "bye" in closing.group(0) else "thanks"
    words = set(text.split())
    if words and words <= _KNOWN:
        for name, vocab in _WORDS.items():
            if words & vocab:
                return name
        if words & _ACKNOWLEDGING and not asks:
            return "thanks"
    return None
