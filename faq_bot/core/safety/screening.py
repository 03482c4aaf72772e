"""The two screens together: the rules decide first; the learned model refers what it is sure
of and, when it is only suspicious, keeps an FAQ answer from going out.

Why not let the model refer whatever it flags: trained with one writer left out and scored on
that writer, it catches more of the safety questions the rules were never written for, but at
its plain 0.5 threshold it also flags a few percent of ordinary questions. So it refers on its
own only at the `refer` threshold, and between `caution` and `refer` it only turns what would
have been an answer into a careful referral; a fallback or a clarify gives nothing away, so
those stand. Both thresholds were chosen by cross-validation grouped by writer (`faq-bot train`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from faq_bot.core.safety.learned import Judgement, LearnedScreen, bundled
from faq_bot.core.safety.ruleset import EMERGENCY, REFERRAL
from faq_bot.core.safety.screen import (
    ABOUT_SOMETHING_ELSE,
    Verdict,
    about_dependence_in_general,
    about_dose_in_general,
    asks_about_involving_a_doctor,
    assess,
    dates_sleep_trouble_from_an_event,
    names_a_child,
    names_someone_as_context,
    says_the_asker_takes_it,
    set_aside,
    sounds_urgent,
)
from faq_bot.core.safety.topics import DEPENDENCE, DOSING, INTERACTION, SPECIAL_POPULATION

_WORDS = re.compile(r"\w+")
# Thanks that asks nothing ("great, that settles the argument with my brother, thanks"): a
# chat closing, which the model has read as a referral at 0.85. Whatever risk such a message
# states in words is the rules' ("thanks, I'll take 10 g then").
_THANKS = re.compile(r"\b(?:thanks?|thank you|thx|ty|cheers|appreciate it|much appreciated|"
                     r"gracias|obrigad[oa]|merci|danke)\b", re.IGNORECASE)

# The verdicts' rule ids when the model decided (rules have their own ids in rules/*.yaml).
MODEL_REFER = "model.refer"
MODEL_CAUTION = "model.caution"
# The emergency topic of a model verdict: the model knows "an emergency", not which one, so it
# gets the general emergency reply (emergency number, poison line and crisis line).
MODEL_EMERGENCY_TOPIC = "urgent"


@dataclass(frozen=True, slots=True)
class Screening:
    """The screen's result for one question.

    `verdict` refers or escalates now (rules, or the model at its refer threshold); `caution`,
    when set, is the careful referral to give instead of an FAQ answer.
    """

    verdict: Verdict | None
    caution: Verdict | None = None
    judgement: Judgement | None = None


class SafetyScreen:
    """The rules, then (when given) the learned model; safe to share between threads."""

    def __init__(self, learned: LearnedScreen | None) -> None:
        self.learned = learned

    @classmethod
    def bundled(cls) -> SafetyScreen:
        """The rules with the model shipped in the package."""
        return cls(bundled())

    @classmethod
    def rules_only(cls) -> SafetyScreen:
        """The rules alone (for measuring what the model adds)."""
        return cls(None)

    def screen(self, question: str, judge: bool = True) -> Screening:
        """Screen one question; see Screening. With `judge` False only the rules read it (the
        engine's choice for a message of small-talk words alone)."""
        verdict = assess(question)
        if verdict is not None or self.learned is None or not judge:
            return Screening(verdict)
        if len(_WORDS.findall(question)) < 2:
            # One word ("ok", "no", "cool") is too little for the model: it read "ok" as
            # mixing ("is it ok with...") and "no" as an emergency. Every one-word risky
            # question in the labelled sets ("dose?", "suicidal", "kms") is the rules' already.
            return Screening(None)
        judgement = self.learned.judge(question)
        if judgement is None:
            return Screening(None)
        thresholds = self.learned.decision_thresholds
        if judgement.p_safety < thresholds.caution or self._rules_set_aside(question, judgement):
            return Screening(None, None, judgement)
        if judgement.p_safety >= thresholds.refer:
            return Screening(_verdict(judgement, MODEL_REFER, question), None, judgement)
        return Screening(None, _verdict(judgement, MODEL_CAUTION, question), judgement)

    @staticmethod
    def _rules_set_aside(question: str, judgement: Judgement) -> bool:
        # The rules set the dosing rules aside on purpose for two classes: an amount of
        # something plainly not kratom ("how many glasses of water a day") and dose dependence
        # as the article's subject ("at higher doses"). The model's dosing guess on those is the
        # same question the policy already answered, so it does not overrule it; its other
        # classes (an emergency, a medicine) still count.
        # Likewise whether kratom is addictive, asked in general ("could someone get hooked on
        # it?"): the policy answers it from Potential Risks, and the model's dependence guess
        # (or a mixing or dosing one) is that same question; an emergency or a special
        # situation still counts.
        if judgement.top in (DEPENDENCE, INTERACTION, DOSING) \
                and about_dependence_in_general(question):
            return True
        if not (judgement.emergency and sounds_urgent(question)) \
                and _THANKS.search(question) and "?" not in question:
            return True
        # Whether to involve a doctor ("should they be working with a doctor on it?") is the
        # article's own advice, and sleep trouble dated from a life event ("since the semester
        # started") is no one's use of kratom (the model learned "since I started" from people's
        # own use): a referral guess does not overrule the rules on either, an emergency does.
        if not judgement.emergency and (asks_about_involving_a_doctor(question)
                                        or dates_sleep_trouble_from_an_event(question)):
            return True
        # A child named in a question no rule referred: the rules set the child aside on
        # purpose (a child who only asked or mentioned it, a school project, the kids' bedtime
        # as the time of the evening, "sleep like a baby"), and the model's special-situation
        # guess rests on that same word ("my kid asked me whether kratom is a tree" at 0.95).
        if judgement.top == SPECIAL_POPULATION and names_a_child(question):
            return True
        # Likewise a person the rules read as only context for a question about the article
        # ("Mi hija me habló de una planta... ¿Qué es?", "Tenho 68 anos... O kratom é uma
        # árvore?", at 0.92 and 0.94): whatever the model's referral guess, it rests on the
        # person the rules already weighed; its emergency reading, with a word of danger in the
        # question, still counts.
        if not (judgement.emergency and sounds_urgent(question)) \
                and names_someone_as_context(question):
            return True
        # And a dose size's effect asked about ("could a little bit make me more alert?"),
        # which the rules answer from Dose-Dependent Results when no rule of theirs fires:
        # the model's dosing guess on it is that same question. A dosing question holding
        # such a phrase still has its dosing rule ("how much", "should I take"), and with the
        # asker taking it ("posso tomar uma dose alta...?") the model's guess stands: the
        # phrase lists cannot see the asker's words before the phrase.
        if judgement.top != DOSING:
            return False
        kept_out = set_aside(question)
        if kept_out == ABOUT_SOMETHING_ELSE:
            return True
        return (kept_out is not None or about_dose_in_general(question)) \
            and not says_the_asker_takes_it(question)


def _verdict(judgement: Judgement, rule: str, question: str) -> Verdict:
    if judgement.emergency:
        # The model's emergency class gives the emergency reply only with a word of danger
        # in the question (words/urgent.txt names 1,574 of the 1,579 labelled emergencies):
        # "my dad asked me where kratom comes from and I had no clue" is not one. Without
        # one, its likeliest referral: still a clinician, never an answer.
        if judgement.referral and not sounds_urgent(question):
            return Verdict(REFERRAL, judgement.referral, rule)
        return Verdict(EMERGENCY, MODEL_EMERGENCY_TOPIC, rule)
    return Verdict(REFERRAL, judgement.top, rule)
