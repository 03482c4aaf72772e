"""Loading the data directory into the immutable model: the article by section, the entries,
the policy with the deployment's contacts filled in, and the line-keeping YAML reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from faq_bot.config import bundled_data_dir
from faq_bot.core.faq.loader import FaqInvalid, load_faq
from faq_bot.core.faq.model import Faq
from faq_bot.core.yamlfile import YamlError, read_yaml

REPO = Path(__file__).resolve().parent.parent
HEADINGS = [
    "Alkaloids: The Key Players", "Neurotransmitter Modulation", "Strain-Specific Effects",
    "Dose-Dependent Results", "Potential Risks and Considerations",
    "The Future of Kratom Research",
    "Conclusion: Unlocking the Potential of Kratom for Better Sleep",
]


def test_the_bundled_data_dir_is_the_checkout_folder() -> None:
    assert bundled_data_dir() == REPO / "faq_data"
    assert (bundled_data_dir() / "faq.yaml").is_file()


def test_the_article_is_split_into_the_contract_sections(faq: Faq) -> None:
    assert faq.article.title == "The Science Behind Kratom and Sleep"
    assert list(faq.article.sections) == ["Introduction", *HEADINGS]
    intro = faq.article.sections["Introduction"]
    assert intro.startswith("Kratom, a tropical tree native to Southeast Asia")
    # The marketing lines between paragraphs are not content of the section before them.
    assert not faq.article.sections["Neurotransmitter Modulation"].endswith("best kratom")
    assert "Choosing the best kratom strain" in faq.article.sections["Strain-Specific Effects"]
    assert all("\u0100" not in text and "\n" not in text for text in faq.article.sections.values())


def test_entries_are_unique_and_cite_their_section(faq: Faq) -> None:
    ids = [e.id for e in faq.entries]
    assert len(ids) == len(set(ids)) == len(faq.by_id)
    for entry in faq.entries:
        assert entry.section in faq.article.sections, entry.id
        assert entry.quote in faq.article.sections[entry.section], entry.id
        assert entry.phrasings[0] == entry.question
        assert entry.alternates
        assert "\n" not in entry.answer


def test_policy_texts_have_the_contacts_filled_in(faq: Faq) -> None:
    policy = faq.policy
    texts = [policy.safety_line, policy.clarify, *policy.fallback.values(),
             *policy.smalltalk.values(), *(r.text for r in policy.referral.values()),
             *(r.text for r in policy.emergency.values())]
    assert all("{" not in t and "}" not in t for t in texts)
    assert policy.country == "US"
    assert "911" in policy.emergency_for("overdose").text
    assert "988" in policy.emergency_for("self_harm").text


def test_the_country_setting_picks_its_contacts(data_dir: Path) -> None:
    gb = load_faq(data_dir, country="GB")
    assert gb.policy.country == "GB"
    assert "999" in gb.policy.emergency_for("overdose").text
    assert "911" not in gb.policy.emergency_for("overdose").text
    assert "999" in gb.policy.safety_line


def test_the_source_url_setting_reaches_the_article(data_dir: Path) -> None:
    url = "https://example.org/the-science-behind-kratom-and-sleep"
    assert load_faq(data_dir, source_url=url).article.url == url


def test_unknown_topics_fall_back_to_the_general_reply(faq: Faq) -> None:
    assert faq.policy.referral_for("no-such-topic") == faq.policy.referral["dosing"]
    assert faq.policy.emergency_for("no-such-topic") == faq.policy.emergency["default"]


def test_the_fingerprint_follows_the_data(faq_copy: Path, faq: Faq) -> None:
    assert load_faq(faq_copy).fingerprint == faq.fingerprint
    faq_file = faq_copy / "faq.yaml"
    faq_file.write_text(faq_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_faq(faq_copy).fingerprint != faq.fingerprint


def test_a_bad_folder_loads_nothing(faq_copy: Path) -> None:
    (faq_copy / "sources.yaml").write_text("notes: [", encoding="utf-8")
    with pytest.raises(FaqInvalid) as info:
        load_faq(faq_copy)
    assert [p.file.name for p in info.value.problems] == ["sources.yaml"]


def test_read_yaml_remembers_the_line_of_every_value(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("# comment\na: 1\nb:\n  - x\n  - y: 2\n    z: >-\n      folded\n",
                    encoding="utf-8")
    doc = read_yaml(file)
    assert doc.data == {"a": 1, "b": ["x", {"y": 2, "z": "folded"}]}
    assert doc.line("a") == 2
    assert doc.line("b", 0) == 4
    assert doc.line("b", 1, "z") == 6
    assert doc.line("b", 1, "nope") == 5  # the nearest value that exists


def test_read_yaml_refuses_a_repeated_key_at_its_line(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    with pytest.raises(YamlError) as info:
        read_yaml(file)
    assert (info.value.file, info.value.line) == (file, 3)


def test_read_yaml_refuses_an_alias_bomb_at_its_first_alias(tmp_path: Path) -> None:
    # 9**8 strings if expanded; the refusal must come from the first repeated node, so the
    # expansion never starts (a clock would be noisy on shared machines; the line is not).
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 8)]
    file = tmp_path / "x.yaml"
    file.write_text("\n".join(lines) + "\nentries: *a7\n", encoding="utf-8")
    with pytest.raises(YamlError) as info:
        read_yaml(file)
    assert info.value.line == 1  # the anchored list that a1 repeats
    assert "anchors and aliases" in info.value.message


def test_read_yaml_refuses_even_a_single_alias(tmp_path: Path) -> None:
    file = tmp_path / "x.yaml"
    file.write_text("a: &x hello\nb: c\nd: *x\n", encoding="utf-8")
    with pytest.raises(YamlError, match="anchors and aliases"):
        read_yaml(file)


def test_an_answer_names_help_lines_by_placeholder_filled_per_country(data_dir: Path) -> None:
    us = load_faq(data_dir, country="US").by_id["abuse-and-dependence"].answer
    gb = load_faq(data_dir, country="GB").by_id["abuse-and-dependence"].answer
    assert "1-800-662-4357" in us and "0300 123 6600" not in us
    assert "0300 123 6600" in gb
    assert "{" not in us + gb


def test_an_answer_with_an_unknown_placeholder_is_refused_at_its_line(faq_copy: Path) -> None:
    faq_file = faq_copy / "faq.yaml"
    text = faq_file.read_text(encoding="utf-8")
    faq_file.write_text(text.replace("or call the {helpline}.", "or call the {hotline}.", 1),
                        encoding="utf-8")
    with pytest.raises(FaqInvalid) as caught:
        load_faq(faq_copy)
    message = str(caught.value)
    assert f"{faq_file}:" in message and "{hotline}" in message
