"""A substance kratom is compared with is not one taken with it: "is kratom like morphine?" can
be answered; taking, mixing, replacing or being on the substance is still referred. The
questions are written here, not taken from an evaluation set."""

from __future__ import annotations

import pytest

from faq_bot.core.safety import assess

COMPARED = [
    # kratom said to be both sides: the article's claim, not two substances
    "kratom acts as a sedative at night but as a stimulant in the day, why?",
    "the article says it's a stimulant in small amounts and a sedative in larger ones?",
    "is kratom an opioid like morphine?",
    "does kratom hit the same receptors as opioids?",
    "is kratom stronger than codeine?",
    "is kratom kind of like coffee when you take a little?",
    "is kratom as addictive as heroin?",
    "is red kratom more sedating than melatonin?",
    "kratom vs caffeine, which is more stimulating according to the article?",
    # an alternative to a medicine, asked in general
    "could kratom be a natural alternative to benzodiazepines for insomnia?",
    "do researchers see kratom as a replacement for opioids?",
    # (2026-12-07, night) a verb's adverb, the drug's own examples, a second thing compared,
    # how well studied, and what a drug gives set beside kratom's
    "is kratom really different from simply popping a xanax?",
    "does kratom feel anything like painkillers such as codeine?",
    "why is kratom likened to opioids rather than to, say, coffee?",
    "has kratom been researched nearly as thoroughly as melatonin or zolpidem?",
    "is kratom's calm the same as the drowsiness you'd get from a benzo?",
    # (sixth round) a comparison of kratom's effects, kratom named both sides, two things
    # confused
    "why are kratom's effects compared with codeine so often?",
    "the article has kratom described as both a stimulant and a sleep aid, how?",
    "my sister keeps mixing it up with kava, are they different plants?",
    "am I mixing things up with something else, or is kratom an opioid?",
    # (seventh round) the compared drug's effects, and a kind of drug after "and"
    "do kratom's effects resemble those of sleeping pills at all?",
    "is kratom anything like the ones of benzos for sleep?",
    "does kratom act on the same receptors as codeine and that class of drug?",
]

STILL_MIXING = [
    "should I mix it up with a beer or two to sleep better?",
    "the sedation I get from my xanax, can kratom add to it tonight?",
    "is it ok to take kratom as well as codeine?",
    "can i take kratom with a stimulant like adderall and a sedative like xanax?",
    "kratom and a sedative at night, a stimulant in the morning?",
    "my doctor says it's a sedative, can I mix it with a stimulant?",
    "can I take kratom as well as xanax?",  # "as well as" is taking both
    "is kratom ok like with alcohol?",  # "like with" is taking with
    "I take morphine, is kratom like it?",  # being on it is not hidden by the comparison
    "can I take kratom instead of my xanax?",  # replacing a medicine
    "kratom with morphine?",
    "is kratom like xanax, can I take both?",
    "my dad takes oxycodone, is kratom similar to that?",
    "is kratom a good substitute for my zolpidem?",  # someone's own medicine
    "I want an alternative to my xanax, is kratom ok with it?",
    "can I take kratom with morphine and that kind of painkiller?",
    "is kratom ok with those of my pills that help me sleep?",
]


@pytest.mark.parametrize("question", COMPARED)
def test_a_comparison_is_not_mixing(question: str) -> None:
    verdict = assess(question)
    assert verdict is None or verdict.topic != "interaction", verdict


@pytest.mark.parametrize("question", STILL_MIXING)
def test_taking_with_replacing_or_being_on_is_still_mixing(question: str) -> None:
    verdict = assess(question)
    assert verdict is not None and verdict.kind == "referral", question
