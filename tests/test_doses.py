"""Dose amounts: a number or number-word followed by a unit of amount (grams, milligrams,
capsules, teaspoons, ...). The contract forbids every such amount in a reply, so the detector
must find each one and leave alone the numbers the service does show (phone lines, alkaloid
names, years, citations)."""

from __future__ import annotations

import pytest

from faq_bot.core.doses import find_dose_amounts, has_dose_amount

AMOUNTS = [
    # (text, the amount it holds)
    ("take 5g before bed", "5g"),
    ("2-3 grams", "2-3 grams"),
    ("low doses, typically around 2-3 grams, are", "2-3 grams"),
    ("1.5 g of powder", "1.5 g"),
    ("2,5 g", "2,5 g"),
    ("0.5 gram", "0.5 gram"),
    ("7 GRAMS", "7 GRAMS"),
    ("five grams", "five grams"),
    ("twenty mg", "twenty mg"),
    ("10mg", "10mg"),
    ("100 mg of extract", "100 mg"),
    ("2.5mg", "2.5mg"),
    ("2 to 3 grams", "2 to 3 grams"),
    ("around 4-6g?", "4-6g"),
    ("1kg", "1kg"),
    ("1 oz", "1 oz"),
    ("a teaspoon", "a teaspoon"),
    ("half a teaspoon", "a teaspoon"),
    ("1/2 teaspoon", "1/2 teaspoon"),
    ("2 tablespoons", "2 tablespoons"),
    ("two capsules", "two capsules"),
    ("3 caps", "3 caps"),
    ("1 or 2 capsules", "1 or 2 capsules"),
    ("a single capsule", "single capsule"),
    ("a couple of pills", "a couple of pills"),
    ("3 pills a day", "3 pills"),
    ("a gram", "a gram"),
    ("one dropperful", "one dropperful"),
    ("15 drops", "15 drops"),
    ("3 scoops", "3 scoops"),
    ("two cups of kratom tea", "two cups"),
]

# Written differently but still an amount: the detector must see through the disguise.
DISGUISED = [
    pytest.param("５ｇ", id="fullwidth-digits"),
    pytest.param("5\u200bg", id="zero-width-space"),
    pytest.param("5\u00a0grams", id="no-break-space"),
    pytest.param("½ tsp", id="vulgar-fraction"),
    pytest.param("TWO CAPSULES", id="upper-case"),
    pytest.param("take\n3 grams", id="across-a-line-break"),
]

NOT_AMOUNTS = [
    pytest.param("7-hydroxymitragynine", id="alkaloid-name"),
    pytest.param("988", id="crisis-line"),
    pytest.param("1-800-222-1222", id="poison-line"),
    pytest.param("SAMHSA National Helpline at 1-800-662-4357 (free, confidential, 24/7)",
                 id="helpline"),
    pytest.param("Samaritans on 116 123", id="uk-crisis-line"),
    pytest.param("mu-opioid", id="receptor-name"),
    pytest.param("CYP3A and CYP2D6", id="enzyme-names"),
    pytest.param("a cup of tea", id="a-cup-of-tea"),
    pytest.param("a line of research", id="a-line-of-research"),
    pytest.param("in 2025 the FDA", id="year"),
    pytest.param("Int. J. Environ. Res. Public Health 2023, 20(14):6425", id="citation"),
    pytest.param("WHO Expert Committee, 44th meeting", id="ordinal"),
    pytest.param("the dosage plays a significant role", id="dosage-word"),
    pytest.param("Low doses of kratom", id="doses-without-number"),
    pytest.param("dose-dependent", id="dose-dependent"),
    pytest.param("how many grams", id="unit-without-number"),
    pytest.param("what is the right dose", id="dose-question"),
    pytest.param("one of the questions", id="one-of"),
    pytest.param("Red Bali or Red Borneo", id="strain-names"),
    pytest.param("I am 30 years old", id="age"),
    pytest.param("for 3 days", id="days"),
    pytest.param("at 10 pm", id="time"),
    pytest.param("2 going to bed", id="number-then-word-starting-with-g"),
    pytest.param("a good night's sleep", id="a-good"),
]


@pytest.mark.parametrize(("text", "amount"), AMOUNTS, ids=[t for t, _ in AMOUNTS])
def test_an_amount_is_found_as_written(text: str, amount: str) -> None:
    assert find_dose_amounts(text) == [amount]
    assert has_dose_amount(text)


@pytest.mark.parametrize("text", DISGUISED)
def test_a_disguised_amount_is_found(text: str) -> None:
    assert find_dose_amounts(text)
    assert has_dose_amount(text)


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_numbers_that_are_not_amounts_are_left_alone(text: str) -> None:
    assert find_dose_amounts(text) == []
    assert not has_dose_amount(text)


def test_every_amount_in_a_text_is_found() -> None:
    text = "Some take 2 grams, others two capsules or a teaspoon; call 988 if in crisis."
    assert find_dose_amounts(text) == ["2 grams", "two capsules", "a teaspoon"]
