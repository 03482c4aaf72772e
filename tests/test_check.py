"""`faq-bot check`: every problem a curator can introduce is reported with its file and the line
to fix, through the library (check_faq), the command line, and the app factory.

Each case breaks a copy of the data directory. The faq.yaml of a case is a small FAQ written
here, so the expected line is computed from the text the test wrote, never from the checker.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from faq_bot import create_app
from faq_bot.cli import main
from faq_bot.config import Settings
from faq_bot.core.faq.checker import Problem
from faq_bot.core.faq.loader import FaqInvalid, check_faq

SMALL_FAQ = """\
# Two entries, enough for every check to have something to look at.
entries:
  - id: what-is-kratom
    question: What is kratom?
    alternates:
      - what is kratom exactly
      - where does kratom come from
    answer: The article describes kratom as a tropical tree native to Southeast Asia.
    source:
      section: Introduction
      quote: "Kratom, a tropical tree native to Southeast Asia"
  - id: kratom-strains
    question: Do kratom strains differ for sleep?
    alternates:
      - are some kratom strains different
    answer: The article says different strains can have varying effects on sleep.
    source:
      section: Strain-Specific Effects
      quote: "Different strains of kratom can have varying effects on sleep"
"""


def line_of(text: str, needle: str, *, last: bool = False) -> int:
    """The 1-based line of the first (or last) occurrence of `needle` in `text`."""
    at = text.rindex(needle) if last else text.index(needle)
    return text.count("\n", 0, at) + 1


def swap(text: str, old: str, new: str) -> str:
    """`text` with its one occurrence of `old` replaced by `new`."""
    assert text.count(old) == 1, f"the test expects exactly one {old!r}"
    return text.replace(old, new)


def swap_block(text: str, first_line: str, new: str, *, first: bool = False) -> str:
    """`text` with the value starting at `first_line` (and its more indented continuation
    lines, as in a `>-` block) replaced by the single line `new`; the first of several such
    values when `first`, else the only one."""
    indent = len(first_line) - len(first_line.lstrip(" "))
    pattern = re.compile(rf"^{re.escape(first_line)}\n(?: {{{indent + 1},}}\S.*\n)*", re.M)
    found = len(pattern.findall(text))
    assert found == 1 or (first and found), f"the test expects one {first_line!r}, not {found}"
    return pattern.sub(lambda _: new + "\n", text, count=1)


@dataclass(frozen=True)
class Broken:
    """What a case expects: the file, the line (None: the file as a whole) and words of the
    message."""

    file: str
    line: int | None
    words: tuple[str, ...]


@pytest.fixture
def small(faq_copy: Path) -> Path:
    """A copy of the data directory whose faq.yaml is SMALL_FAQ (and whose policy offers only
    its entries as starter questions)."""
    (faq_copy / "faq.yaml").write_text(SMALL_FAQ, encoding="utf-8")
    policy = read(faq_copy, "policy.yaml")
    starters = re.search(r"^starter_questions:.*$", policy, re.M)
    if starters:
        write(faq_copy, "policy.yaml", swap_block(policy, starters.group(0),
                                                  "starter_questions: [what-is-kratom]"))
    return faq_copy


def write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return text


def read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


# --- the cases: each breaks `small` and says where the problem is ------------------------------

def malformed_yaml(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "question: What is kratom?",
                                     "question: What is: kratom?"))
    return Broken("faq.yaml", line_of(text, "What is: kratom?"), ("malformed YAML",))


def malformed_yaml_tab(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "    answer: The article says different",
                                     "\tanswer: The article says different"))
    return Broken("faq.yaml", line_of(text, "\tanswer"), ("malformed YAML",))


def missing_answer(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(
        SMALL_FAQ, "    answer: The article says different strains can have varying effects on "
        "sleep.\n", ""))
    return Broken("faq.yaml", line_of(text, "- id: kratom-strains"), ("'answer'", "missing"))


def missing_quote(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(
        SMALL_FAQ, '      quote: "Different strains of kratom can have varying effects on '
        'sleep"\n', ""))
    return Broken("faq.yaml", line_of(text, "    source:", last=True), ("'quote'", "missing"))


def duplicate_id(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "- id: kratom-strains", "- id: what-is-kratom"))
    return Broken("faq.yaml", line_of(text, "- id: what-is-kratom", last=True),
                  ("what-is-kratom", "used twice"))


def alternate_in_two_entries(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "      - are some kratom strains different\n",
                                     "      - are some kratom strains different\n"
                                     "      - what is kratom exactly\n"))
    return Broken("faq.yaml", line_of(text, "- what is kratom exactly", last=True),
                  ("what is kratom exactly", "what-is-kratom"))


def section_not_a_heading(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "section: Introduction", "section: Intro"))
    return Broken("faq.yaml", line_of(text, "section: Intro"), ("'Intro'", "not a heading"))


def quote_not_in_article(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "native to Southeast Asia\"",
                                     "native to South America\""))
    return Broken("faq.yaml", line_of(text, "South America"), ("quote", "verbatim"))


def quote_from_another_section(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(
        SMALL_FAQ, '"Kratom, a tropical tree native to Southeast Asia"',
        '"Kratom leaves contain a variety of alkaloids"'))
    return Broken("faq.yaml", line_of(text, "Kratom leaves contain"),
                  ("Introduction", "Alkaloids: The Key Players"))


def answer_with_amount(amount: str) -> Callable[[Path], Broken]:
    def case(d: Path) -> Broken:
        text = write(d, "faq.yaml", swap(
            SMALL_FAQ, "answer: The article describes kratom as a tropical tree",
            f"answer: People take {amount} of it. The article describes kratom as a tree"))
        return Broken("faq.yaml", line_of(text, amount), ("dose amount", amount))
    return case


def quote_with_amount(d: Path) -> Broken:
    # The article itself states this amount, so only the dose rule can refuse the quote.
    text = SMALL_FAQ.replace("section: Strain-Specific Effects", "section: Dose-Dependent Results")
    text = write(d, "faq.yaml", swap(
        text, '"Different strains of kratom can have varying effects on sleep"',
        '"Low doses of kratom, typically around 2-3 grams"'))
    return Broken("faq.yaml", line_of(text, "typically around 2-3 grams"),
                  ("dose amount", "2-3 grams"))


def policy_reply_with_amount(d: Path) -> Broken:
    text = write(d, "policy.yaml", swap_block(read(d, "policy.yaml"), "  goodbye: >-",
                                              "  goodbye: Take two capsules and sleep well."))
    return Broken("policy.yaml", line_of(text, "two capsules"), ("dose amount", "two capsules"))


def referral_with_amount(d: Path) -> Broken:
    policy = read(d, "policy.yaml")
    dosing = policy.index("    dosing:")
    head, tail = policy[:dosing], policy[dosing:]
    tail = swap_block(tail, "      text: >-", "      text: Never take more than five grams.",
                      first=True)
    text = write(d, "policy.yaml", head + tail)
    return Broken("policy.yaml", line_of(text, "five grams"), ("dose amount", "five grams"))


def context_note_with_amount(d: Path) -> Broken:
    sources = read(d, "sources.yaml")
    note = sources.index("  - id: fda-no-approved-use")
    head, tail = sources[:note], sources[note:]
    tail = swap_block(tail, "    text: >-", "    text: Most users start with a teaspoon of it.",
                      first=True)
    text = write(d, "sources.yaml", head + tail)
    return Broken("sources.yaml", line_of(text, "a teaspoon"), ("dose amount", "a teaspoon"))


def empty_safety_line(d: Path) -> Broken:
    text = write(d, "policy.yaml", swap_block(read(d, "policy.yaml"), "safety_line: >-",
                                              'safety_line: "  "'))
    return Broken("policy.yaml", line_of(text, "safety_line:"), ("safety line", "empty"))


def unknown_context_id(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(
        SMALL_FAQ, '      quote: "Kratom, a tropical tree native to Southeast Asia"\n',
        '      quote: "Kratom, a tropical tree native to Southeast Asia"\n'
        "    context: [fda-no-approved-use, no-such-note]\n"))
    return Broken("faq.yaml", line_of(text, "no-such-note"), ("no-such-note", "sources.yaml"))


def unknown_field(d: Path) -> Broken:
    text = write(d, "faq.yaml", swap(SMALL_FAQ, "    question: Do kratom strains differ",
                                     "    tags: [strains]\n    question: Do kratom strains differ"))
    return Broken("faq.yaml", line_of(text, "tags:"), ("unknown field", "'tags'"))


def placeholder_not_a_contact(d: Path) -> Broken:
    text = write(d, "policy.yaml", swap_block(
        read(d, "policy.yaml"), "safety_line: >-",
        'safety_line: "Not medical advice. In an emergency call {hotline}."'))
    return Broken("policy.yaml", line_of(text, "{hotline}"), ("{hotline}", "not a contact"))


def article_file_missing(d: Path) -> Broken:
    (d / "article.txt").unlink()
    return Broken("article.yaml", line_of(read(d, "article.yaml"), "file: article.txt"),
                  ("article.txt",))


def heading_not_in_article(d: Path) -> Broken:
    text = write(d, "article.yaml", swap(read(d, "article.yaml"), "  - Neurotransmitter Modulation",
                                         "  - Neurotransmitter Modulations"))
    return Broken("article.yaml", line_of(text, "Neurotransmitter Modulations"),
                  ("Neurotransmitter Modulations",))


def faq_not_utf8(d: Path) -> Broken:
    (d / "faq.yaml").write_bytes(SMALL_FAQ.encode("utf-8").replace(b"kratom?", b"kratom\xff?"))
    return Broken("faq.yaml", None, ("cannot be read",))


def faq_is_a_directory(d: Path) -> Broken:
    (d / "faq.yaml").unlink()
    (d / "faq.yaml").mkdir()
    return Broken("faq.yaml", None, ("cannot be read",))


def policy_missing(d: Path) -> Broken:
    (d / "policy.yaml").unlink()
    return Broken("policy.yaml", None, ("missing",))


CASES: dict[str, Callable[[Path], Broken]] = {
    "malformed-yaml": malformed_yaml,
    "malformed-yaml-tab-indent": malformed_yaml_tab,
    "entry-without-answer": missing_answer,
    "entry-without-quote": missing_quote,
    "duplicate-id": duplicate_id,
    "alternate-in-two-entries": alternate_in_two_entries,
    "section-not-a-heading": section_not_a_heading,
    "quote-not-in-article": quote_not_in_article,
    "quote-from-another-section": quote_from_another_section,
    "answer-amount-2-3-grams": answer_with_amount("2-3 grams"),
    "answer-amount-five-grams": answer_with_amount("five grams"),
    "answer-amount-a-teaspoon": answer_with_amount("a teaspoon"),
    "answer-amount-two-capsules": answer_with_amount("two capsules"),
    "quote-with-amount": quote_with_amount,
    "policy-reply-with-amount": policy_reply_with_amount,
    "referral-with-amount": referral_with_amount,
    "context-note-with-amount": context_note_with_amount,
    "empty-safety-line": empty_safety_line,
    "unknown-context-id": unknown_context_id,
    "unknown-field": unknown_field,
    "placeholder-not-a-contact": placeholder_not_a_contact,
    "article-file-missing": article_file_missing,
    "heading-not-in-article": heading_not_in_article,
    "faq-not-utf8": faq_not_utf8,
    "faq-is-a-directory": faq_is_a_directory,
    "policy-file-missing": policy_missing,
}


def where(folder: Path, broken: Broken) -> str:
    """The `file:line` (or `file`) prefix a problem is printed with."""
    file = folder / broken.file
    return f"{file}:{broken.line}: " if broken.line else f"{file}: "


# --- tests ------------------------------------------------------------------------------------

def test_the_bundled_faq_passes(data_dir: Path) -> None:
    assert check_faq(data_dir) == []


def test_the_small_faq_of_these_cases_passes(small: Path) -> None:
    assert check_faq(small) == []


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_check_finds_the_problem_at_its_line(small: Path, case: Callable[[Path], Broken]) -> None:
    broken = case(small)
    problems = check_faq(small)
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.file, problem.line) == (small / broken.file, broken.line), str(problem)
    for word in broken.words:
        assert word in problem.message


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_cli_prints_file_and_line_and_fails(small: Path,
                                                case: Callable[[Path], Broken]) -> None:
    broken = case(small)
    result = CliRunner().invoke(main, ["check"], env={"FAQ_BOT_DATA_DIR": str(small)})
    assert result.exit_code == 1, result.output
    assert where(small, broken) in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("quote", [
    pytest.param("Choosing the best kratom strain for sleep is crucial", id="plain-space"),
    pytest.param("Choosing the   best kratom\\tstrain for sleep is crucial", id="space-runs"),
    pytest.param("Choosing the\u00a0best kratom strain for sleep is crucial", id="nbsp"),
    pytest.param("Choosing the\u0100\u00a0best kratom strain for sleep", id="as-in-the-article"),
])
def test_quotes_tolerate_whitespace_and_the_mis_encoded_space(small: Path, quote: str) -> None:
    # The article has "the" + 'Ā' + U+00A0 + "best"; a curator types a plain space.
    text = swap(SMALL_FAQ, '"Different strains of kratom can have varying effects on sleep"',
                f'"{quote}"')
    write(small, "faq.yaml", text)
    assert check_faq(small) == []


def test_a_quote_folded_across_lines_stands(small: Path) -> None:
    text = swap(SMALL_FAQ, '      quote: "Different strains of kratom can have varying effects '
                'on sleep"\n', "      quote: >-\n        Choosing the best kratom strain\n"
                "        for sleep is crucial\n")
    write(small, "faq.yaml", text)
    assert check_faq(small) == []


def test_a_quote_with_the_wrong_letters_still_fails(small: Path) -> None:
    # Tolerating the mis-encoded space must not tolerate a different word.
    text = swap(SMALL_FAQ, '"Different strains of kratom can have varying effects on sleep"',
                '"Choosing the worst kratom strain for sleep is crucial"')
    write(small, "faq.yaml", text)
    problems = check_faq(small)
    assert [(p.file.name, p.line) for p in problems] == [("faq.yaml", line_of(text, "worst"))]


def test_every_problem_is_reported_not_just_the_first(small: Path) -> None:
    text = swap(SMALL_FAQ, "section: Introduction", "section: Intro")
    text = write(small, "faq.yaml", swap(text, "- id: kratom-strains", "- id: what-is-kratom"))
    lines = sorted(p.line for p in check_faq(small) if p.line is not None)
    assert lines == sorted([line_of(text, "section: Intro"),
                            line_of(text, "- id: what-is-kratom", last=True)])


def test_a_country_without_contacts_is_reported(small: Path) -> None:
    problems = check_faq(small, country="XX")
    contacts_line = line_of(read(small, "policy.yaml"), "\ncontacts:") + 1
    assert [(p.file, p.line) for p in problems] == [(small / "policy.yaml", contacts_line)]
    assert "'XX'" in problems[0].message and "FAQ_BOT_COUNTRY" in problems[0].message

    result = CliRunner().invoke(main, ["check"], env={"FAQ_BOT_DATA_DIR": str(small),
                                                      "FAQ_BOT_COUNTRY": "XX"})
    assert result.exit_code == 1
    assert f"{small / 'policy.yaml'}:{contacts_line}: " in result.stderr


def test_a_missing_data_directory_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"
    problems = check_faq(missing)
    assert problems == [Problem(missing, None, problems[0].message)]
    assert "FAQ_BOT_DATA_DIR" in problems[0].message

    result = CliRunner().invoke(main, ["check"], env={"FAQ_BOT_DATA_DIR": str(missing)})
    assert result.exit_code == 1
    assert str(missing) in result.stderr
    assert "Traceback" not in result.output


def test_the_data_dir_option_overrides_the_environment(small: Path, data_dir: Path) -> None:
    section_not_a_heading(small)
    result = CliRunner().invoke(main, ["check", "--data-dir", str(small)],
                                env={"FAQ_BOT_DATA_DIR": str(data_dir)})
    assert result.exit_code == 1
    assert f"{small / 'faq.yaml'}:" in result.stderr


def test_the_app_refuses_to_start_on_a_bad_faq(small: Path) -> None:
    broken = duplicate_id(small)
    settings = Settings(data_dir=small, ratelimit=None, reload_interval=0, curation=False)
    with pytest.raises(FaqInvalid) as info:
        create_app(settings)
    assert [(p.file, p.line) for p in info.value.problems] == [(small / "faq.yaml", broken.line)]
    assert where(small, broken) in str(info.value)


def test_the_app_refuses_to_start_without_contacts_for_its_country(small: Path) -> None:
    settings = Settings(data_dir=small, country="XX", ratelimit=None, reload_interval=0,
                        curation=False)
    with pytest.raises(FaqInvalid):
        create_app(settings)
