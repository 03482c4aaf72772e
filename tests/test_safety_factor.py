"""The screen's cheaper regular expressions (core/safety/factor.py) find exactly what the plain
ones do: the factored alternation of each topic starts where the plain alternation of its rules
starts, and so does each stage with its anchored alternatives searched apart, on every form of
every labelled question and every rule example; and the rewritings themselves, on small
patterns, against every short text."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from faq_bot.core.doses import has_dose_amount
from faq_bot.core.safety import screen
from faq_bot.core.safety.factor import (
    factor_groups,
    factored,
    holds_one,
    necessary_literals,
)
from faq_bot.core.safety.variants import read
from faq_bot.evaluate import read_questions

EVAL = Path(__file__).parent / "eval"
SCREEN = screen._SCREEN


def _questions() -> list[str]:
    found = [item.question for file in sorted(EVAL.glob("*.yaml"))
             for item in read_questions(file)]
    found += [example.text for rule in SCREEN.ruleset.rules
              for example in (*rule.matches, *rule.passes)]
    return list(dict.fromkeys(found))


def _forms() -> list[str]:
    """Every text a stage searches for these questions: their forms, the forms the English
    rules read, and both without dose-as-a-topic phrases and without comparisons."""
    forms: dict[str, None] = {}
    for question in _questions():
        reading = read(question)
        for form in (*reading.forms, *(reading.english or ())):
            forms[form] = None
            forms[SCREEN._dose_topic.sub(" ", form)] = None
            forms[SCREEN._comparison.sub(" ", form)] = None
    return list(forms)


def _stages() -> list[tuple[str, screen._Stage, list]]:
    out = []
    for topic in [*SCREEN._first, SCREEN._dependence, SCREEN._interaction, SCREEN._special,
                  SCREEN._dosing]:
        named = {"all": topic.all, "english": topic.english}
        for (lang, with_en), stage in topic.own.items():  # languages often share one
            if all(stage is not seen for seen in named.values()):
                named[f"{lang}{'+en' if with_en else ''}"] = stage
        for name, stage in named.items():
            ids = {verdict.rule for _, verdict in stage.rules}
            rules = [rule for rule in SCREEN.ruleset.rules if rule.id in ids]
            label = f"{stage.rules[0][1].topic}.{name}" if stage.rules else f"-.{name}"
            out.append((label, stage, rules))
    return out


@pytest.fixture(scope="module")
def forms() -> list[str]:
    found = _forms()
    assert len(found) > 5000  # the labelled sets and every rule example
    return found


def _start(match: re.Match[str] | None) -> int | None:
    return None if match is None else match.start()


def test_factored_alternations_and_stages_start_where_the_plain_ones_do(
        forms: list[str]) -> None:
    """On every form, each topic's factored alternation (`_alternation`) and its stage (the
    factored alternation without the anchored alternatives, which are searched apart behind
    their necessary strings) start where the plain alternation of its rules starts."""
    differ = []
    hits = 0
    for label, stage, rules in _stages():
        plain = screen._alternation(rules, factor=False)
        grouped = screen._alternation(rules)
        for form in forms:
            expected = _start(plain.search(form))
            hits += expected is not None
            if _start(grouped.search(form)) != expected:
                differ.append(("factored", label, form))
            if stage.start(form) != expected:
                differ.append(("stage", label, form))
    assert differ == []
    assert hits > 1000  # the comparison saw rules match


# Small patterns of the shapes the rules use, and every text of up to five letters over their
# alphabet: a factored pattern matches exactly the same spans.
SMALL = [
    ["ab", "ac", "a", "b(?:c|d)e", "(?:x|yz)a", "(?:c|\\wd)b"],
    ["(?:ab|a)c", "a(?:b|c)?d", "ba+", "(?:a|b)(?:c|d)", "[ab]c", "(?:ac|b)"],
    ["a(?=b)", "(?<!c)ab", "(?:a|b)(?!c)", "c(?:a|ab)b", "(?:x)?ab", ""],
]


@pytest.mark.parametrize("alternatives", SMALL)
def test_factored_matches_the_same_spans(alternatives: list[str]) -> None:
    plain = re.compile("|".join(alternatives))
    grouped = re.compile(factored(alternatives))
    grouped_groups = re.compile(factor_groups(f"(?:{'|'.join(alternatives)})x?"))
    plain_groups = re.compile(f"(?:{'|'.join(alternatives)})x?")
    for size in range(6):
        for letters in itertools.product("abcdx", repeat=size):
            text = "".join(letters)
            for start in range(len(text) + 1):
                for end in range(start, len(text) + 1):
                    assert bool(plain.fullmatch(text, start, end)) \
                        == bool(grouped.fullmatch(text, start, end)), (text, start, end)
                    assert bool(plain_groups.fullmatch(text, start, end)) \
                        == bool(grouped_groups.fullmatch(text, start, end)), (text, start, end)


def test_factored_groups_by_first_character() -> None:
    assert factored(["kratom a", "kratom b", "kava"]) == "k(?:ratom (?:a|b)|ava)"
    # An atomic group decides by order: kept as written.
    assert factored(["(?>ab|a)c", "ad"]) == "ad|(?>ab|a)c"


def test_necessary_literals() -> None:
    assert necessary_literals(r"^(?=.*\bkratom\b).*\b(?:beer|wines?)\b") == [
        frozenset({"kratom"}), frozenset({"beer", "wine"})]
    # A branch that needs nothing, an optional part, a negative look-ahead: nothing needed.
    assert necessary_literals(r"\b(?:beer|\w+)\b") == []
    assert necessary_literals(r"(?:kratom)?\w+") == []
    assert necessary_literals(r"(?!.*kratom).*") == []
    assert necessary_literals(r"(?i)kratom") == []
    # A string holding another of its set adds nothing.
    assert necessary_literals(r"all(?: of)? it") == [frozenset({"all"}), frozenset({" it"})]
    test = holds_one(frozenset({"beer", "wine", "a.b"}))
    assert test.search("red wine") and test.search("a.b") and not test.search("axb")


def test_every_text_a_rule_matches_holds_what_it_needs(forms: list[str]) -> None:
    """The prefilter never skips an anchored alternative that matches (on every form)."""
    for rule in SCREEN.ruleset.rules:
        needs = [holds_one(need) for need in necessary_literals(rule.regex.pattern)]
        for form in forms:
            if rule.regex.search(form):
                assert all(need.search(form) for need in needs), (rule.id, form)


def test_taking_phrases_out_only_after_a_hit_decides_as_taking_them_out_first() -> None:
    """The screen takes the dose-as-a-topic phrases (and what kratom is) out of a question only
    once a dosing rule (or an amount) is found in it as written; on every labelled question and
    rule example that decides exactly as taking them out first did."""
    def taken_out_first(question: str) -> str | None:
        reading = read(question)
        forms, english, lang = reading.forms, reading.english, reading.lang
        for stage in SCREEN._first:
            hit = stage.first_hit(forms, english, lang)
            if hit:
                return hit[0].rule
        for text in (question, *forms):
            text = SCREEN._product_form.sub(" ", text)
            if has_dose_amount(text):
                return screen.DOSE_AMOUNT
            if SCREEN.misspelt_amount(text):
                return screen.MISSPELT_AMOUNT
        for topic, strip in ((SCREEN._dependence, SCREEN._without_dose_topic),
                             (SCREEN._interaction, SCREEN._without_comparisons)):
            if topic.first_hit(forms, english, lang):
                hit = topic.first_hit(strip(forms) or (), strip(english), lang)
                if hit:
                    return hit[0].rule
        hit = SCREEN._special.first_hit(forms, english, lang)
        if hit and hit[0].rule in SCREEN._about_someone \
                and SCREEN._someone_only_context(reading):
            hit = SCREEN._special_but_someone.first_hit(forms, english, lang)
        if hit:
            return hit[0].rule
        hit = SCREEN._dosing.first_hit(SCREEN._without_dose_topic(forms) or (),
                                       SCREEN._without_dose_topic(english), lang)
        return hit[0].rule if hit and not SCREEN._about_something_else(forms) else None

    questions = _questions()
    differ = [q for q in questions if taken_out_first(q) != SCREEN.decided_by(q)]
    assert differ == []
    assert sum(SCREEN.decided_by(q) is not None for q in questions) > 1000
