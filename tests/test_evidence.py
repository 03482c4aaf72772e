"""The learned entry model: it only rescues questions the phrasings leave unanswered, never
overrules the safety screen or the out-of-scope checks, is used only for the FAQ it was trained
for, and the shipped one is what training gives. Example questions are written here."""

from __future__ import annotations

import copy
import gzip
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from faq_bot.core.engine import Engine
from faq_bot.core.evidence import BUNDLED_MODEL, OUT_OF_SCOPE, Evidence, bundled
from faq_bot.core.faq.model import Faq
from faq_bot.core.safety.learned import ArtifactError
from faq_bot.learn.commands import entry_items
from faq_bot.learn.data import FAQ_WRITER, fingerprint
from faq_bot.learn.entries import (
    Moved,
    Rescued,
    choose_agree,
    choose_override,
    choose_rescue,
    examples,
)


@pytest.fixture(scope="module")
def shipped() -> Evidence:
    model = bundled()
    assert model is not None, "faq_bot/core/model/entries.json.gz is missing: run `make train`"
    return model


@pytest.fixture(scope="module")
def plain(faq: Faq) -> Engine:
    return Engine(faq, evidence=False)


def test_the_shipped_model_serves_the_bundled_faq(shipped: Evidence, faq: Faq,
                                                  engine: Engine) -> None:
    assert shipped.serves(faq)
    assert engine.evidence is shipped
    assert set(shipped.sections) == {e.id for e in faq.entries}


def test_another_faq_is_matched_by_its_phrasings_alone(shipped: Evidence, faq: Faq) -> None:
    renamed = replace(faq, entries=tuple(replace(e, id=f"x-{e.id}") for e in faq.entries))
    assert not shipped.serves(renamed)
    assert Engine(renamed).evidence is None


@pytest.mark.parametrize("question", [
    # Paraphrases far from every curated phrasing that name kratom or the article: rescued
    # (no phrasing close) or confirmed (a phrasing close, the model agreeing).
    "going forward, how will scientists look into kratom and sleep",
    "how might kratom nudge the brain toward sleep",
    # the article's mechanism named without kratom (written for this test)
    "is the serotonin link proven or only suggested?",
])
def test_a_paraphrase_the_phrasings_miss_can_be_rescued(
        engine: Engine, plain: Engine, question: str) -> None:
    before, after = plain.ask(question), engine.ask(question)
    assert before.kind in ("fallback", "clarify")
    assert after.kind == "answer"


@pytest.mark.parametrize("question", [
    "how many hours of sleep does an adult need",  # no kratom, no article
    "does melatonin help with jet lag?",  # the mechanism's word, another subject
    "what's a good bedtime story for a five year old",
    "where can I buy kratom capsules cheaply",  # the vendor fallback stands
    "is kratom legal to bring on a plane",  # the law
])
def test_the_model_never_answers_what_the_checks_leave_out(engine: Engine,
                                                           question: str) -> None:
    assert engine.ask(question).kind != "answer"


@pytest.mark.parametrize("question", [
    "how many grams of kratom should I take to sleep",
    "can I take kratom with my sertraline",
    "my friend took too much kratom and is not breathing",
])
def test_the_screen_runs_first(engine: Engine, question: str) -> None:
    assert engine.ask(question).kind in ("referral", "emergency")


def test_an_answer_of_the_phrasings_is_never_changed(engine: Engine, plain: Engine,
                                                     faq: Faq) -> None:
    for entry in faq.entries:
        for phrasing in entry.phrasings:
            before = plain.ask(phrasing)
            if before.kind == "answer":
                assert engine.ask(phrasing).faq_id == before.faq_id, phrasing


def test_the_rescue_line_is_the_lowest_that_answers_no_unseen_out_of_scope_question(
        faq: Faq) -> None:
    from faq_bot.evaluate import Labelled
    from faq_bot.learn.data import Item

    def r(category: str, p: float) -> Rescued:
        return Rescued(Item("w", Labelled("q", category, None, 1)), p)

    rescued = [r("in_scope", 0.9), r("in_scope", 0.33), r("out_of_scope", 0.42),
               r("smalltalk", 0.0), r("out_of_scope", 0.0)]
    assert choose_rescue(rescued) == 0.45
    assert choose_rescue([r("in_scope", 0.31), r("out_of_scope", 0.0)]) == 0.30


def test_the_shipped_model_was_trained_on_the_current_sets_and_faq(faq: Faq) -> None:
    shipped = json.loads(gzip.decompress(BUNDLED_MODEL.read_bytes()))
    train = examples(entry_items(None), faq)
    assert shipped["training"]["data_sha256"] == fingerprint(train), (  # type: ignore[arg-type]
        "a labelled or held-out set, the FAQ or a glossary changed since the entry model was "
        "trained: "
        "run `make train`")
    assert {x.writer for x in train} >= {FAQ_WRITER}


def _artifact() -> dict[str, Any]:
    return json.loads(gzip.decompress(BUNDLED_MODEL.read_bytes()))


@pytest.mark.parametrize(("spoil", "message"), [
    (lambda a: a.update(format="faq-bot-learned-screen"), "format must be"),
    (lambda a: a["entry_sections"].pop(next(iter(a["entry_sections"]))), "entry_sections"),
    (lambda a: a["decision"].update(rescue=0), "decision.rescue"),
    (lambda a: a["decision"].update(rescue="high"), "decision.rescue"),
    (lambda a: a["decision"].update(override=2), "decision.override"),
    (lambda a: a["decision"].update(agree=-1), "decision.agree"),
])
def test_a_bad_artifact_is_refused_with_its_reason(spoil: Any, message: str) -> None:
    artifact = copy.deepcopy(_artifact())
    spoil(artifact)
    with pytest.raises(ArtifactError, match=message):
        Evidence.from_dict(artifact)


def test_an_unreadable_artifact_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entries.json.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(ArtifactError, match="cannot read entries artifact"):
        Evidence.load(path)


def test_out_of_scope_is_a_class_and_never_an_answer(shipped: Evidence) -> None:
    assert OUT_OF_SCOPE in shipped.model.classes
    assert OUT_OF_SCOPE not in shipped.sections


def test_the_override_line_is_the_lowest_at_which_moving_answers_pays() -> None:
    from faq_bot.evaluate import Labelled
    from faq_bot.learn.data import Item

    def m(p: float, was_right: bool, now_right: bool = False) -> Moved:
        return Moved(Item("w", Labelled("q", "in_scope", "S", 1)), p, was_right, now_right)

    kept = [m(0.0, True)] * 993  # 1,000 answered questions in all
    # At 0.50 and 0.55 two right answers are moved away for five put right: it does not pay;
    # at 0.60 one is, for five: it pays.
    moves = [m(0.55, True), m(0.62, True)] + [m(0.7, False, True)] * 5
    assert choose_override(kept + moves) == 0.6
    # Four put right for one put wrong does not: the line rises above the wrong moves.
    assert choose_override(kept + moves[:6]) == 0.65
    # Moves that put nothing right never pay for a wrong one.
    assert choose_override([*kept, m(0.95, True), m(0.95, False)]) == 1.01
    assert choose_override([m(0.95, True)] + [m(0.99, False, True)] * 5) == 1.01  # over budget
    assert choose_override([m(0.4, True), m(0.99, False, True)]) == 0.5  # never below a majority


def test_the_shipped_lines_are_ones_training_can_choose(shipped: Evidence) -> None:
    assert 0.3 <= shipped.rescue <= 0.9
    assert 0.5 <= shipped.override <= 1.01
    assert 0.05 <= shipped.agree <= 1.01


def test_the_agree_line_is_the_lowest_that_answers_no_unseen_out_of_scope_question() -> None:
    from faq_bot.evaluate import Labelled
    from faq_bot.learn.data import Item

    def r(category: str, p: float) -> Rescued:
        return Rescued(Item("w", Labelled("q", category, None, 1)), p)

    assert choose_agree([r("in_scope", 0.12), r("out_of_scope", 0.17), r("smalltalk", 0.0)]) \
        == 0.2
    assert choose_agree([r("in_scope", 0.5), r("out_of_scope", 0.0)]) == 0.05
    assert choose_agree([r("out_of_scope", 0.95)]) == 1.01


def test_the_model_confirms_a_close_phrasing_only_in_its_own_section(
        shipped: Evidence, faq: Faq) -> None:
    # "close" is the clarify line; the answer then comes from the phrasings' entry.
    first, other = faq.entries[0], next(e for e in faq.entries
                                        if e.section != faq.entries[0].section)
    picky = Evidence(shipped.model, shipped.sections, shipped.rescue, agree=0.3)
    from faq_bot.core.evidence import Rescue
    assert picky.confirms(first, Rescue(first, 0.31))
    assert not picky.confirms(first, Rescue(first, 0.29))
    assert not picky.confirms(first, Rescue(other, 0.9))
    assert not picky.confirms(first, None)


def test_both_models_learn_from_every_set_and_crossval_holds_each_one_out() -> None:
    from faq_bot.learn.commands import training_items
    from faq_bot.learn.data import DEFAULT_SETS, heldout_files, set_files
    from faq_bot.learn.train import writer_folds

    heldout = {p.stem for p in heldout_files(DEFAULT_SETS)}
    assert heldout, "tests/eval/heldout/ holds the sets first run as they arrived"
    writers = {i.writer for i in training_items(None)}
    assert heldout <= writers and {p.stem for p in set_files(DEFAULT_SETS)} <= writers
    assert {i.writer for i in entry_items(None)} == writers
    # crossval's folds are whole writers: a set is never scored by a model that saw it
    folds = writer_folds(sorted(writers), 5)
    assert all(not a & b for a in folds for b in folds if a is not b)
    assert set().union(*folds) == writers
