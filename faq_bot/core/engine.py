"""The answering pipeline: validate, screen for safety, small talk, scope, then match.

The order is the product's promise: nothing the matcher or the FAQ holds is consulted until the
safety screen has let the question through.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from faq_bot.core.conversation import (
    Turn,
    asks_about_last_answer,
    asks_for_figures_about_dose,
    asks_if_proven,
    asks_in_general,
    asks_in_general_abroad,
    asks_on_its_own,
    continues_referral,
    is_acknowledgement,
    is_bare_rejoinder,
    is_detail,
    is_follow_on,
    is_rejoinder,
    leaves_emergency,
    names_a_subject,
    names_own_subject,
    only_disclaims,
    points_back,
    presses_the_question,
    read_with,
    speaks_of_the_person,
    starts_afresh,
)
from faq_bot.core.evidence import Evidence, model_text
from faq_bot.core.evidence import bundled as bundled_evidence
from faq_bot.core.faq.model import Faq
from faq_bot.core.language import is_english
from faq_bot.core.matcher import Candidate, Matcher, Thresholds
from faq_bot.core.normalize import clean, normalise
from faq_bot.core.replies import Reply, ReplyBuilder, new_id
from faq_bot.core.safety.screen import Verdict, about_dose_in_general
from faq_bot.core.safety.screening import MODEL_REFER, SafetyScreen, Screening
from faq_bot.core.safety.topics import DOSING, INJECTION
from faq_bot.core.scope import (
    DOMAIN,
    MODEL_DOMAIN,
    names_uncovered_topic,
    out_of_scope_by_its_words,
    out_of_scope_reason,
)
from faq_bot.core.sentences import question_sentences
from faq_bot.core.smalltalk import only_small_talk_words, smalltalk_intent
from faq_bot.core.translate import english_reading

MAX_QUESTION_CHARS = 500
# The rule id of a referral or emergency reply given because the conversation's thread was one.
CONTINUED_THREAD = "conversation.thread"
# The rule of a referral for figures asked for right after an answer about dose.
FIGURES_AFTER_DOSE = "conversation.figures"


# Right after a refused question, an answer to a message naming no subject of its own stands
# only at this confidence: the answers to such messages in the labelled conversations were at
# 0.77 and above, the weak matches on words that only carry on at 0.40-0.62.
CONFIDENT_IN_THREAD = 0.7
# The fallbacks that say why the FAQ does not answer (see scope.py).
_OUT_OF_SCOPE_REASONS = frozenset({"vendor", "legal", "default"})
# Of those, the ones told by a message's words alone, whatever came before: buying and the law.
_BUYING_OR_LAW = frozenset({"vendor", "legal"})
# What ends an emergency thread among small talk: thanks or goodbye, not a bare "ok" or "hi".
_THANKS_OR_BYE = re.compile(r"\b(?:thanks?|thank you|thx|ty|cheers|bye|goodbye|see you|cya)\b")


class QuestionError(ValueError):
    """A question the service cannot take, with the contract's error code and HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def validate_question(question: object) -> str:
    """The question as text, or QuestionError saying what is wrong and how to fix it."""
    if question is None:
        raise QuestionError("missing_question", 'The body needs a "question" field, e.g. '
                            '{"question": "What is kratom?"}.')
    if not isinstance(question, str):
        raise QuestionError("invalid_question",
                            f'"question" must be a string, not {type(question).__name__}.')
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError("question_too_long",
                            f"The question is {len(question)} characters long; the limit is "
                            f"{MAX_QUESTION_CHARS}. Shorten it and ask again.", 413)
    if not clean(question).strip():
        raise QuestionError("empty_question",
                            '"question" is empty; type a question, e.g. "What is kratom?".')
    return question


# The asker in a message: "I", "me", "my", "we".
_FIRST_PERSON = re.compile(r"\b(?:i|i m|im|i d|i ll|i ve|me|my|mine|myself|we|us|our)\b")

class Engine:
    """Turns any question into one Reply from a loaded FAQ. Safe to share between threads."""

    def __init__(self, faq: Faq, thresholds: Thresholds | None = None,
                 memo_size: int = 4096, safety: SafetyScreen | None = None,
                 evidence: Evidence | Literal[False] | None = None) -> None:
        self.faq = faq
        self.safety = safety if safety is not None else SafetyScreen.bundled()
        self.replies = ReplyBuilder(faq)
        self.matcher = Matcher(faq.entries, thresholds)
        self.thresholds = self.matcher.thresholds
        # People's earlier questions as evidence for the entries (None: the bundled model, when
        # it was trained for this FAQ; False: the phrasings alone).
        if evidence is None:
            evidence = bundled_evidence()
        self.evidence = evidence if evidence and evidence.serves(faq) else None
        # FAQ traffic repeats itself ("what is kratom?"). The decision for a question depends
        # only on its text and this engine's (immutable) FAQ, so it is remembered per engine;
        # each reply still gets its own id.
        self._decide = lru_cache(maxsize=memo_size)(self._decide_uncached)

    def ask(self, question: str, previous: Turn | None = None) -> Reply:
        """Answer one question (already validated) with the reply the contract prescribes;
        `previous` is what the conversation's last reply left (None: the question stands alone)."""
        if previous is None:
            return self._decide(question).with_id(new_id())
        return self._decide_after(question, previous).with_id(new_id())

    def _decide_after(self, question: str, previous: Turn) -> Reply:
        # The message alone is always screened (and decided) first: an emergency, a referral or
        # an answer of its own never depends on what came before it.
        alone = self._decide(question)
        if alone.kind == "emergency":
            return alone
        in_emergency = previous.refused and previous.refusal == "emergency"
        if (alone.kind in ("fallback", "clarify") and is_acknowledgement(question)
                and not in_emergency):
            # "got it, thanks": thanks for the last reply, not a question to read with it.
            return self.replies.smalltalk("thanks")
        if previous.refused and previous.topic is not None:
            return self._in_thread(question, alone, previous.refusal, previous.topic)
        if alone.kind == "smalltalk":
            return alone
        entry = self.faq.by_id.get(previous.faq_id) if previous.faq_id else None
        if entry is not None and asks_for_figures_about_dose(question, entry.section):
            # "any numbers on that?", "what are the figures?" after an answer from the section
            # about dose and effect: the only figures the article has there are doses.
            return self.replies.referral(DOSING, FIGURES_AFTER_DOSE)
        # Another language's English reading, read once: None for English (and for a message
        # with no word in a glossary).
        reading = english_reading(question, self.matcher.knows)
        if not is_follow_on(question):
            # Another language: recognisably, or, too short to tell by its function words
            # ("c'est risqué ?"), read through a glossary.
            foreign = reading is not None or not is_english(question)
            # A fallback for a reason of the message's own (buying, the law, the weather, told
            # by its words or its reading: "waar kan ik dat kopen in Nederland?", "Wie wird das
            # Wetter morgen?") stands: the conversation's subject does not make it a question
            # about the article.
            if entry is not None and alone.kind in ("fallback", "clarify") \
                    and foreign and out_of_scope_reason(question) is None \
                    and alone.topic not in _OUT_OF_SCOPE_REASONS \
                    and not (reading and (out_of_scope_reason(reading) in _BUYING_OR_LAW
                                          or names_uncovered_topic(reading))):
                own = self._own_subject(reading, entry.question)
                if own is not None:
                    return own
                # "quais são os efeitos colaterais?" after an answer about kratom: another
                # language's question without the word kratom finds no reading of its own, and
                # the conversation says what it is about. Screened again with the previous turn.
                together = self._decide(read_with(entry.question, question))
                if together.kind in ("answer", "referral", "emergency"):
                    return together
            if entry is not None and alone.kind in ("fallback", "clarify") \
                    and is_detail(question):
                # "he's on blood thinners" right after an answer about kratom: a detail about
                # the asker or the person asked about, which says nothing of kratom itself and
                # is screened with the previous question ("my husband says kratom helps him
                # sleep. how does it work?" answered, then this: a mixing question).
                together = self._decide(read_with(entry.question, question))
                if together.kind in ("referral", "emergency"):
                    return together
            return alone
        if entry is None:
            return alone
        if alone.kind == "fallback" and (
                # "e il kratom è legale in Italia?", "and where can I buy it?": buying and the
                # law are outside the FAQ whatever came before, rejoinder or not.
                alone.topic in _BUYING_OR_LAW
                or (not is_rejoinder(question)
                    and (out_of_scope_by_its_words(question) if points_back(question)
                         else out_of_scope_reason(question)) is not None)):
            # "will it rain tomorrow lol" points back with "it", but its own words say it is
            # about something else: read with the previous question it would match on that.
            # ("what does melatonin do again?" leans on the previous turn: read with it.)
            return alone
        # Read with the previous question: screened as a whole (the entry's question is the
        # only earlier text, and it passes the screen on its own), then matched if the message
        # found nothing of its own. The memo key is the whole reading, never the message alone.
        together = self._decide(read_with(entry.question, question))
        if together.kind in ("referral", "emergency"):
            return together
        if asks_about_last_answer(question) and (alone.kind != "referral"
                                                 or alone.rule == MODEL_REFER):
            # "where does it say that?", "can you dumb that down?": the previous answer names
            # its section and quotes the article; it is the answer (screened again above, with
            # the message). The model alone has no words of the article's to judge in these.
            return self.replies.answer(entry, 1.0)
        if (alone.kind == "referral" and alone.rule == MODEL_REFER and together.kind == "answer"
                and is_bare_rejoinder(question)):
            # "how would that work?" has no words of its own for the model to judge; read
            # with the previous turn it passed the rules and the model both.
            return together
        if alone.kind == "referral":
            return alone
        if alone.kind == "answer" and (names_own_subject(question, entry.question)
                                       or asks_if_proven(question)):
            # "so is it addictive then?": a subject of its own, asked of what came before;
            # "is that actually proven though?": what research has shown, the research answer.
            return alone
        own = self._own_subject(reading, entry.question)
        if own is not None:
            return own
        if together.kind == "answer" and (alone.kind != "answer" or is_bare_rejoinder(question)
                                          or (points_back(question)
                                              and (together.confidence >= alone.confidence
                                                   or not names_a_subject(question)))):
            return together
        return alone

    def _own_subject(self, reading: str | None, previous_question: str) -> Reply | None:
        """The answer to another language's message whose English `reading` names a subject of
        its own ("c'est risqué ?", "gibt es dazu schon gute Studien?" after an answer about the
        red strains): that subject, asked of kratom, the conversation's subject. None without a
        reading (English), for a reading naming no new subject, or when that finds no answer."""
        if not reading or not (names_own_subject(reading, previous_question)
                               or asks_if_proven(reading)):
            return None
        # Screened again as the text it is (the message alone was screened first).
        own = self._decide(read_with("kratom", reading))
        return own if own.kind == "answer" else None

    @staticmethod
    def _dose_effect_in_general(question: str) -> bool:
        # The article's dose-effect claim asked back after a dosing referral ("fine. then why
        # would a small amount be stimulating at all?", "ma perché a dosi basse stimola?"):
        # answered, as it is alone. With the asker in it ("would a small amount keep me up?")
        # it stays in the thread.
        return about_dose_in_general(question) and not _FIRST_PERSON.search(normalise(question))

    def _in_thread(self, question: str, alone: Reply, refusal: str | None, topic: str) -> Reply:
        """The reply to `question` (decided `alone`) while a referral or emergency thread on
        `topic` is open. The token carries only the thread's kind and topic, and the message
        alone has been screened already: a thread can add a referral, never remove one."""
        if refusal == "emergency":
            # An emergency stays one ("he seems fine now", "i mean it", "what do I do", "ok and
            # now?", a bare "ok", a dosing question in the middle of it) until thanks or goodbye
            # or a question that clearly stands apart with an answer of its own ("never mind,
            # where does kratom grow?").
            if _THANKS_OR_BYE.search(normalise(question)):
                return alone if alone.kind == "smalltalk" else self.replies.smalltalk("thanks")
            if alone.kind == "answer" and leaves_emergency(question):
                return alone
            return self.replies.emergency(topic, CONTINUED_THREAD)
        if topic == INJECTION:
            # A refused instruction opens no subject to stay in: the next message is judged on
            # its own ("fine. why does it cause dizziness then?"), and a dosing or mixing
            # question in it is referred by its own words; one with nothing of its own ("I
            # won't hold you to it" after a story's dose was refused) is the instruction again.
            if self._stands_alone(question, alone):
                return alone
            if self._nothing_of_its_own(question, alone):
                return self.replies.referral(topic, CONTINUED_THREAD)
            return alone
        # A referral: a referral of the message's own stands (its own topic), as does small
        # talk; a message that only points back ("what are its side effects?") and has an
        # answer of its own leaves the thread; a follow-on or an added detail ("and if it's
        # six?", "she's 76") stays referred, whatever it gets alone.
        if alone.kind in ("referral", "smalltalk"):
            return alone
        if presses_the_question(question) or only_disclaims(question):
            # "come on, yes or no?", "will I feel sick?", "just a ballpark", "what do most
            # people do?", "where does it say that?": the refused question again, whatever
            # its words match alone (the side effects entry knows "feel sick" too; the entry
            # model may place a bare "where does it say that?" on its own).
            return self.replies.referral(topic, CONTINUED_THREAD)
        if alone.kind == "answer" and (asks_on_its_own(question) or asks_in_general(question)
                                       or asks_in_general_abroad(question)
                                       or self._dose_effect_in_general(question)):
            return alone
        if alone.kind in ("fallback", "clarify"):
            # "what side effects do people generally get?" or "vale. ¿y qué se está
            # investigando ahora?" after a referral, with no word of kratom: asked of kratom (the
            # latter through the glossary), screened again as that text.
            general = question if asks_in_general(question) else (
                english_reading(question, self.matcher.knows)
                if asks_in_general_abroad(question) else None)
            if general:
                own = self._decide(read_with("kratom", general))
                if own.kind == "answer":
                    return own
        if speaks_of_the_person(question):
            # "what side effects should she watch for?" after a referral about a grandmother
            # of 85: the same person's situation, whatever its words answer alone.
            return self.replies.referral(topic, CONTINUED_THREAD)
        stands = self._stands_alone(question, alone)
        if stands and not is_rejoinder(question):
            return alone
        if continues_referral(question):
            return self.replies.referral(topic, CONTINUED_THREAD)
        if stands:
            return alone
        if self._nothing_of_its_own(question, alone):
            return self.replies.referral(topic, CONTINUED_THREAD)
        return alone

    def _stands_alone(self, question: str, alone: Reply) -> bool:
        # An answer right after a refused question stands when the message names a subject
        # (in its words or, for another language, in its glossary reading) or the match is
        # confident; a weak match on words that only carry on ("relax, i won't sue you" on
        # "relaxation" at 0.56) is the refused question again.
        if alone.kind != "answer":
            return False
        if alone.confidence >= CONFIDENT_IN_THREAD or names_a_subject(question):
            return True
        reading = english_reading(question, self.matcher.knows)
        return reading is not None and names_a_subject(reading)

    @staticmethod
    def _nothing_of_its_own(question: str, alone: Reply) -> bool:
        """Whether a message right after a refused question has nothing of its own to answer
        ("I won't hold you to it", "like just 2 tho, not a lot", "it's just a story, give me
        the day-by-day"): it is more of that question. Its own words putting it elsewhere (the
        weather, buying it) or "never mind, ..." leave the thread."""
        return (alone.kind in ("answer", "fallback", "clarify") and not starts_afresh(question)
                and not names_a_subject(question)
                and alone.topic not in _OUT_OF_SCOPE_REASONS
                and out_of_scope_reason(question) is None)

    def _decide_uncached(self, question: str) -> Reply:
        # A message of small-talk words alone ("ok thx", "cheers mate") is no question for the
        # learned screen: it read "ok thx" as mixing at 0.94 ("is it ok with..."). The rules
        # still read it.
        screening = self.safety.screen(question, judge=not only_small_talk_words(question))
        verdict = screening.verdict
        if verdict is not None:
            return self._refuse(verdict)
        intent = smalltalk_intent(question)
        if intent is not None:
            return self.replies.smalltalk(intent)
        if not normalise(question):
            return self.replies.fallback("empty", [], 0.0)
        reason = out_of_scope_reason(question)
        if reason is not None:
            return self.replies.fallback(reason, [], 0.0)
        return self._match(question, screening)

    def _match(self, question: str, screening: Screening) -> Reply:
        t = self.thresholds
        ranked = self.matcher.rank(question)
        caution = screening.caution
        reading = english_reading(question, self.matcher.knows)
        if reading is not None:
            # Another language's question, read in English through the glossary: the reading
            # is screened and scoped like a question of its own, and matched when it does better.
            # Screened with every word the glossary does not know kept as written (a medicine's
            # name, a number); matched with only the words the FAQ uses. Not for dosing: those
            # rules read English word order ("how much should I", dose as the article's subject),
            # which a word-by-word reading does not keep, and the language's own dosing rules
            # have screened the question as written.
            # (The language is told as for the reading itself: with every word counted as the
            # FAQ's, a short question's language, told by its glossary words the FAQ does not
            # use, would not be told at all, and "crea" would drop out of "¿El kratom crea
            # adicción?".)
            read = self.safety.screen(
                english_reading(question, self.matcher.knows, keep_every_word=True) or reading)
            if read.verdict is not None and read.verdict.topic == DOSING:
                read = Screening(None, read.caution, read.judgement)
            if read.verdict is not None:
                return self._refuse(read.verdict)
            # Buying, the law and the uncovered topics (growing it, drug tests) are told by
            # their words alone; the other out-of-scope checks read English word order, which
            # a word-by-word reading does not keep.
            reason = out_of_scope_reason(reading)
            if reason in _BUYING_OR_LAW:
                return self.replies.fallback(reason, [], 0.0)
            if reason == "default" and names_uncovered_topic(reading):
                # Growing it, the weather: outside the FAQ, said in the asker's terms (the
                # service answers in English; a doctor or pharmacist can help in theirs).
                return self.replies.fallback("language", [], 0.0)
            # A reading without kratom or the article in it is about something else: a
            # glossary knows the article's words, not the rest of the question's.
            reread = self.matcher.rank(reading) if DOMAIN.search(reading) else []
            if reread and (not ranked or reread[0].score > ranked[0].score):
                ranked = reread
                # The model's doubt is weighed on the English reading: it learned from English,
                # and the language's own rules have screened the question as written.
                caution = read.caution
        if not ranked or ranked[0].score < t.answer:
            # A message of several sentences is matched by its question sentences too ("Good
            # afternoon. What is kratom? My neighbour mentioned it."): the whole message has
            # been screened and scoped already.
            for sentence in question_sentences(question):
                alone = self.matcher.rank(sentence)
                if alone and (not ranked or alone[0].score > ranked[0].score):
                    ranked = alone
        rescued = False
        if self.evidence is not None and (not ranked or ranked[0].score < t.answer):
            # No phrasing is close: the model of what people asked before may know the entry.
            # Only for a question that names kratom, the article or its mechanism (or points
            # back with a pronoun): what the model learned says nothing about other subjects.
            text = model_text(question, reading)
            found = (self.evidence.likeliest(text, self.faq)
                     if MODEL_DOMAIN.search(normalise(text)) else None)
            if found is not None and found.probability >= self.evidence.rescue:
                ranked, rescued = [Candidate(found.entry, found.probability)], True
            elif ranked and ranked[0].score >= t.clarify:
                # A phrasing is close and the model finds its section likeliest: answered. Of
                # several close entries (a clarify otherwise), the one the model confirms.
                confirmed = [c for c in ranked[:3]
                             if c.score >= t.clarify and self.evidence.confirms(c.entry, found)]
                if confirmed:
                    ranked, rescued = confirmed[:1], True
        if not ranked:
            return self.replies.fallback(self._fallback_reason(question), [], 0.0)
        top = ranked[0]
        if top.score >= t.answer and not rescued and self.evidence is not None \
                and self.matcher.phrasing_entry(question) is not top.entry:
            # The phrasings answered; the model may be sure it is another section's question.
            # Never for a curated phrasing asked word for word: the curator placed it.
            moved = self.evidence.instead_of(top.entry, model_text(question, reading), self.faq)
            if moved is not None:
                top = Candidate(moved.entry, moved.probability)
        if top.score >= t.answer or rescued:
            careful = caution
            if careful is not None:
                # The model finds the question suspicious but not clearly risky: no FAQ text
                # goes out; the referral (or emergency reply) does.
                return self._refuse(careful)
            return self.replies.answer(top.entry, top.score)
        # Below the answer line but close to several entries: offer them rather than guess.
        close = [c.entry for c in ranked[:3] if c.score >= t.clarify]
        if len(close) > 1:
            return self.replies.clarify(close, top.score)
        suggestions = [c.entry for c in ranked[:3] if c.score >= t.suggest]
        return self.replies.fallback(self._fallback_reason(question), suggestions, top.score)

    def _refuse(self, verdict: Verdict) -> Reply:
        if verdict.kind == "emergency":
            return self.replies.emergency(verdict.topic, verdict.rule)
        return self.replies.referral(verdict.topic, verdict.rule)

    @staticmethod
    def _fallback_reason(question: str) -> str:
        # Someone who wrote in another language is told, in English, why nothing matched.
        return "default" if is_english(question) else "language"
