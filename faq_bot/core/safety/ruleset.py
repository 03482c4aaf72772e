"""The safety rules as data: read the rule files and word lists shipped inside the package, check
them and compile them.

Every rule names its topic and kind, a short pattern (a regular expression that may use named
word lists, written `{name}`), a one-line reason, and examples it must catch and near misses the
whole screen must let through; a rule written for other languages than English names them
(`languages`), and reads a question in another language as written, where an English rule reads
it with that language's false friends marked (see variants.py). A rule that names a person
(a child, an older relative, an age) says so (`about_someone: true`): the screen sets its hit
aside when the person is only context for a question about the article (see screen.py).
Anything wrong is refused with the file and line, the way the FAQ loader does. The files live
in the package, never in the FAQ data folder, and are read once: FAQ data can never edit the
screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from faq_bot.core.safety.topics import REFERRAL_TOPICS
from faq_bot.core.yamlfile import Path_, Problem, YamlDoc, YamlError, read_yaml

HERE = Path(__file__).parent
RULES_DIR = HERE / "rules"
WORDS_DIR = HERE / "words"

REFERRAL = "referral"
EMERGENCY = "emergency"
# The emergency topics, in the order the screen tries them.
EMERGENCY_TOPICS = ("self_harm", "overdose", "breathing", "unresponsive", "seizure",
                    "chest_pain", "child_ingestion", "urgent")
TOPICS_BY_KIND = {REFERRAL: REFERRAL_TOPICS, EMERGENCY: EMERGENCY_TOPICS}

FIELDS = ("id", "topic", "kind", "why", "pattern", "matches", "passes")
# A rule may also name the languages other than English it is written for (two-letter codes).
# And whether it names a person who is only context unless the question asks about their use
# or safety (`about_someone`, true or false).
OPTIONAL_FIELDS = ("languages", "about_someone")
MIN_EXAMPLES = 2

_ID = re.compile(r"[a-z_]+\.[a-z0-9]+(?:-[a-z0-9]+)*")
_LIST_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")
_LIST_REF = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_ESCAPE = re.compile(r"\\.")


class RulesError(ValueError):
    """The rules cannot be used; names every problem found with its file and line."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Example:
    """A question written under a rule, with its line."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the screen, compiled, with where it was written."""

    id: str
    topic: str
    kind: str
    why: str
    pattern: str  # as written, with its {word lists}
    regex: re.Pattern[str]  # word lists expanded
    matches: tuple[Example, ...]
    passes: tuple[Example, ...]
    file: Path
    line: int
    languages: tuple[str, ...] = ()  # the other languages it is written for; () for English
    about_someone: bool = False  # names a person who may be only context (see screen.py)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every rule, in file order, and the word lists they draw on."""

    rules: tuple[Rule, ...]
    words: Mapping[str, tuple[str, ...]]

    def alternation(self, name: str) -> str:
        """Word list `name` as one regular-expression group: "(?:item|item|...)"."""
        return "(?:" + "|".join(self.words[name]) + ")"

    def of_topic(self, topic: str) -> tuple[Rule, ...]:
        """The rules of `topic`, in file order."""
        return tuple(rule for rule in self.rules if rule.topic == topic)


def read_word_file(file: Path) -> list[tuple[str, int]]:
    """The items of a word-list file with their lines: one a line; blank lines and "#" comments
    are skipped."""
    out = []
    for number, raw in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        item = raw.strip()
        if item and not item.startswith("#"):
            out.append((item, number))
    return out


def class_end(pattern: str, start: int) -> int:
    """The index of the "]" closing the character class opened at `start`."""
    i = start + 1
    if pattern[i:i + 1] == "^":
        i += 1
    if pattern[i:i + 1] == "]":  # a "]" first in a class is a literal
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i


def group_marks(pattern: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """From `start`, each "(", ")" and "|" of `pattern` outside escapes and character classes,
    with the depth of groups there (a "(" counts itself, a ")" no longer counts)."""
    depth, i = 0, start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = class_end(pattern, i)
        elif char == "(":
            depth += 1
            yield i, char, depth
        elif char == ")":
            depth -= 1
            yield i, char, depth
        elif char == "|":
            yield i, char, depth
        i += 1


def top_level_alternatives(pattern: str) -> list[str]:
    """`pattern` split at each "|" outside every group and character class."""
    cuts = [i for i, char, depth in group_marks(pattern) if char == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1:b] for a, b in pairwise(bounds)]


def group_end(pattern: str, start: int) -> int:
    """The index of the ")" closing the group opened at `start`, or -1."""
    for i, char, depth in group_marks(pattern, start):
        if char == ")" and depth == 0:
            return i
    return -1


def load_words(words_dir: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """Every word list of `words_dir` by file stem; problems are appended, not raised."""
    words: dict[str, tuple[str, ...]] = {}
    for file in sorted(words_dir.glob("*.txt")):
        if not _LIST_NAME.fullmatch(file.stem):
            problems.append(Problem(file, None, "a word list is named in lower case, digits "
                                                "and underscores (it is written {name})"))
            continue
        items: list[str] = []
        for item, line in read_word_file(file):
            if item in items:
                problems.append(Problem(file, line, f"{item!r} is already in this list"))
                continue
            try:
                re.compile(item)
            except re.error as exc:
                problems.append(Problem(file, line, f"{item!r} is not a valid regular "
                                                    f"expression: {exc}"))
                continue
            if len(top_level_alternatives(item)) > 1:
                problems.append(Problem(file, line, f"{item!r} holds two items; write one "
                                                    "item a line"))
                continue
            items.append(item)
        if not items:
            problems.append(Problem(file, None, "the word list is empty"))
        words[file.stem] = tuple(items)
    return words


class _Reader:
    """One rules file read with the line of every value (core.yamlfile), and the problems
    found in it."""

    def __init__(self, doc: YamlDoc, problems: list[Problem]) -> None:
        self.doc, self.file, self.problems = doc, doc.file, problems

    def fail(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.file, self.doc.line(*path), message))

    def value(self, path: Path_) -> Any:
        node = self.doc.data
        for key in path:
            node = node[key]
        return node

    def root(self) -> list[Path_]:
        """The paths of the rule mappings in the file's `rules:` list."""
        data = self.doc.data
        if not isinstance(data, dict) or set(data) != {"rules"}:
            self.fail((), "the file must be a mapping with one key, 'rules', holding a list")
            return []
        if not isinstance(data["rules"], list):
            self.fail(("rules",), "'rules' must be a list of rules")
            return []
        out: list[Path_] = []
        for i, item in enumerate(data["rules"]):
            if isinstance(item, dict):
                out.append(("rules", i))
            else:
                self.fail(("rules", i), "each rule must be a mapping (id, topic, kind, why, "
                                        "pattern, matches, passes)")
        return out

    def text(self, path: Path_, what: str) -> str | None:
        # Plain text only: a number, a list or a date has no place in a rule.
        value = self.value(path)
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"{what} must be a line of text")
            return None
        if "\n" in value.strip():
            self.fail(path, f"{what} must fit on one line")
            return None
        return value.strip()

    def examples(self, path: Path_, what: str) -> tuple[Example, ...]:
        items = self.value(path)
        if not isinstance(items, list):
            self.fail(path, f"'{what}' must be a list of questions, one a line")
            return ()
        out = []
        for i in range(len(items)):
            text = self.text((*path, i), f"each '{what}' example")
            if text is not None:
                out.append(Example(text, self.doc.line(*path, i)))
        if len(out) < MIN_EXAMPLES:
            self.fail(path, f"'{what}' needs at least {MIN_EXAMPLES} examples")
        return tuple(out)

    def languages(self, path: Path_) -> tuple[str, ...] | None:
        items = self.value(path)
        if (not isinstance(items, list) or not items
                or not all(isinstance(i, str) and _LANGUAGE_CODE.fullmatch(i) and i != "en"
                           for i in items)):
            self.fail(path, "'languages' must be a list of two-letter language codes other "
                            "than en (the languages the rule is written for)")
            return None
        if len(set(items)) != len(items):
            self.fail(path, "'languages' names a language twice")
            return None
        return tuple(items)


def _compile(reader: _Reader, node: Path_, pattern: str,
             words: Mapping[str, tuple[str, ...]]) -> re.Pattern[str] | None:
    unknown = sorted({name for name in _LIST_REF.findall(pattern) if name not in words})
    if unknown:
        known = ", ".join(sorted(words)) or "none"
        reader.fail(node, f"unknown word list {', '.join('{' + n + '}' for n in unknown)} "
                          f"(known: {known})")
        return None
    expanded = _LIST_REF.sub(lambda m: "(?:" + "|".join(words[m.group(1)]) + ")", pattern)
    try:
        regex = re.compile(expanded)
    except re.error as exc:
        reader.fail(node, f"the pattern does not compile: {exc}")
        return None
    if regex.groups:
        # The screen wraps each rule in a named group to learn which one fired.
        reader.fail(node, "the pattern has a capturing group; write (?:...) instead")
        return None
    if any(char.isupper() for char in _ESCAPE.sub("", expanded)):
        reader.fail(node, "the pattern has an upper-case letter, but the screen only ever sees "
                          "lower-case text")
        return None
    return regex


def _rule(reader: _Reader, node: Path_, words: Mapping[str, tuple[str, ...]],
          seen: dict[str, str]) -> Rule | None:
    fields = {key: (*node, key) for key in reader.value(node)}
    for key in fields:
        if key not in FIELDS and key not in OPTIONAL_FIELDS:
            reader.fail(fields[key], f"unknown key {key!r} (a rule has {', '.join(FIELDS)}, "
                                     f"and may have {', '.join(OPTIONAL_FIELDS)})")
    missing = [key for key in FIELDS if key not in fields]
    if missing:
        reader.fail(node, f"the rule lacks {', '.join(missing)}")
        return None
    values = {key: reader.text(fields[key], f"'{key}'") for key in FIELDS[:5]}
    matches = reader.examples(fields["matches"], "matches")
    passes = reader.examples(fields["passes"], "passes")
    rule_id, topic, kind, why, pattern = (values[key] for key in FIELDS[:5])
    ok = None not in values.values()
    languages: tuple[str, ...] | None = ()
    if "languages" in fields:
        languages = reader.languages(fields["languages"])
        ok = ok and languages is not None
    about_someone = False
    if "about_someone" in fields:
        flag = reader.value(fields["about_someone"])
        if not isinstance(flag, bool):
            reader.fail(fields["about_someone"], "'about_someone' must be true or false")
            ok = False
        else:
            about_someone = flag
    if kind is not None and kind not in TOPICS_BY_KIND:
        reader.fail(fields["kind"], f"unknown kind {kind!r} (referral or emergency)")
        ok = False
    elif kind is not None and topic is not None and topic not in TOPICS_BY_KIND[kind]:
        reader.fail(fields["topic"], f"unknown {kind} topic {topic!r} "
                                        f"(one of {', '.join(TOPICS_BY_KIND[kind])})")
        ok = False
    if rule_id is not None:
        if not _ID.fullmatch(rule_id):
            reader.fail(fields["id"], f"the id {rule_id!r} must read topic.words-with-hyphens")
            ok = False
        elif ok and topic is not None and rule_id.split(".")[0] != topic:
            reader.fail(fields["id"], f"the id {rule_id!r} must start with its topic, "
                                         f"'{topic}.'")
            ok = False
        elif rule_id in seen:
            reader.fail(fields["id"], f"the id {rule_id!r} is already used ({seen[rule_id]})")
            ok = False
        else:
            seen[rule_id] = f"{reader.file.name}:{reader.doc.line(*fields['id'])}"
    regex = _compile(reader, fields["pattern"], pattern, words) if pattern else None
    if not ok or regex is None or len(matches) < MIN_EXAMPLES or len(passes) < MIN_EXAMPLES:
        return None
    assert rule_id and topic and kind and why and pattern and languages is not None
    return Rule(rule_id, topic, kind, why, pattern, regex, matches, passes, reader.file,
                reader.doc.line(*node), languages, about_someone)


def load_rules(rules_dir: Path = RULES_DIR, words_dir: Path = WORDS_DIR,
               reserved: Mapping[str, str] | None = None,
               required_words: Iterable[str] = ()) -> RuleSet:
    """Read every `*.yaml` of `rules_dir` (in name order) with the word lists of `words_dir`.

    `reserved` maps ids the screen's own code paths use to a description; a rule may not take
    one. `required_words` are lists the code reads, which must exist. Raises RulesError naming
    each problem's file and line; the examples are checked separately (`check_examples`), since
    that needs the screen built from these rules.
    """
    problems: list[Problem] = []
    words = load_words(words_dir, problems)
    for name in required_words:
        if name not in words:
            problems.append(Problem(words_dir / f"{name}.txt", None,
                                    "the screen's code needs this word list"))
    seen = {rule_id: f"the screen's code: {what}" for rule_id, what in (reserved or {}).items()}
    rules = []
    files = sorted(rules_dir.glob("*.yaml"))
    if not files:
        problems.append(Problem(rules_dir, None, "no rule files (*.yaml) here"))
    for file in files:
        try:
            doc = read_yaml(file)
        except YamlError as exc:
            problems.append(Problem(file, exc.line, exc.message))
            continue
        reader = _Reader(doc, problems)
        for node in reader.root():
            rule = _rule(reader, node, words, seen)
            if rule is not None:
                rules.append(rule)
    if problems:
        raise RulesError(problems)
    return RuleSet(tuple(rules), words)


def check_examples(ruleset: RuleSet, caught_by: Callable[[Rule, str], bool],
                   decide: Callable[[str], str | None]) -> None:
    """Refuse a rule whose `matches` example the rule does not catch, or a `passes` example
    that any rule of the whole screen catches.

    `caught_by(rule, question)` applies one rule the way the screen does; `decide(question)`
    runs the whole screen and gives the id of the rule that decided, or None.
    """
    problems = []
    for rule in ruleset.rules:
        for example in rule.matches:
            if not caught_by(rule, example.text):
                problems.append(Problem(rule.file, example.line, f"{rule.id}: the matches "
                                        f"example {example.text!r} is not caught by this rule"))
        for example in rule.passes:
            decided = decide(example.text)
            if decided is not None:
                problems.append(Problem(rule.file, example.line, f"{rule.id}: the passes "
                                        f"example {example.text!r} is caught by {decided}"))
    if problems:
        raise RulesError(problems)
