"""Conversations: what the previous turn leaves behind, the signed token that carries it, and
whether a message only makes sense read with it.

The state lives with the client (the widget's sessionStorage, a Slack thread), so any worker of
any replica can take the next turn without sticky sessions or shared storage. It holds ids and
topics, never question text: the previous reply's kind, the entry it answered from and the
safety topic it referred, with the time it was issued. It is signed with HMAC-SHA256 under the
deployment's secret, so a client cannot forge a state; and since it carries no text, nothing in
it can reach the matcher without the safety screen (the entry's own question, read with the
new message, is screened again every turn).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from faq_bot.core.normalize import KRATOM_NAMES, normalise

TOKEN_VERSION = 1
DEFAULT_TTL_SECONDS = 30 * 60
# Tokens are small (ids and topics); anything much longer is not one of ours.
MAX_TOKEN_CHARS = 1024
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# Safety topics are snake_case ("special_population", "child_ingestion", "self_harm").
_TOPIC_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")
_KINDS = {"answer", "referral", "emergency", "clarify", "fallback", "smalltalk"}
# Issue times a little in the future are tolerated: replicas' clocks differ by a few seconds.
_CLOCK_SKEW = 60


@dataclass(frozen=True, slots=True)
class Turn:
    """What one reply leaves for the next message of its conversation.

    `kind` is the reply's kind; `faq_id` the entry the conversation last answered from;
    `refusal` ("referral" or "emergency") and `topic` the safety thread still open, if any;
    `turns` how many replies the conversation has had.
    """

    kind: str
    faq_id: str | None = None
    refusal: str | None = None
    topic: str | None = None
    turns: int = 1

    @property
    def refused(self) -> bool:
        """Whether a referral or emergency thread is open."""
        return self.refusal is not None and self.topic is not None

    def then(self, kind: str, faq_id: str | None, topic: str | None) -> Turn:
        """The state after the next reply (`kind`, its `faq_id` and safety `topic`).

        An answer closes a safety thread and becomes the context; a referral or emergency opens
        one; small talk, clarify and fallback keep both (a "thanks" does not end a dosing
        thread, and "and the green ones?" after "sorry?" still means the last answer).
        """
        turns = min(self.turns + 1, 10_000)
        if kind == "answer":
            return Turn(kind, faq_id, None, None, turns)
        if kind in ("referral", "emergency"):
            return Turn(kind, None, kind, topic, turns)
        return Turn(kind, self.faq_id, self.refusal, self.topic, turns)

    @staticmethod
    def first(kind: str, faq_id: str | None, topic: str | None) -> Turn:
        """The state after the first reply of a conversation."""
        return Turn("smalltalk", turns=0).then(kind, faq_id, topic)


def advance(previous: Turn | None, kind: str, faq_id: str | None, topic: str | None) -> Turn:
    """The state after a reply of `kind` (its `faq_id`, and its `topic` when it is a referral
    or an emergency), following `previous` (None: the conversation's first reply)."""
    topic = topic if kind in ("referral", "emergency") else None
    return (Turn.first if previous is None else previous.then)(kind, faq_id, topic)


class ConversationTokens:
    """Issues and reads signed conversation tokens; safe to share between threads."""

    def __init__(self, secret: bytes, ttl: int = DEFAULT_TTL_SECONDS,
                 clock: Callable[[], float] = time.time) -> None:
        if len(secret) < 16:
            raise ValueError("the conversation secret needs at least 16 bytes")
        self._secret = secret
        self.ttl = ttl
        self._clock = clock

    def _mac(self, payload: bytes) -> str:
        digest = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return _b64(digest)

    def issue(self, turn: Turn) -> str:
        """The token for `turn`, issued now."""
        body = {"v": TOKEN_VERSION, "t": int(self._clock()), "k": turn.kind, "f": turn.faq_id,
                "r": turn.refusal, "p": turn.topic, "n": turn.turns}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return payload + "." + self._mac(payload.encode())

    def read(self, token: object) -> Turn | None:
        """The Turn a token carries, or None for anything that is not a valid, live token of
        this deployment (not a string, malformed, tampered, from another secret, expired)."""
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
            return None
        payload, _, mac = token.partition(".")
        try:
            # The MAC is checked before the payload is parsed at all.
            if not hmac.compare_digest(mac.encode("ascii"), self._mac(payload.encode("ascii"))
                                       .encode("ascii")):
                return None
            body = json.loads(_unb64(payload))
        except (UnicodeError, ValueError):
            return None
        return self._turn(body)

    def _turn(self, body: object) -> Turn | None:
        if not isinstance(body, dict) or body.get("v") != TOKEN_VERSION:
            return None
        issued, kind, faq_id = body.get("t"), body.get("k"), body.get("f")
        refusal, topic, turns = body.get("r"), body.get("p"), body.get("n")
        now = self._clock()
        if not isinstance(issued, int) or not now - self.ttl <= issued <= now + _CLOCK_SKEW:
            return None
        if kind not in _KINDS or not isinstance(turns, int) or turns < 1:
            return None
        if refusal not in (None, "referral", "emergency"):
            return None
        if faq_id is not None and not (isinstance(faq_id, str) and _ID_RE.match(faq_id)):
            return None
        if topic is not None and not (isinstance(topic, str) and _TOPIC_RE.match(topic)):
            return None
        return Turn(kind, faq_id, refusal, topic, turns)


def _b64(data: bytes) -> str:
    # Hex, not base64: base64 text holds runs such as "-6g-" or "_5mg." that every check for
    # dose amounts in a reply would rightly flag; hex has no letter of any unit.
    return data.hex()


def _unb64(text: str) -> bytes:
    return bytes.fromhex(text)


# --- Reading a message with the previous turn ------------------------------------------------

# Openings that lean on what was just said: "and the green ones?", "what about red?", "but why".
_LEADS = re.compile(
    # an acknowledgement may come first: "ok what about 4?", "hmm, and the green ones?"
    r"^(?:(?:ok(?:ay)?|k|alright|right|hmm+|well|oh|ah|fine|sure|wait)\s+)?"
    r"(?:and|&|\+|but|so|also|plus|then|or|ok(?:ay)?\s+(?:and|but|so)|"
    # A reason offered for what was just said: "because of the serotonin thing?", "cuz of the
    # opioid part?".
    r"because|cause|cuz|coz|due\s+to|"
    # Asking for more of what was just said: "can you give a couple of examples?", "tell me
    # more", "what do you mean?".
    r"(?:can|could|would)\s+you\s+(?:give|show|list|name|share)\s+(?:me\s+|us\s+)?"
    r"(?:an?|some|any|a\s+few|a\s+couple(?:\s+of)?|one\s+or\s+two|two)\s+examples?|"
    r"(?:give|show)\s+(?:me\s+|us\s+)?(?:an?\s+|some\s+)?examples?|for\s+example|"
    r"like\s+what|(?:can\s+you\s+|could\s+you\s+|please\s+)?(?:tell\s+me\s+more|say\s+more|"
    r"elaborate|explain\s+(?:more|further|that)|go\s+on)|what\s+do\s+you\s+mean|"
    r"in\s+what\s+way|meaning\s*$|"
    # "even just the red ones?", "not even a little?": the same question, conceded down.
    r"what\s+about|how\s+about|what\s+if|and\s+if|(?:not\s+)?even|same\s+for|same\s+with|"
    r"how\s+come|why(?:\s+(?:is|does|do)\s+(?:that|it|this))?\s*$|really|says\s+who|"
    r"source|sources|proof|citation|any\s+(?:proof|evidence|studies|research)|"
    r"what\s+(?:do|should|can|must)\s+(?:i|we)\s+do|now\s+what|help|please\s+help|"
    # A choice between ways just named: "which way works better for sleep?". ("which one is the
    # most abundant?" only points back: it is a follow-on, not a rejoinder.)
    r"which\s+(?:way|ways|option|options|method|methods|form|forms)|"
    r"which\s+is\s+(?:better|best|safer|worse|stronger|milder)|"
    # Just the once: "just this once?", "only one time?"; only at a time: "only after the
    # last feed?", "just before bed, then?".
    r"(?:only|just)\s+(?:this\s+)?(?:once|one\s+time)|this\s+once|"
    r"(?:only|just)\s+(?:after|before|when|once|at|on|in\s+the)\b|"
    # A smaller amount of what was just asked about: "only half a bar", "just a sip?", "just a
    # tiny bit of the red?".
    r"(?:only|just)\s+(?:one|half|two|\d+|a\s+(?:(?:tiny|teeny|wee|very|little|small)\s+)?"
    r"(?:little|bit|few|couple|sip|single|glass|drink|beer|cup|small|half|smidge|pinch|taste|"
    r"touch|dash|nibble|crumb|amount|dose|bite)))\b")
# The same openings in the other languages the service reads ("¿y por qué...?", "und kann
# man...?", "et pourquoi...?", "e quanto...?"), looked for in the message as written: normalise()
# reads a lone "y" as the texting "why".
_OTHER_LEADS = re.compile(r"^\W*(?:y|e|et|und|pero|mas|mais|aber|entonces|ent[aã]o|alors|donc|"
                          # "not even...?", "even if...?": "¿ni siquiera...?", "nem mesmo...?"
                          r"ni|tampoco|aunque|incluso|nem|mesmo|m[eê]me|pas m[eê]me|"
                          # a smaller amount: "solo una, nada más", "só um copo", "juste un peu"
                          r"(?:solo|s[oó]lo|s[oó]|apenas|seulement|juste|nur|blo[sß]|bara)\s+"
                          r"(?:un|una|uno|um|uma|une|ein|eine|einen|\d+|un\s+poco|um\s+pouco|"
                          r"un\s+peu|ein\s+bisschen|poquito|"
                          # just the once: "nur ausnahmsweise", "solo una vez", "juste une fois"
                          r"ausnahmsweise|einmal|una\s+vez|esta\s+vez|uma\s+vez|desta\s+vez|"
                          r"une\s+fois|cette\s+fois|una\s+volta|questa\s+volta|"
                          # only at a time: "só depois da última mamada", "nur abends"
                          r"despu[eé]s|depois|antes|apr[eè]s|avant|nach|vor|dopo|prima|abends|"
                          r"de\s+noche|[aà]\s+noite|le\s+soir)|"
                          r"ausnahmsweise|"
                          r"nicht mal|nicht einmal|auch nicht|selbst wenn|auch wenn|"
                          # Polish, Italian, Dutch, Indonesian and Tagalog: "nawet w małej
                          # ilości?", "neanche un po'?", "zelfs een beetje?", "bahkan sedikit?"
                          r"nawet|tylko|cho[cć]by|anche|neanche|nemmeno|persino|zelfs|ook|"
                          r"alleen|bahkan|walaupun|meskipun|kahit)\b",
                          re.IGNORECASE)
# Closings that make a message a rejoinder: "only a glass of wine, though?", "an hour before
# sleeping, then?", "in that case?".
_TAILS = re.compile(r"(?:\bthough|\bthen|\bin\s+that\s+case|\btoo|\bas\s+well|\binstead|"
                    # "what does melatonin do again?": asked again of what was just said
                    r"\bagain)\s*$")
# Words that point back at something said before.
_POINTERS = re.compile(r"\b(?:it|its|it's|that|those|these|this|them|they|their|theirs|"
                       r"there|one|ones|same|such|more|instead|else|either|others)\b")
# The article's own subjects, and with them the words that give a short message a subject of
# its own: a message naming one of the latter can be read on its own.
_ARTICLE_SUBJECTS = (rf"{KRATOM_NAMES}|mitragyn\w*|7\s*oh|hydroxymitragynine|alkaloids?|opioids?|"
                     r"strains?|bali|borneo|maeng|article|study|studies|research|melatonin|"
                     r"dopamine|serotonin|receptors?|fda|cdc|authorit\w+")
_SUBJECTS = re.compile(rf"\b(?:{_ARTICLE_SUBJECTS}|red|green|white|sleep\w*|insomnia)\b")
# Openings that drop the thread on purpose: "never mind, where does kratom grow?".
_RESETS = re.compile(r"^(?:(?:ok(?:ay)?|oh|ah|alright|fine|well|so|hmm+|vale|bueno|bon|gut|"
                     r"also)\s+)?"
                     r"(?:never\s*mind|nevermind|nvm|forget\s+(?:it|that)|new\s+question|"
                     # "fine, forget the amount, why is red better?", "forget about dosing"
                     r"forget\s+(?:about\s+)?(?:the|my|that)\s+\w+|forget\s+about\s+\w+|"
                     # "ok forget her. what are the side effects in general?"
                     r"forget\s+(?:her|him|them)\b|"
                     # "ok forget amounts, why do red strains sedate more?", "forget dosing"
                     r"forget\s+(?:amounts?|doses?|dosing|dosage|numbers?|grams?|quantit(?:y|ies))\b|"
                     r"different\s+question|unrelated|changing\s+the\s+subject|anyway|"
                     # "andere Frage:", "otra pregunta", "outra pergunta", "autre question"
                     r"andere\s+frage|neue\s+frage|otra\s+pregunta|outra\s+pergunta|"
                     r"autre\s+question|nouvelle\s+question|"
                     r"another\s+question|other\s+question|"
                     # declining for the person just discussed: "ok not for him then. does it..."
                     r"not\s+for\s+(?:him|her|me|them|us)(?:\s+then)?(?=\W|$))")


def starts_afresh(message: str) -> bool:
    """Whether the message says it leaves the previous turn behind ("never mind, ...")."""
    return bool(_RESETS.match(normalise(message)))


def _leads_or_closes(text: str, message: str) -> bool:
    # An opening or a closing that leans on the previous turn; `text` is `message` normalised.
    return bool(_LEADS.match(text) or _TAILS.search(text) or _OTHER_LEADS.match(message))


def is_rejoinder(message: str) -> bool:
    """Whether `message` is a rejoinder to the previous turn: a leading "and"/"what about"/"how
    come", a closing "though?"/"then?", or a very short message with no subject of its own."""
    text = normalise(message)
    if not text or _RESETS.match(text):
        return False
    if _leads_or_closes(text, message):
        return True
    return len(text.split()) <= 3 and not _SUBJECTS.search(text)


def is_follow_on(message: str) -> bool:
    """Whether `message` only makes sense after the previous turn: a rejoinder, or a message
    that points back (it, that, those...) without naming kratom itself."""
    if is_rejoinder(message) or asks_about_last_answer(message):
        return True
    text = normalise(message)
    if not text or _RESETS.match(text):
        return False
    return bool(_POINTERS.search(text)) and "kratom" not in text


def points_back(message: str) -> bool:
    """Whether the message leans on the previous turn by its words: an opening or a closing
    that does ("and...", "what about...", "...though?") or a word that points (it, that,
    those). A short message without a subject but with none of these ("¿tiene efectos
    secundarios?") is read with the previous turn, but its own answer stands."""
    text = normalise(message)
    return _leads_or_closes(text, message) or bool(_POINTERS.search(text))


# Words a bare rejoinder is made of ("how come?", "why is that?", "says who?", "source?").
_BARE_WORDS = frozenset("""why how come really is that it this so source sources proof evidence
says who what where does do say the and then though ok okay huh wait seriously sure would
work works mean""".split())


def is_bare_rejoinder(message: str) -> bool:
    """Whether the message has no words of its own to match ("how come?", "why is that?"):
    only its reading with the previous turn can be matched."""
    words = normalise(message).split()
    return bool(words) and all(w in _BARE_WORDS for w in words)


# Asking where what was just said comes from: "where does it say that?", "says who?", "source?",
# "any proof of that?". The previous answer carries its section and the article's own words, so
# it is the reply. Not "does the research back that up?" or "is that proven?": those ask what
# research has shown, which the article's research section answers.
_WHERE_FROM = re.compile(
    r"^(?:(?:ok(?:ay)?|hmm+|wait|so|and|but|really|sorry)\s+)*"
    r"(?:where\s+(?:does|did)\s+(?:it|the\s+article|the\s+author|the\s+text|they|he|she)\s+"
    r"(?:say|says|said|mention|claim|state)\s+(?:that|this|so|it)|"
    r"where\s+(?:is|s)\s+(?:that|this)\s+(?:from|in\s+the\s+article)|"
    r"where\s+in\s+the\s+(?:article|text|piece)(?:\s+(?:is|s|does\s+it\s+say)\s+(?:that|this|it))?|"
    r"(?:cite|quote|name|show\s+me)\s+(?:the|that)\s+(?:section|part|passage|line|source)|"
    r"which\s+(?:section|part|paragraph)(?:\s+(?:is|s|says)\s+(?:that|this|it)(?:\s+in)?)?|"
    r"where\s+(?:did|do)\s+(?:you|they)\s+get\s+(?:that|this)|says\s+who|who\s+says(?:\s+so)?|"
    r"(?:what\s+is\s+(?:the|your)\s+|any\s+|got\s+a\s+|a\s+)?(?:source|sources|citation|quote)"
    r"(?:\s+(?:for|of)\s+(?:that|this|it))?|"
    r"(?:any\s+|is\s+there\s+(?:any\s+)?|got\s+(?:any\s+)?)?proof(?:\s+(?:of|for)\s+(?:that|this|it))?)"
    r"(?:\s+(?:please|pls|then|exactly))?$")


# Asking for what was just said again, more simply: "can you dumb that down?", "in simpler
# words please", "explain like I'm 5", "in plain English?".
_REPHRASE = re.compile(
    r"^(?:(?:ok(?:ay)?|hmm+|sorry|so|and|but|um+|uh+|wait)\s+)*"
    r"(?:(?:can|could|would)\s+you\s+|please\s+|pls\s+)?"
    r"(?:(?:dumb|break|water)\s+(?:that|it|this)\s+down|simplify(?:\s+(?:that|it|this))?|"
    r"(?:explain|say|put|tell\s+me)\s+(?:that|it|this)\s+(?:again\s+)?(?:more\s+)?"
    r"(?:simpl[ey]r?|simply|plainly|in\s+(?:plain|simple|simpler|easier|normal|layman\s*s?)"
    r"\s+(?:words|terms|english|language))|"
    r"explain\s+(?:it\s+|that\s+)?simpler|simpler|(?:in\s+)?(?:plain|simple|simpler|easier|normal|layman\s*s?)\s+(?:words|terms|english|"
    r"language)|(?:explain\s+)?like\s+i\s+(?:am|m)\s+(?:5|five|a\s+kid|a\s+child)|eli5|"
    r"in\s+(?:english|short)|what\s+does\s+that\s+mean\s+in\s+(?:plain|simple)\s+\w+|"
    # the same in the other languages the service reads: "tu peux expliquer plus simplement ?",
    # "¿puedes explicarlo más fácil?", "explica de forma mais simples", "einfacher bitte"
    r"(?:tu\s+peux\s+|vous\s+pouvez\s+|peux\s+tu\s+|pouvez\s+vous\s+|puedes\s+|podr[ií]as\s+|"
    r"pode\s+|podes\s+|kannst\s+du\s+|k[oö]nnen\s+sie\s+)?"
    r"(?:(?:l\s+|le\s+|me\s+l\s+)?expliquer|explicar(?:lo|me|mo)?|explica(?:r)?|erkl[aä]r(?:en|e)?(?:\s+(?:das|es))?)?"
    r"\s*(?:de\s+forma\s+|de\s+manera\s+|de\s+fa[cç]on\s+)?"
    r"(?:plus\s+simplement|plus\s+simple|m[aá]s\s+(?:simple|f[aá]cil|sencillo)|mais\s+(?:simples|f[aá]cil)|"
    r"einfacher|en\s+(?:termes|mots)\s+simples|en\s+palabras\s+(?:simples|sencillas)|"
    r"em\s+palavras\s+simples|in\s+einfachen\s+worten))"
    r"(?:\s+(?:for\s+me|please|pls|then|again|thanks|thx|lol))*$")


# Asking which thing does what was just said: "which compound does that?", "what causes that?",
# "which alkaloid is behind that?", "which one is responsible for it". The answer just given
# says it (the article names the alkaloid with each effect it reports); the words of the message
# alone ("compound") would only find the general entry about the alkaloids.
_WHICH_DOES_THAT = re.compile(
    r"^(?:(?:ok(?:ay)?|hmm+|so|and|but|wait)\s+)*(?:which|what)\s+"
    r"(?:(?:one|ones|compound|compounds|alkaloid|alkaloids|chemical|chemicals|substance|"
    r"substances|ingredient|ingredients|molecule|molecules|part|of\s+them)\s+)?"
    r"(?:(?:is|are|s|exactly)\s+)?"
    r"(?:does|do|did|causes?|caused|behind|responsible\s+for|produces?|triggers?|drives?)\s+"
    r"(?:that|this|it|those|these|them)(?:\s+effects?)?(?:\s+(?:exactly|then|again))?$")


def asks_about_last_answer(message: str) -> bool:
    """Whether the message asks about the answer just given: where it comes from ("where does it
    say that?", "says who?", "source?"), for it again, more simply ("can you dumb that down?",
    "in plain English?"), or which thing does what it said ("which compound does that?"). The
    previous answer, with its quote, is the reply."""
    text = normalise(message)
    return bool(_WHERE_FROM.match(text) or _REPHRASE.match(text)
                or _WHICH_DOES_THAT.match(text))


# The subjects a message can bring of its own: the article's, and the risks people ask about.
# The article's overall verdict is a subject of its own too: "so what's the bottom line?" after
# an answer about research asks for the conclusion, not for that answer again. So is the article
# itself: "who wrote it?" after any answer asks who wrote the article, not that answer's subject.
_TOPICS = re.compile(rf"\b(?:{_ARTICLE_SUBJECTS}|addict\w*|dependen\w*|hooked|side\s+effects?|"
                     r"risks?|withdrawal|bottom\s+line|takeaway|conclu\w+|"
                     r"wrote|written\s+by|authors?|writers?|published|sponsored|"
                     # which kind of it: the strains, whatever the last answer was about
                     r"(?:which|what) (?:type|types|kind|kinds|variety|varieties|colou?r)(?! of\b)|"
                     # whether it can kill or harm, a risk of its own after any answer
                     r"kill|kills|lethal|deadly|die|dying|deaths?|dangerous|danger|harmful|"
                     r"overdos\w*)\b")


# Saying a refused question is not the asker's own, and nothing more: "asking for a friend",
# "it's purely theoretical", "hypothetically", "for a story", "just curious", "not for me".
_DISCLAIMERS = re.compile(
    r"\b(?:(?:i\s+am\s+|i\s+m\s+)?asking\s+for\s+a\s+friend|for\s+a\s+friend|"
    r"(?:it\s+is\s+|it\s+s\s+|this\s+is\s+|purely\s+|just\s+|only\s+|totally\s+)*"
    r"(?:theoretical(?:ly)?|hypothetical(?:ly)?|academic|in\s+theory)|"
    r"(?:it\s+is\s+|it\s+s\s+)?not\s+(?:for\s+me|for\s+real|me)|"
    r"(?:it\s+is\s+|it\s+s\s+)?(?:just\s+|only\s+)?for\s+(?:research|science|a\s+story|"
    r"a\s+novel|a\s+book|a\s+project|school|a\s+class)(?:\s+purposes)?|"
    r"(?:i\s+am\s+|i\s+m\s+)?(?:just|only|purely)\s+curious|out\s+of\s+curiosity)\b")


# The research, the risks and the side effects as a subject: "is any of that proven?", "are
# scientists studying it?", "why does it cause dizziness then"
# Research as a question's own subject: "is anyone studying long-term effects?".
_STUDY_WORDS = r"stud(?:y|ies|ying|ied)|research\w*|scientists?|trials?|long\s+term|unknowns?"
_STUDIED = re.compile(rf"\b(?:{_STUDY_WORDS})\b")
_RESEARCH = re.compile(rf"\b(?:{_STUDY_WORDS}|scien\w*|proven|proof|evidence|habit\w*|safe\w*|"
                       r"side\s+effects?|downsides?|"
                       r"neurotransmitters?|section|nause\w*|dizz\w*|constipat\w*|appetite|"
                       r"tolerance|liver)\b")


def names_a_subject(message: str) -> bool:
    """Whether the message names one of the article's subjects or a risk ("is any of that
    proven?", "can it be habit forming?"), not only words that carry on ("relax, i won't sue
    you", "come on, nobody will know")."""
    text = normalise(message)
    return bool(_SUBJECTS.search(text) or _TOPICS.search(text) or _RESEARCH.search(text))


def only_disclaims(message: str) -> bool:
    """Whether the message only says the refused question is not the asker's own ("asking for
    a friend, it's purely theoretical") and asks nothing of its own: the same question again.
    "just curious, what are the side effects?" names a subject and stands alone."""
    text = normalise(message)
    if not _DISCLAIMERS.search(text):
        return False
    rest = _DISCLAIMERS.sub(" ", text)
    return not (_SUBJECTS.search(rest) or _TOPICS.search(rest))


# Asking whether what was just said is proven: "is that proven?", "does the research back that
# up?", "is that actually proven or just a theory?", the reading "proven" of "¿eso está
# comprobado?". What research has shown is the article's research section, whichever answer
# came before (as the conversations' writers label it, 27 turns of 32).
_PROOF = re.compile(r"\b(?:proven|proved|proof|evidence|backed|scientifically|theory|"
                    r"back\s+(?:that|it|this|any\s+of\s+that)\s+up|"
                    r"(?:studies|research)\s+(?:show|say|back|support)\w*)\b")


def asks_if_proven(message: str) -> bool:
    """Whether the message asks if what was just said is proven ("is that proven?", "does the
    research back that up?"), pointing back or in three words or fewer."""
    text = normalise(message)
    return bool(_PROOF.search(text)) and (points_back(message) or len(text.split()) <= 3)


def names_own_subject(message: str, previous_question: str) -> bool:
    """Whether the message names a subject the previous question did not ("so is it addictive
    then?" after a question about receptors): it asks about that, not about what came before."""
    def topics(text: str) -> set[str]:
        return {m.group(0) for m in _TOPICS.finditer(normalise(text))}
    return bool(topics(message) - topics(previous_question))


def read_with(previous_question: str, message: str) -> str:
    """The message read with the previous turn's question, for screening and matching."""
    return f"{previous_question.rstrip()} {message.strip()}"


# --- Keeping a safety thread open -----------------------------------------------------------

# A statement adding a detail about the asker or the person asked about, with no subject of its
# own: "she's 76", "I weigh 90 kilos", "he seems fine now", "my dad is on warfarin". After a
# referral it is the same question again with a detail added. (normalise() has expanded "she's"
# to "she is" and dropped the punctuation.)
_DETAILS = re.compile(
    r"^(?:but\s+|well\s+|ok(?:ay)?\s+|yes\s+|yeah\s+|no\s+)?"
    r"(?:i|we|he|she|they|it|my\s+\w+|our\s+\w+|his\s+\w+|her\s+\w+|their\s+\w+|"
    # the same in the other languages the service reads: "mon bébé a 3 mois", "mi hijo tiene
    # 4 años", "meu pai tem 80", "meine Mutter ist 79"
    r"(?:mon|ma|mes|mi|mis|meu|minha|meus|minhas|mein|meine|meinen)\s+\w+|"
    # the child the thread is about: "o bebê já tem 10 meses", "the baby is 4 months"
    r"(?:the|o|a|el|la|le|der|die|das|il)\s+(?:baby|bebe|beb[eêé]|b[eé]b[eé]|nene|nen[eê]|"
    r"crian[cç]a|ni[nñ][oa]|kind|enfant|bambin[oa]|kid|child|toddler)|"
    r"(?:je|j|yo|eu|ich|elle|il|ella|ela|ele|er|sie)\s+(?:suis|ai|prends|tengo|tomo|soy|estoy|"
    r"tenho|tomo|sou|estou|bin|habe|nehme|est|a|prend|tiene|toma|es|est[aá]|tem|ist|hat|nimmt))\b")
# People: in an emergency thread, "is he going to be ok?" is about the person in danger.
_PEOPLE = re.compile(r"\b(?:i|me|my|mine|myself|we|us|our|he|him|his|himself|she|her|hers|"
                     r"herself|someone|somebody|friend|son|daughter|kid|kids|"
                     r"child|baby|toddler|boyfriend|girlfriend|husband|wife|partner|mom|mum|"
                     r"dad|brother|sister|roommate)\b")
# Acknowledgements that small talk may not know as a whole: "got it, thanks", "ok, noted".
_ACKS = re.compile(
    r"^(?:(?:ok(?:ay)?|k|kk|got\s+(?:it|you)|gotcha|i\s+see|understood|noted|makes\s+sense|"
    r"alright|all\s+right|right|cool|great|perfect|good|nice|fair\s+enough|sounds\s+good|"
    r"good\s+to\s+know|will\s+do|thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much|\s+a\s+lot)?|"
    r"thank\s+u|thx|ty|cheers|much\s+appreciated|appreciate\s+it)\s*)+$")


def is_acknowledgement(message: str) -> bool:
    """Whether the message only acknowledges the previous reply ("got it, thanks", "ok, noted")."""
    return bool(_ACKS.match(normalise(message)))


def is_detail(message: str) -> bool:
    """Whether the message adds a detail about the asker or the person asked about and has no
    subject of its own ("she's 76", "I only weigh 50 kilos", "he seems fine now")."""
    text = normalise(message)
    return bool(text) and bool(_DETAILS.match(text)) and not _SUBJECTS.search(text)


# Carrying on a refused question without a word pointing back: asking for a short answer to it
# ("just yes or no", "responde só sim ou não"), or how long or how often ("like for a month
# straight", "for a week?", "every day?").
_SHORT_ANSWER = re.compile(
    r"\b(?:yes\s+or\s+no|yea\s+or\s+nay|s[ií]\s+o\s+no|sim\s+ou\s+n[aã]o|oui\s+ou\s+non|"
    r"ja\s+oder\s+nein|haan\s+ya\s+nahi)\b")
_HOW_LONG = re.compile(
    r"^(?:(?:like|maybe|say|just|only|what\s+about|and|or|ok)\s+)*(?:for|over|during|every|each)\s+"
    r"(?:a|an|one|two|three|four|five|six|seven|\d+|several|a\s+few|the\s+next|the\s+whole)?\s*"
    r"(?:days?|weeks?|months?|years?|nights?|evenings?|mornings?|bedtimes?)\b(?:\s+\w+){0,3}$")


# What the refused question would do to the asker or the person asked about, asked with no
# subject of its own ("will I feel sick?", "would she get headaches?", "am I going to feel
# awful?", "is it going to be rough?"): after a quitting, dosing or mixing referral, the outcome
# of what was refused. "will I sleep better with the red?" names a subject and stands alone.
_OWN_OUTCOME = re.compile(
    r"^(?:(?:ok(?:ay)?|so|and|but|then|hmm+|wait|like)\s+)*"
    r"(?:will|would|could|might|can|am|is|are|do|does)\s+(?:i|we|he|she|they|it|that)\s+"
    r"(?:be\s+going\s+to\s+|going\s+to\s+|gonna\s+|still\s+|then\s+|also\s+)?"
    r"(?:feel|get|be|have|hurt|suffer|go\s+through|end\s+up|make\s+(?:me|him|her|them|us))\b")


# Asking for the refused amount or timing loosely ("just a ballpark", "roughly?", "what do most
# people do, like an hour before?"), how the refused thing will go ("what's the worst part gonna
# be, the first few days?", "how bad does it get?") or for examples of it ("like sweats and
# anxiety?", "tipo sudori e ansia?"): with no subject of their own, the same question again.
_PRESSES = re.compile(
    r"\b(?:ball\s*park|rough\s+(?:idea|estimate|number|figure|guess|range)|roughly|"
    r"approximately|approx|give\s+or\s+take|ish\s+amount|an\s+estimate|"
    r"what\s+(?:do|did|would)\s+(?:most|other|normal|regular|typical)\s+(?:people|users|folks)\s+"
    r"(?:do|take|use|go\s+with)|what\s+(?:is|s)\s+(?:typical|normal|usual|common|standard)|"
    r"what\s+(?:is|s|will\s+be)\s+the\s+(?:worst|hardest|toughest)\s+(?:part|bit|thing|days?|"
    r"nights?|week)|(?:worst|hardest)\s+part\s+(?:gonna|going\s+to)\s+be|"
    r"how\s+(?:bad|rough|hard|long)\s+(?:will|would|is|does|do)\s+(?:it|that|they|this)\s+"
    r"(?:be|get|last|going\s+to\s+be|gonna\s+be)|"
    # whether some amount or time would do: "is an hour enough?", "is een uurtje genoeg?"
    r"(?:is|would|will|s|ist|es|est)\s+(?:\w+\s+){0,3}(?:enough|genoeg|suficiente|assez|genug|"
    r"abbastanza|cukup|sapat))\b")
# A choice between two ways put after a refused question ("slowly or all at once?", "lieber
# langsam oder auf einmal?", "tea or capsules?"): a few words either side of an "or".
_EITHER_OR = re.compile(r"^(?:\w+\s+){0,3}(?:or|oder|ou)\s+(?:\w+\s+){0,3}\w+$")
_EXAMPLES = re.compile(r"^(?:like|tipo|como|comme|genre|so\s+wie|z\s*b|e\s*g)\s+"
                       r"(?:\w+\s+){0,4}\w+$")


def presses_the_question(message: str) -> bool:
    """Whether the message presses the last question, whatever its words match alone: where it
    says so ("where does it say that?"), or, with no subject of its own, a yes or a no ("come
    on, yes or no?"), what it would do to the asker ("will I feel sick?", in a few words), an
    estimate or what most people do, how it will go, examples ("like sweats?") or a choice
    between two ways ("slowly or all at once?")."""
    if asks_about_last_answer(message):
        return True
    text = normalise(message)
    if _SUBJECTS.search(text):
        return False
    return bool(_SHORT_ANSWER.search(text) or _PRESSES.search(text) or _EXAMPLES.match(text)
                or _EITHER_OR.match(text)
                or (_OWN_OUTCOME.match(text) and len(text.split()) <= 8))


def continues_referral(message: str) -> bool:
    """Whether, after a referral (dosing, mixing, a special situation, dependence), the message
    carries on that question: a follow-on ("and if it's six?", "only a glass of wine,
    though?", "which way works better?"), a detail added to it ("she's 76", "mon bébé a 3
    mois"), how long ("like for a month straight") or a short answer asked for ("just yes or
    no")."""
    if starts_afresh(message):
        return False
    text = normalise(message)
    short_answer = bool(_SHORT_ANSWER.search(text)) and not _SUBJECTS.search(text)
    return (is_follow_on(message) or is_detail(message) or short_answer
            or bool(_HOW_LONG.match(text)))


# Openings a question may carry and still stand on its own ("ok, ", "fine. ", "lol ok so "),
# and the words a whole question starts with.
_FILLERS = re.compile(r"^(?:(?:ok(?:ay)?|k|fine|alright|all\s+right|lol|haha|so|and|but|well|then|"
                      r"hmm+|right|cool|sure|got\s+it|i\s+see|thanks?|thx)\s+)+")
# Sleep alone is every question's subject here, and a colour alone ("is red better") leans on
# what was asked: a question of its own names one of the article's subjects or a risk
# (_TOPICS).
_QUESTION_START = re.compile(r"^(?:how|what|why|where|which|who|is|are|does|do|can|could|was|"
                             r"were|has|have|did|will|would)\b(?!\s+(?:about|if)\b)")


# A third person: after a referral about someone's situation ("would red bali be okay for my
# grandmother? she's 85"), "she" or "him" is that person again.
_THIRD_PERSON = re.compile(r"\b(?:he|him|his|himself|she|her|hers|herself)\b")


def speaks_of_the_person(message: str) -> bool:
    """Whether, after a referral, the message speaks of a third person ("what side effects
    should she watch for?", "is it any safer for him at night?"): the person of that referral,
    unless it says it leaves the question ("never mind", "ok not for him then. ...")."""
    return not starts_afresh(message) and bool(_THIRD_PERSON.search(normalise(message)))


def asks_on_its_own(message: str) -> bool:
    """Whether, after a referral, the message is a whole question of its own: past its opening
    words ("ok", "fine", "and") it starts like a question, has five words or more, names a
    subject of its own (the article's, or a risk: "what are the main side effects then?") and no
    person ("ok, how does kratom relate to melatonin then?", "fine.
    what are the risks of kratom on its own then?"). "what about red kratom then?", "is red
    better then?", "which way works better for sleep?" (a choice between ways just named) and
    "what if my wife takes kratom too?" stay in the thread."""
    text = _FILLERS.sub("", normalise(message))
    return (bool(_QUESTION_START.match(text)) and not _LEADS.match(text)
            and len(text.split()) >= 5
            and bool(_TOPICS.search(text) or _STUDIED.search(text))
            and not _PEOPLE.search(text))


# A question saying it asks about everyone, not the person or the case just refused: "ok, and
# the general risks?", "what are the usual side effects in general?", "what should people be
# careful about with it?", "e quais os riscos no geral?". People with a qualifier ("people on
# antidepressants", "people who are pregnant") are a case, not everyone.
# "In general" in the other languages the service reads.
_GENERAL_ABROAD = (r"no\s+geral|em\s+geral|en\s+general|en\s+g[eé]n[eé]ral|im\s+allgemeinen|"
                   r"allgemein|in\s+generale|in\s+het\s+algemeen|algemeen")
_IN_GENERAL = re.compile(
    r"\b(?:in\s+general|general|generally|overall|in\s+most\s+people|for\s+(?:most\s+)?"
    r"(?:people|everyone|anyone|users)|"
    r"(?:people|users|everyone|anyone|adults|grown\s*ups)(?!\s+(?:with|on|who|that|taking|over|"
    r"under|like|in|"
    r"at|during|while|if|when|after|before|having|using|mixing)\b)|"
    rf"{_GENERAL_ABROAD})\b")


# Caution, or the advice and warnings given to everyone ("the general advice for anyone
# thinking about trying it").
_CAUTION = re.compile(r"\b(?:careful|caution|watch\s+out|look\s+out|aware|know\s+about|advice|"
                      r"advised|precautions?|warnings?)\b")
# The same in the other languages the service reads, said of everyone or of the research
# ("y en general, ¿qué riesgos tiene?", "was wird gerade erforscht?"), and the words that make
# such a message a case after all: a person (the Portuguese "ele" is kratom too, but also him),
# a "with" or an "if", a number. (Not "se": the Spanish one is no "if".)
_FOREIGN_GENERAL = re.compile(
    rf"\b(?:{_GENERAL_ABROAD}|generalmente|geralmente|g[eé]n[eé]ralement|"
    r"investiga\w*|pesquis\w*|estudi\w*|estud\w*|\w*forsch\w*|studien|recherch\w*|ricerc\w*|"
    r"onderzo\w*)\b", re.IGNORECASE)
_FOREIGN_CASE = re.compile(
    r"\b(?:ela|ele|elas|eles|ella|[eé]l|ellos|ellas|lui|elle|eux|elles|er|sie|ihm|ihr|ihn|lei|"
    r"hij|zij|haar|hem|mi|mis|mein\w*|minha|minhas|meu|meus|mon|ma|mes|mio|mia|miei|mijn|su|sus|"
    r"seu|sua|son|sa|ses|sein\w*|tu|tus|teu|tua|ton|ta|tes|dein\w*|"
    r"con|com|avec|mit|met|si|wenn|falls|als|quand|cuando|quando|mientras|enquanto|pendant|"
    r"durante|w[aä]hrend|embarazad\w*|gr[aá]vida|enceinte|schwanger|zwanger)\b|\d",
    re.IGNORECASE)


def asks_in_general_abroad(message: str) -> bool:
    """Whether a message in another language asks about everyone or about the research, naming
    no person, "with", "if" or number ("ok. e quais os riscos no geral?", "vale. ¿y qué se está
    investigando ahora?"); "¿y los riesgos con alcohol?" and "e pra ela?" are cases."""
    return bool(_FOREIGN_GENERAL.search(message)) and not _FOREIGN_CASE.search(message)


# What makes a message said in general a case after all: a number, or a "with", "while" or
# "if" other than "with it" ("and in general with alcohol?").
_A_CASE = re.compile(r"\d|\b(?:with|while|during|if|when)\b(?!\s+(?:it|them|kratom)\b)")


def asks_in_general(message: str) -> bool:
    """Whether, after a referral, the message asks about one of the article's subjects for
    everyone, naming no person, amount or case ("ok, and the general risks?", "what else should
    people be careful about with it?"). "and in general with alcohol?" is a case: its mixing is
    screened alone, and "is it generally ok for her?" names a person."""
    text = _FILLERS.sub("", normalise(message))
    return (bool(_IN_GENERAL.search(text))
            and (names_a_subject(text) or bool(_CAUTION.search(text)))
            and not _PEOPLE.search(text) and not _A_CASE.search(text))


# Words about the state of someone in danger or about getting help: "should I still call
# someone?", "is he going to be ok?", "how long until it wears off?", "is that normal?".
_URGENT = re.compile(
    r"\b(?:call\w*|hospital|er|a\s*and\s*e|ambulance|911|999|112|poison\w*|doctor|nurse|"
    r"breath\w*|wake\s+up|woke\s+up|conscious|unconscious|respond\w*|vomit\w*|"
    r"throw\w*\s+up|threw\s+up|seizure\w*|fit|fits|shak\w*|twitch\w*|heart\w*|chest|pulse|"
    r"blue|pale|dizzy|faint\w*|pass\w*\s+out|collaps\w*|die|dying|dead|death|kill\w*|hurt\w*|"
    r"harm\w*|suicid\w*|overdos\w*|too\s+much|how\s+long|wear\w*\s+off|sleep\s+it\s+off|"
    r"ok|okay|fine|alright|worse|normal|dangerous|serious|emergency|worried|scared|"
    r"what\s+(?:do|should|can)\s+(?:i|we)\s+do)\b")
# The article as the subject: "what does the article say about...", "according to the article".
_ABOUT_ARTICLE = re.compile(r"\b(?:article|author|authors|according\s+to|study|studies|"
                            r"research|researchers|scientists?|science|evidence|conclusion|"
                            r"takeaway)\b")


def leaves_emergency(message: str) -> bool:
    """Whether a message that has an answer of its own may leave an emergency thread.

    It must say it starts afresh ("never mind, where does kratom grow?"), or name a subject of
    its own (kratom, strains, alkaloids, sleep, the article...) and then either ask what the
    article says, without both a person and someone's state ("my sister sent me this article,
    what is kratom according to it?"), or speak of no person and of nothing about someone's
    state or getting help ("what are the main alkaloids in it?"). These stay in the emergency:
    "what do I do", "he seems fine now", "i mean it", "ok and now?", "is that normal for
    kratom?", "is kratom dangerous?", "how long does kratom last?", "can he sleep it off?".
    """
    if starts_afresh(message):
        return True
    text = normalise(message)
    if not (_SUBJECTS.search(text) or _ABOUT_ARTICLE.search(text)):
        return False
    people, urgent = bool(_PEOPLE.search(text)), bool(_URGENT.search(text))
    if _ABOUT_ARTICLE.search(text):
        return not (people and urgent)
    return not (people or urgent)


# --- Figures asked for after an answer about dose -------------------------------------------

# A short message asking for figures ("any numbers on that?", "what are the figures?", "in
# grams?"), and the words that make a previous turn one about dose.
_FIGURES = re.compile(r"\b(?:numbers?|figures?|grams?|milligrams?|mg|exact amounts?|how much "
                      r"exactly)\b")
_ABOUT_DOSE = re.compile(r"\b(?:dose|doses|dosage|dosing|amount|amounts|how much|quantity)\b")


def asks_for_figures_about_dose(message: str, previous_section: str) -> bool:
    """Whether a short message asks for figures right after an answer from the section about
    dose ("any numbers on that?" after "so it depends on how much?"): the figures there are
    doses, which no reply gives. A message of six words or fewer; after an answer from another
    section ("any numbers on that?" after the side effects) it is not one."""
    text = normalise(message)
    return (len(text.split()) <= 6 and bool(_FIGURES.search(text))
            and bool(_ABOUT_DOSE.search(normalise(previous_section))))
