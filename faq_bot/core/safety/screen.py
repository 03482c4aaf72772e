"""The safety screen: decides, before any matching, whether a question must not be answered
from the FAQ.

Order matters and is fixed: emergencies first (topic by topic), then injected instructions, then
dose amounts, then dependence, mixing and special situations, then the general dosing rules. The
rules themselves are data (rules/*.yaml and words/*.txt beside this file), loaded and checked
once at import; the screen never looks at the FAQ, so no FAQ entry can turn one of these
questions into an answer.

A question recognisably in another language is read twice over: the rules written for other
languages read its forms as written, the English rules read them with that language's false
friends marked, so that no English word fires inside another language (see variants.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extractOne

from faq_bot.core.doses import find_dose_amounts, has_dose_amount
from faq_bot.core.language import LANGUAGES
from faq_bot.core.safety.factor import (
    factor_groups,
    factored,
    holds_one,
    necessary_literals,
)
from faq_bot.core.safety.ruleset import (
    EMERGENCY,
    EMERGENCY_TOPICS,
    REFERRAL,
    RULES_DIR,
    WORDS_DIR,
    Rule,
    RuleSet,
    check_examples,
    load_rules,
    top_level_alternatives,
)
from faq_bot.core.safety.scripts import needs_non_ascii
from faq_bot.core.safety.topics import (
    DEPENDENCE,
    DOSING,
    INJECTION,
    INTERACTION,
    SPECIAL_POPULATION,
)
from faq_bot.core.safety.variants import Reading, read

# What a phrase about dose as the article's subject is replaced with before the dosing and
# dependence rules read a question: a word no question holds, which a rule may name to ask
# for figures about that subject ("does the amount really change the effect? any numbers?").
DOSE_TOPIC_MARK = " dosetopic "

# The paths that stay in code, by the id a verdict or an explanation names them with.
DOSE_AMOUNT = "dosing.dose-amount"
MISSPELT_AMOUNT = "dosing.misspelt-amount"
DOSE_AS_TOPIC = "dosing.dose-as-topic"
ABOUT_SOMETHING_ELSE = "dosing.about-something-else"
CODE_RULES = {
    DOSE_AMOUNT: "holds a dose amount: a number or number-word with a unit (5 g, two teaspoons)",
    MISSPELT_AMOUNT: "holds a number with a misspelt or clipped unit (1 tspn, 2 gramz, 3 capsuls)",
    DOSE_AS_TOPIC: "dose dependence as the article's subject (at higher doses, dose dependent, "
                   "dependente da dose), and 'how much' asked of knowledge or trust (how much "
                   "is known), is taken out before the dependence and the general dosing rules "
                   "run",
    ABOUT_SOMETHING_ELSE: "an amount of something plainly not kratom (water, hours of sleep) sets "
                          "the general dosing rules aside",
}
# The word lists the code paths read.
_CODE_WORDS = ("dose_as_topic", "not_an_amount", "not_kratom", "kratom_context", "units",
               "product_form", "comparison", "substances", "substances_vague", "stimulant_side",
               "sedative_side", "urgent", "dependence_in_general", "interactions_in_general",
               "involve_a_doctor", "sleep_trouble_onset", "children", "takes_it",
               "use_or_safety", "asks")
# Older relatives and ages, as the rules that name a person read them (for the learned screen's
# gate on a person who is only context).
_OLDER_RELATIVE = re.compile(
    r"\b(?:grand(?:ma|pa|mother|father|parents?|mum|dad)|granny|nana|elderly|seniors?|"
    r"my (?:mom|mother|mum|dad|father|parents|aunt|uncle)|(?:6\d|[7-9]\d) ?(?:years? old|yo))\b")
# Words after a number that are not units, however close to one they look ("3 days").
_NOT_UNITS = frozenset({"year", "years", "yrs", "old", "hours", "hour", "days", "day", "weeks",
                        "week", "months", "times", "am", "pm", "min", "mins", "minutes",
                        "nights", "night",
                        # Function words a unit's typo away ("at 3, does it help", "around 4,
                        # can it"): a clock time before them is not an amount.
                        "does", "can", "cant", "will", "wont"})
# After a number written as a word, "once" is the adverb ("I tried a green one once"), not
# "ounce" misspelt; after digits ("1 once") it is still read as the unit.
_ADVERBS_AFTER_A_NUMBER_WORD = frozenset({"once"})
_NUMBER_THEN_WORD = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|half|a few|a couple)"
    r" ?([a-z]{2,12})\b"
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the screen decided: the reply kind, the topic, and the id of the rule that fired."""

    kind: str  # "emergency" or "referral"
    topic: str
    rule: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """What the screen saw in a question and what decided.

    - `question`: the question as given.
    - `forms`: the normalised forms every rule was checked against, in order: the normalised
      text first, then (each only when it differs) the forms with spaced letters joined,
      leetspeak undone and typos corrected; for a question in another language with a false
      friend in it, then the same forms with the false friends marked ("son_es"), which the
      English rules read instead.
    - `verdict`: the Verdict (kind, topic, rule), or None when the question may be matched.
    - `rule`, `why`: the id of the rule that decided and its one-line reason (None, None when
      nothing did).
    - `form`: the text that rule caught (one of `forms`, or the question as given for the
      dose-amount check); `matched`: the words it caught there.
    - `set_aside`: when nothing decided although a general dosing rule caught a form, the id
      of the code path that kept it out: DOSE_AS_TOPIC (only dose-as-a-topic phrases were
      caught) or ABOUT_SOMETHING_ELSE (the amount is of something plainly not kratom); else
      None.
    """

    question: str
    forms: tuple[str, ...]
    verdict: Verdict | None
    rule: str | None
    why: str | None
    form: str | None
    matched: str | None
    set_aside: str | None


def _alternatives(rules: Sequence[Rule]) -> tuple[list[str], list[str], list[str]]:
    """The rules' top-level alternatives: those starting at a word boundary and those anchored
    at the start (each without its "\\b" or "^"), and the others."""
    at_word: list[str] = []
    at_start: list[str] = []
    other: list[str] = []
    for rule in rules:
        for alternative in top_level_alternatives(rule.regex.pattern):
            if alternative.startswith("\\b"):
                at_word.append(alternative[2:])
            elif alternative.startswith("^"):
                at_start.append(alternative[1:])
            else:
                other.append(alternative)
    return at_word, at_start, other


def _alternation(rules: Sequence[Rule], *, factor: bool = True,
                 anchored: bool = True) -> re.Pattern[str]:
    """One regular expression matching where any of `rules` matches first.

    The rules' top-level alternatives that start at a word boundary are gathered under one
    "\\b", and (unless not `anchored`) those anchored at the start under one "^": at the many
    places inside a word, or past the start, the search then fails once instead of once an
    alternative. The word-boundary ones are `factored` by first character (unless not
    `factor`). The leftmost place where one matches is the same whatever the order of the
    alternatives; which rule matches there is found apart (`_Stage.first_hit`). A topic
    without rules never matches ("(?!)") rather than matching everything ("").
    """
    at_word, at_start, other = _alternatives(rules)
    parts = []
    if at_word:
        parts.append(f"\\b(?:{factored(at_word) if factor else '|'.join(at_word)})")
    if at_start and anchored:
        parts.append(f"^(?:{'|'.join(at_start)})")
    parts += [f"(?:{alternative})" for alternative in other]
    return re.compile("|".join(parts) or "(?!)")


@dataclass(frozen=True, slots=True)
class _Anchored:
    """A rule's alternative anchored at the start ("^(?=.*\\bkratom\\b).*\\b(?:...)"), with
    its groups `factored`, and a search for each set of strings it cannot match without
    (`factor.necessary_literals`).

    Such an alternative reads the whole text at every place its ".*" can stop, so together
    they cost as much as all the other alternatives of their topic; most texts lack some set
    of strings one of which it needs (a substance, a language's word for "with"), and then it
    is not tried at all."""

    match: Callable[[str], re.Match[str] | None]
    needs: tuple[Callable[[str], re.Match[str] | None], ...]

    @classmethod
    def of(cls, alternative: str, factor: bool) -> _Anchored:
        pattern = factor_groups(alternative) if factor else alternative
        return cls(re.compile(f"^(?:{pattern})").match,
                   # the sets of fewest strings first: the cheapest searches
                   tuple(holds_one(need).search
                         for need in sorted(necessary_literals(alternative), key=len)))

    def matches(self, text: str) -> bool:
        for need in self.needs:
            if need(text) is None:
                return False
        return self.match(text) is not None


@dataclass(frozen=True, slots=True)
class _Stage:
    """The rules of one topic, searched as one regular expression and their anchored
    alternatives apart."""

    regex: re.Pattern[str]  # every rule of the topic but the anchored alternatives, as one
    anchored: tuple[_Anchored, ...]  # the rules' alternatives anchored at the start
    rules: tuple[tuple[re.Pattern[str], Verdict], ...]
    # The rules that only match a letter outside ASCII (scripts.py), searched apart and only
    # in a form that has one; None when there are none. `regex` holds the others.
    other_scripts: re.Pattern[str] | None = None

    @classmethod
    def of(cls, kind: str, topic: str, rules: Sequence[Rule], factor: bool = True) -> _Stage:
        """The stage of `rules`; `factor` groups their alternatives (`factor.factored`), which
        makes searching cheaper and compiling dearer."""
        anchored = tuple(_Anchored.of(alternative, factor)
                         for alternative in dict.fromkeys(_alternatives(rules)[1]))
        latin: list[Rule] = []
        others: list[Rule] = []
        for rule in rules:
            (others if needs_non_ascii(rule.regex) else latin).append(rule)
        # Two alternations of disjoint rules cost about what one of them all costs to compile.
        return cls(_alternation(latin, factor=factor, anchored=False) if latin else _NEVER,
                   anchored, tuple((r.regex, Verdict(kind, topic, r.id)) for r in rules),
                   _alternation(others, factor=factor, anchored=False) if others else None)

    def start(self, form: str) -> int | None:
        """Where the first of the rules to match in `form` starts, or None: where
        `_alternation(rules, factor=False).search(form)` starts."""
        match = self.regex.search(form)
        if self.other_scripts is not None and not form.isascii():
            other = self.other_scripts.search(form)
            if other is not None and (match is None or other.start() < match.start()):
                match = other
        if match is not None and match.start() == 0:
            return 0
        # "^" matches only at the start (no rule reads lines): an anchored alternative that
        # matches starts before anything else can.
        for alternative in self.anchored:
            if alternative.matches(form):
                return 0
        return None if match is None else match.start()

    def first_hit(self, forms: Iterable[str]) -> tuple[Verdict, str, str] | None:
        """The verdict, form and matched words for the first form any rule catches."""
        for form in forms:
            start = self.start(form)
            if start is not None:
                # The alternation took the first rule that matches where the match starts;
                # finding it only on a hit keeps the search itself free of capturing groups,
                # which would cost every question.
                for regex, verdict in self.rules:
                    found = regex.match(form, start)
                    if found:
                        return verdict, form, found.group(0)
                raise AssertionError(f"no rule matches where the alternation did: {form!r}")
        return None


# Matches nothing: the alternation of a stage whose every rule needs another script.
_NEVER = re.compile("(?!)")


class _Topic:
    """The rules of one topic: all of them as one stage, for a question in English (or too short
    to tell); for a question recognisably in another language, that language's rules and the
    English ones, which read it with its false friends marked when it has any."""

    def __init__(self, kind: str, topic: str, rules: Sequence[Rule]) -> None:
        self.all = _Stage.of(kind, topic, rules)
        # Per language: "geben" (German, to give) is not the Turkish "gebe" (pregnant), nor
        # the Spanish "dosis bajas" an Indonesian dosing question. Not factored (fewer
        # questions read them; factoring would cost every start more than it saves them):
        # `own` with the English rules, for a question without false friends, and without
        # them, for one whose English rules read the marked forms (`english`).
        self.english = _Stage.of(kind, topic, [r for r in rules if not r.languages],
                                 factor=False)
        # Languages whose rules are the same share their stages.
        built: dict[tuple[str, ...], _Stage] = {}
        self.own: dict[tuple[str, bool], _Stage] = {}
        for lang in (lang for lang in LANGUAGES if lang != "en"):
            for with_english in (True, False):
                chosen = [r for r in rules if (with_english or r.languages)
                          and applies_to(r, lang)]
                key = tuple(r.id for r in chosen)
                if key not in built:
                    built[key] = _Stage.of(kind, topic, chosen, factor=False)
                self.own[lang, with_english] = built[key]

    def first_hit(self, forms: Iterable[str], english: Iterable[str] | None,
                  lang: str | None = None) -> tuple[Verdict, str, str] | None:
        """As _Stage.first_hit; `lang`, the language the question is recognisably in (None:
        every rule reads it), and `english`, the forms with its false friends marked that the
        English rules read instead (None: they read `forms` too; set only with `lang`)."""
        if lang is None:
            return self.all.first_hit(forms)
        if english is None:
            return self.own[lang, True].first_hit(forms)
        return self.own[lang, False].first_hit(forms) or self.english.first_hit(english)


def applies_to(rule: Rule, lang: str | None) -> bool:
    """Whether `rule` reads a question recognisably in `lang` (None: any question): English
    rules always; a rule for other languages when it names `lang`, or when it names only
    languages the guesser cannot recognise (a question in one of those may be guessed wrong)."""
    if lang is None or not rule.languages:
        return True
    return lang in rule.languages or not set(rule.languages) & set(LANGUAGES)


class Screen:
    """The screen built from one set of rules."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.why = {**CODE_RULES, **{rule.id: rule.why for rule in ruleset.rules}}
        by_topic = {topic: ruleset.of_topic(topic) for topic in {r.topic for r in ruleset.rules}}
        stage = _Topic
        self._first = [stage(EMERGENCY, topic, by_topic[topic])
                       for topic in EMERGENCY_TOPICS if topic in by_topic]
        self._first += [stage(REFERRAL, INJECTION, by_topic.get(INJECTION, ()))]
        # The specific topics come before the general dosing rules so that "how much kratom
        # while pregnant" gets the pregnancy referral; every one of them is a referral.
        # Dependence reads the question without its dose-as-a-topic phrases: "dependente da
        # dose" is the article's subject, not someone dependent.
        self._dependence = stage(REFERRAL, DEPENDENCE, by_topic.get(DEPENDENCE, ()))
        self._interaction = stage(REFERRAL, INTERACTION, by_topic.get(INTERACTION, ()))
        self._special = stage(REFERRAL, SPECIAL_POPULATION, by_topic.get(SPECIAL_POPULATION, ()))
        # The same without the rules that name a person, for a question where that person is
        # only context (see _someone_only_context).
        self._special_but_someone = stage(REFERRAL, SPECIAL_POPULATION, tuple(
            rule for rule in by_topic.get(SPECIAL_POPULATION, ()) if not rule.about_someone))
        self._about_someone = frozenset(rule.id for rule in ruleset.rules if rule.about_someone)
        self._someone_rules = tuple(rule for rule in ruleset.rules if rule.about_someone)
        self._dosing = stage(REFERRAL, DOSING, by_topic.get(DOSING, ()))
        words = ruleset.alternation
        # Phrases that only look like dosing: dose as the article's subject, "how much" asked
        # of knowledge or trust, and what kratom is ("a leaf or a capsule?"); all are set aside
        # the same way.
        self._dose_topic = re.compile(words("dose_as_topic") + "|" + words("not_an_amount")
                                      + "|" + words("product_form"))
        # A substance compared with ("like morphine", "stronger than codeine") is not one taken
        # with kratom: taken out before the mixing rules run.
        # A class of drug compared with counts as one ("like a stimulant"), and so does a
        # substance's kind ("like morphine-type painkillers").
        # ... with taking it ("the same as popping a melatonin pill", "like taking xanax")
        # What can be compared with: a substance, a class of drug, or melatonin (the article's
        # own subject, so not a substance of its own: "studied as closely as melatonin or benzos")
        compared = rf"(?:{words('substances')}|{words('substances_vague')}|melatonin)"
        self._comparison = re.compile(rf"\b{words('comparison')} (?:(?:just |simply |only )?"
                                      rf"(?:taking|popping|using|having|drinking|smoking) )?"
                                      # the compared thing's effects ("anything like
                                      # those of opioid painkillers")
                                      rf"(?:(?:those|that|the ones|the effects?) of )?"
                                      rf"(?:a |an |the |other |most |many |some |regular |real |"
                                      rf"prescription |strong |stronger |powerful |heavy |hard )?"
                                      rf"{compared}\b"
                                      rf"(?: (?:type|like|style|based|class|family|related))?"
                                      rf"(?: {words('substances')}\b)?"
                                      # its examples ("painkillers such as morphine")
                                      rf"(?: (?:such as|like|including) {words('substances')}\b)?"
                                      # A list compared with ("like morphine or codeine", "to
                                      # opioids rather than to, say, caffeine")
                                      rf"(?: (?:or|and|nor|and or|rather than) (?:to )?(?:say )?"
                                      rf"(?:(?:that|this|those|other|any|similar) )?"
                                      rf"(?:(?:kind|kinds|type|types|sort|sorts|class) of )?"
                                      rf"(?:a |an |the )?{compared}\b)*"
                                      rf"|\b{words('comparison')} (?:a |an |the |other )?\w+ "
                                      rf"(?:type|like|style|based|class|family) {compared}\b"
                                      # Confusing two things ("I keep mixing it up with
                                      # ayahuasca", "is he mixing it up with something
                                      # else?"): no mix. "can I mix it up with beer?" has
                                      # none of these leads and stays.
                                      r"|\b(?:keep|keeps|kept|always|often|is (?:he|she|it|that)"
                                      r"|are (?:they|you|we)|am i|maybe (?:he|she|i|they|you)"
                                      r"|probably|getting) mix(?:ing|es|ed)? (?:it|them|kratom|"
                                      r"things|the two|those|these) up(?: with (?:something|"
                                      r"anything) else| with (?:a |an |the )?\w+)?")
        # Interactions with other drugs in general as research's or the article's subject
        # ("has research looked at interactions with other drugs?"): out the same way.
        self._interactions_in_general = re.compile(words("interactions_in_general"))
        # Kratom said to be both ("is a stimulant at low doses and a sedative at high ones"):
        # that claim, not two substances taken with it. Only after "is", "as" or "being":
        # "with a stimulant and a sedative" stays a mixing question.
        sides = [(words("stimulant_side"), words("sedative_side")),
                 (words("sedative_side"), words("stimulant_side"))]
        self._both_sides = re.compile("|".join(
            rf"\b(?:is|as|being|be|s|acts?|acting|works?|working|called|described|labell?ed|seen)\b"
            rf"(?: \w+){{0,2}}? "
            rf"(?:like )?(?:a |an )?{first}\b(?: \w+){{0,5}}? "
            rf"(?:and|or|but|while|yet|then) (?:\w+ ){{0,2}}?(?:a |an )?{second}\b"
            for first, second in sides))
        # What kratom is ("a plant or a pill") and a summary's length ("in 2 lines"), not an
        # amount of it: out before the dose-amount check. Case-blind: that check also reads the
        # question as written.
        self._product_form = re.compile(words("product_form") + "|" + words("not_an_amount"),
                                        re.IGNORECASE)
        self._urgent = re.compile(rf"\b{words('urgent')}\b")
        self._dependence_in_general = re.compile(words("dependence_in_general"))
        self._involve_a_doctor = re.compile(words("involve_a_doctor"))
        self._takes_it = re.compile(words("takes_it"))
        self._use_or_safety = re.compile(words("use_or_safety"))
        self._asks = re.compile(words("asks"))
        self._sleep_trouble_onset = re.compile(words("sleep_trouble_onset"))
        self._children = re.compile(rf"\b{words('children')}\b")
        self._someones = re.compile(rf"\b{words('me')}\b|\b(?:my|our) \w+|\b(?:he|she)\b")
        self._not_kratom = re.compile(rf"\b{words('not_kratom')}\b")
        self._kratom_context = re.compile(rf"\b{words('kratom_context')}\b")
        self._units = ruleset.words["units"]
        self._amount_verdicts = {rule_id: Verdict(REFERRAL, DOSING, rule_id)
                                 for rule_id in (DOSE_AMOUNT, MISSPELT_AMOUNT)}

    @classmethod
    def load(cls, rules_dir: Path = RULES_DIR, words_dir: Path = WORDS_DIR) -> Screen:
        """Load, check and build the screen; RulesError names each problem's file and line."""
        screen = cls(load_rules(rules_dir, words_dir, reserved=CODE_RULES,
                                required_words=_CODE_WORDS))
        check_examples(screen.ruleset, screen.caught_by, screen.decided_by)
        return screen

    def _someone_only_context(self, reading: Reading) -> bool:
        # A person named (a child, an older relative, an age) in a question that asks about
        # something (words/asks.txt) and says nothing of anyone's use or safety
        # (words/use_or_safety.txt): "My daughter keeps mentioning kratom: what is it?", "I am
        # 71. Where does kratom come from?". The person is context, not the one who would take
        # it; a bare mention ("nana 90 kratom?") asks nothing and stays referred.
        # The article's dose-effect subject says nothing of anyone's use ("I'm 82: what does
        # 'dose-dependent' mean?"): taken out first, as before the dosing rules.
        forms = self._without_dose_topic((*reading.forms, *(reading.english or ()))) or ()
        return any(self._asks.search(f) for f in forms) \
            and not any(self._use_or_safety.search(f) for f in forms)

    def misspelt_amount(self, text: str) -> str | None:
        """A number followed by a misspelt or clipped unit ("1 tspn", "2 gramz"), or None."""
        for match in _NUMBER_THEN_WORD.finditer(text):
            word = match.group(1)
            if len(word) < 3 or word in _NOT_UNITS:
                continue
            if word in _ADVERBS_AFTER_A_NUMBER_WORD and not match.group(0)[0].isdigit():
                continue
            limit = 1 if len(word) <= 6 else 2
            hit = extractOne(word, self._units, scorer=DamerauLevenshtein.distance,
                             score_cutoff=limit)
            if hit or any(unit.startswith(word) for unit in self._units if len(unit) >= 5):
                return match.group(0)
        return None

    def _about_something_else(self, forms: Sequence[str]) -> bool:
        # "how many glasses of water a day" is not a kratom dosing question; a pronoun, a
        # product form or a strain keeps it one ("how much water with it").
        return any(self._not_kratom.search(f) and not self._kratom_context.search(f)
                   for f in forms)

    def _without_dose_topic(self, forms: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if forms is None else tuple(self._dose_topic.sub(DOSE_TOPIC_MARK, f)
                                                for f in forms)

    def _without_comparisons(self, forms: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if forms is None else tuple(self._without_comparison(f) for f in forms)

    def _without_comparison(self, form: str) -> str:
        if not self._someones.search(form):  # "I take lexapro; has research looked at..."
            form = self._interactions_in_general.sub(" ", form)
        # The claim of both sides first: one side may be a likeness ("like coffee").
        return self._comparison.sub(" ", self._both_sides.sub(" ", form))

    def decide(self, question: str, reading: Reading) -> tuple[Verdict, str, str] | None:
        """The verdict, the text that decided it and the words caught, or None."""
        forms, english, lang = reading.forms, reading.english, reading.lang
        for stage in self._first:
            hit = stage.first_hit(forms, english, lang)
            if hit:
                return hit
        for text in (question, *forms):
            # What kratom is ("a leaf or a pill?") is taken out only from a text that holds an
            # amount as it is: taking a phrase out could make one only by joining a number to
            # a unit across it ("5 [a leaf or a pill] g"), and the dosing rules read units too.
            # Verdicts were identical on the 12,096 labelled questions and FAQ phrasings.
            if not (has_dose_amount(text) or self.misspelt_amount(text)):
                continue
            text = self._product_form.sub(" ", text)
            if has_dose_amount(text):
                return self._amount_verdicts[DOSE_AMOUNT], text, ""
            misspelt = self.misspelt_amount(text)
            if misspelt:
                return self._amount_verdicts[MISSPELT_AMOUNT], text, misspelt
        # Dependence and dosing read the question without its dose-as-a-topic phrases, looked
        # for only once one of their rules fired on the question as it is (few questions).
        hit = self._dependence.first_hit(forms, english, lang)
        if hit:
            hit = self._dependence.first_hit(self._without_dose_topic(forms) or (),
                                             self._without_dose_topic(english), lang)
            if hit:
                return hit
        hit = self._interaction.first_hit(forms, english, lang)
        if hit:
            hit = self._interaction.first_hit(self._without_comparisons(forms) or (),
                                              self._without_comparisons(english), lang)
            if hit:
                return hit
        hit = self._special.first_hit(forms, english, lang)
        if hit and hit[0].rule in self._about_someone and self._someone_only_context(reading):
            hit = self._special_but_someone.first_hit(forms, english, lang)
        if hit:
            return hit
        # As for dependence, the dose-as-a-topic phrases are taken out only once a dosing rule
        # fired: taking them out costs more than every dosing rule together on a long question
        # (a few hundred microseconds), and most questions fire none. Only a rule that looks
        # ahead for a word to stay silent could fire after text is taken out and not before;
        # verdicts were identical on the 12,096 labelled questions and FAQ phrasings.
        hit = self._dosing.first_hit(forms, english, lang)
        if hit:
            hit = self._dosing.first_hit(self._without_dose_topic(forms) or (),
                                         self._without_dose_topic(english), lang)
        if hit and not self._about_something_else(forms):
            return hit
        return None

    @staticmethod
    def _names(pattern: re.Pattern[str], question: str, english: bool = True) -> bool:
        # Whether any reading of the question (with the false-friend-marked English forms,
        # unless `english` is False) holds `pattern`.
        reading = read(question)
        forms = (*reading.forms, *(reading.english or ())) if english else reading.forms
        return any(pattern.search(f) for f in forms)

    def sounds_urgent(self, question: str) -> bool:
        """Whether any reading of the question names a danger to body or life
        (words/urgent.txt)."""
        return self._names(self._urgent, question)

    def about_dependence_in_general(self, question: str) -> bool:
        """Whether the question asks if kratom is addictive in general, with nobody's own use
        in it (words/dependence_in_general.txt)."""
        return (self._names(self._dependence_in_general, question, english=False)
                and not self._names(self._someones, question, english=False))

    def asks_about_involving_a_doctor(self, question: str) -> bool:
        """Whether the question asks about involving a doctor (words/involve_a_doctor.txt)."""
        return self._names(self._involve_a_doctor, question, english=False)

    def dates_sleep_trouble_from_an_event(self, question: str) -> bool:
        """Whether the question dates sleep trouble from a life event, a new job or a term
        (words/sleep_trouble_onset.txt)."""
        return self._names(self._sleep_trouble_onset, question, english=False)

    def names_a_child(self, question: str) -> bool:
        """Whether the question names a child (words/children.txt), read as the English rules
        read it (another language's false friends marked: Spanish "son" is no son)."""
        reading = read(question)
        forms = reading.english if reading.english is not None else reading.forms
        return any(self._children.search(form) for form in forms)

    def names_someone_as_context(self, question: str) -> bool:
        """Whether the question names a person (a rule with about_someone would catch it) who
        is only context for a question about the article (see _someone_only_context)."""
        reading = read(question)
        if not self._someone_only_context(reading):
            return False
        forms = (*reading.forms, *(reading.english or ()))
        # A person a rule already let through by its own exceptions ("my grandson mentioned
        # kratom") is named all the same: the model's guess rests on them too.
        return any(self._children.search(f) or _OLDER_RELATIVE.search(f) for f in forms) \
            or any(applies_to(rule, reading.lang) and rule.regex.search(f)
                   for rule in self._someone_rules for f in forms)

    def says_the_asker_takes_it(self, question: str) -> bool:
        """Whether the question has the asker taking it, in any language (words/takes_it.txt):
        "can I take", "posso tomar", "je peux prendre", "is it better to take"."""
        return self._names(self._takes_it, question, english=False)

    def about_dose_in_general(self, question: str) -> bool:
        """Whether the question holds a phrase about dose size as the article's subject
        (words/dose_as_topic.txt and the other phrases that only look like dosing)."""
        return self._names(self._dose_topic, question)

    def caught_by(self, rule: Rule, question: str) -> bool:
        """Whether `rule` alone catches `question`, applied the way the screen applies it."""
        reading = read(question)
        if not applies_to(rule, reading.lang):
            return False
        if rule.about_someone and self._someone_only_context(reading):
            return False
        forms = reading.forms if rule.languages or reading.english is None else reading.english
        if rule.topic in (DOSING, DEPENDENCE):
            forms = self._without_dose_topic(forms) or ()
        elif rule.topic == INTERACTION:
            forms = tuple(self._without_comparison(f) for f in forms)
        return any(rule.regex.search(f) for f in forms)

    def decided_by(self, question: str) -> str | None:
        """The id of the rule that decides `question`, or None when it passes."""
        hit = self.decide(question, read(question))
        return hit[0].rule if hit else None

    def set_aside(self, reading: Reading) -> str | None:
        """For a question nothing decided: the code path that kept a general dosing rule out
        (ABOUT_SOMETHING_ELSE or DOSE_AS_TOPIC), or None when no dosing rule caught it."""
        english, lang = reading.english, reading.lang
        if self._dosing.first_hit(self._without_dose_topic(reading.forms) or (),
                                  self._without_dose_topic(english), lang):
            return ABOUT_SOMETHING_ELSE
        if self._dosing.first_hit(reading.forms, english, lang):
            return DOSE_AS_TOPIC
        return None

    def explain(self, question: str) -> Explanation:
        """See the module's `explain`."""
        reading = read(question)
        forms = reading.forms + (reading.english or ())
        hit = self.decide(question, reading)
        if hit is None:
            return Explanation(question, forms, None, None, None, None, None,
                               self.set_aside(reading))
        verdict, form, matched = hit
        if verdict.rule == DOSE_AMOUNT:
            matched = find_dose_amounts(form)[0]
        return Explanation(question, forms, verdict, verdict.rule, self.why[verdict.rule], form,
                           matched, None)


_SCREEN = Screen.load()


@lru_cache(maxsize=4096)
def assess(question: str) -> Verdict | None:
    """Screen one question: an emergency or referral verdict, or None when it may be matched."""
    hit = _SCREEN.decide(question, read(question))
    return hit[0] if hit else None


def explain(question: str) -> Explanation:
    """What the screen checked in `question` and which rule decided; see Explanation."""
    return _SCREEN.explain(question)


def set_aside(question: str) -> str | None:
    """For a question `assess` let through: the code path that kept a general dosing rule out
    of it on purpose (see Explanation.set_aside), without deciding the question again."""
    return _SCREEN.set_aside(read(question))


def sounds_urgent(question: str) -> bool:
    """Whether the question names a danger to body or life (words/urgent.txt): what a learned
    emergency verdict needs before it gives the emergency reply."""
    return _SCREEN.sounds_urgent(question)


def asks_about_involving_a_doctor(question: str) -> bool:
    """Whether the question asks about involving a doctor, the article's own advice."""
    return _SCREEN.asks_about_involving_a_doctor(question)


def dates_sleep_trouble_from_an_event(question: str) -> bool:
    """Whether the question dates sleep trouble from a life event ("since the semester
    started"), not from kratom."""
    return _SCREEN.dates_sleep_trouble_from_an_event(question)


def names_a_child(question: str) -> bool:
    """Whether the question names a child, teenager or minor (words/children.txt)."""
    return _SCREEN.names_a_child(question)


def names_someone_as_context(question: str) -> bool:
    """Whether the question names a person who is only context for a question about the
    article ("My daughter keeps mentioning kratom: what is it?")."""
    return _SCREEN.names_someone_as_context(question)


def says_the_asker_takes_it(question: str) -> bool:
    """Whether the question has the asker taking it ("can I take", "posso tomar")."""
    return _SCREEN.says_the_asker_takes_it(question)


def about_dose_in_general(question: str) -> bool:
    """Whether the question holds a phrase about dose size as the article's subject."""
    return _SCREEN.about_dose_in_general(question)


def about_dependence_in_general(question: str) -> bool:
    """Whether the question asks if kratom is addictive in general, nobody's own use in it."""
    return _SCREEN.about_dependence_in_general(question)


def rules() -> tuple[Rule, ...]:
    """Every rule of the screen's data, in file order."""
    return _SCREEN.ruleset.rules


def caught_by(rule: Rule, question: str) -> bool:
    """Whether `rule` alone catches `question`, applied the way the screen applies it."""
    return _SCREEN.caught_by(rule, question)


def rule_why(rule_id: str) -> str:
    """The one-line reason of a rule, including the paths kept in code; KeyError if unknown."""
    return _SCREEN.why[rule_id]
