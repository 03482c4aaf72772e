"""Honest answers: the article's unsupported claims come with the vetted notes that qualify
them, each with its source, through the API."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from faq_bot.core.doses import find_dose_amounts
from faq_bot.core.faq.loader import check_faq
from faq_bot.core.faq.model import Faq

# entry -> the notes it must carry (issue 8's minimum)
REQUIRED = {
    "red-vein-strains": {"vein-colour-no-difference", "fda-7oh-trace"},
    "why-red-strains-are-more-sedating": {"vein-colour-no-difference", "fda-7oh-trace"},
    "7-hydroxymitragynine": {"who-partial-agonists", "fda-7oh-trace"},
    "dopamine-and-serotonin": {"who-receptors-unclear"},
    "melatonin": {"who-receptors-unclear"},
    "does-kratom-improve-sleep": {"sleep-no-trials", "fda-no-approved-use"},
    "article-conclusion": {"sleep-no-trials", "fda-no-approved-use"},
    "side-effects": {"fda-no-approved-use", "cdc-polysubstance"},
    "is-kratom-safe": {"fda-no-approved-use", "cdc-polysubstance"},
    "drug-interactions-research": {"interactions-cyp"},
    "dose-dependent-effects": {"dose-no-threshold"},
}


def _ask(client: FlaskClient, question: str) -> dict:
    response = client.post("/api/v1/ask", json={"question": question})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize(("entry_id", "notes"), sorted(REQUIRED.items()))
def test_entries_carry_their_notes_through_the_api(client: FlaskClient, faq: Faq, entry_id: str,
                                                   notes: set[str]) -> None:
    entry = faq.by_id[entry_id]
    reply = _ask(client, entry.question)
    assert reply["faq_id"] == entry_id
    expected = [faq.notes[n] for n in notes]
    got = {(c["text"], c["source"]["title"], c["source"]["url"]) for c in reply["context"]}
    for note in expected:
        assert (note.text, note.title, note.url) in got
        assert note.url and note.url.startswith("https://")


def test_interaction_referrals_carry_the_interaction_notes(client: FlaskClient) -> None:
    reply = _ask(client, "can I take kratom with my antidepressants?")
    assert reply["kind"] == "referral" and reply["topic"] == "interaction"
    titles = {c["source"]["title"] for c in reply["context"]}
    assert any("Tanna" in t for t in titles) and any("CDC" in t for t in titles)


def test_notes_are_never_attributed_to_the_article(faq: Faq) -> None:
    for note in faq.notes.values():
        assert faq.article.title not in note.title
        assert not note.text.lower().startswith("the article")


def test_no_note_holds_a_dose_amount(faq: Faq) -> None:
    assert [n.id for n in faq.notes.values() if find_dose_amounts(n.text)] == []


def test_answers_attribute_claims_to_the_article(faq: Faq) -> None:
    for entry in faq.entries:
        assert "article" in entry.answer.lower(), entry.id


def test_check_refuses_an_unknown_context_id(faq_copy) -> None:
    faq_file = faq_copy / "faq.yaml"
    text = faq_file.read_text(encoding="utf-8")
    marker = "context: [fda-no-approved-use]"
    assert marker in text
    line = text[: text.index(marker)].count("\n") + 1
    faq_file.write_text(text.replace(marker, "context: [fda-no-such-note]", 1), encoding="utf-8")
    problems = check_faq(faq_copy)
    assert any(p.line == line and "fda-no-such-note" in p.message for p in problems), problems
