"""A bigger FAQ: the indexed ranking finds what the exhaustive one finds, and a grown FAQ of
1,000 entries passes the check and answers its own questions (what the check remembers between
starts is tested in test_cache.py). Speed is measured in bench/ (startup_bench.py), not here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from faq_bot.core.engine import Engine
from faq_bot.core.faq.loader import check_faq, load_faq
from faq_bot.core.faq.model import Faq
from faq_bot.core.matcher import Matcher
from faq_bot.evaluate import read_questions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from grow_faq import write_faq  # noqa: E402 (bench/ is not a package)


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_faq(tmp_path_factory.mktemp("grown") / "faq", 1000)


def _top(matcher: Matcher, question: str, limit: int, floor: float,
         alone: float) -> list[tuple[str, float]]:
    # What rank(question, limit, floor, alone) promises, from the exhaustive ranking.
    ranked = matcher.rank(question, limit=None)[:limit]
    if ranked and ranked[0].score >= alone:
        ranked = ranked[:1]
    ranked = ranked[:1] + [c for c in ranked[1:] if c.score >= floor]
    return [(c.entry.id, c.score) for c in ranked]


def _questions() -> list[str]:
    return [item.question for item in read_questions(REPO / "tests" / "eval" / "questions.yaml")]


@pytest.mark.parametrize(("limit", "floor", "alone"),
                         [(3, None, None), (1, None, None), (5, 0.0, 2.0), (3, 0.2, 0.9)])
def test_the_index_ranks_the_bundled_faq_as_scoring_every_entry_does(
        engine: Engine, limit: int, floor: float | None, alone: float | None) -> None:
    matcher = engine.matcher
    t = matcher.thresholds
    for question in _questions():
        got = [(c.entry.id, c.score) for c in matcher.rank(question, limit, floor, alone)]
        want = _top(matcher, question, limit, min(t.clarify, t.suggest) if floor is None
                    else floor, t.answer if alone is None else alone)
        assert got == want, question


def test_the_index_ranks_a_grown_faq_as_scoring_every_entry_does(grown: Path) -> None:
    matcher = Matcher(load_faq(grown).entries)
    t = matcher.thresholds
    questions = _questions()[::3] + [e.question for e in matcher.entries[::50]]
    for question in questions:
        for alone in (t.answer, 2.0):
            got = [(c.entry.id, c.score) for c in matcher.rank(question, alone=alone)]
            assert got == _top(matcher, question, 3, min(t.clarify, t.suggest), alone), question


def test_a_grown_faq_passes_the_check_and_answers_its_own_questions(grown: Path) -> None:
    assert check_faq(grown) == []
    faq = load_faq(grown)
    assert len(faq.entries) == 1000
    assert len({e.id for e in faq.entries}) == 1000
    engine = Engine(faq)
    answered = 0
    for entry in faq.entries[::7]:
        for phrasing in (entry.question, entry.alternates[-1]):
            top = engine.matcher.rank(phrasing)[0]
            assert top.entry.id == entry.id and top.score >= engine.thresholds.answer, phrasing
            # The engine answers with that entry, unless its safety screen refers the question
            # (the learned model may, on a phrasing with a made-up word): never another entry.
            reply = engine.ask(phrasing)
            assert reply.faq_id in (entry.id, None), phrasing
            answered += reply.faq_id == entry.id
    assert answered >= 0.9 * 2 * len(faq.entries[::7])


def test_a_weak_question_scores_its_f1_part_alone(engine: Engine) -> None:
    # Nothing near the suggest line: no fuzzy part is added, on either path.
    matcher = engine.matcher
    for question in ("kratom weather forecast tomorrow", "kratom plus edibles"):
        top = matcher.rank(question)
        assert top and top[0].score < matcher.thresholds.suggest
        assert top[0] == matcher.rank(question, limit=None)[0]


def test_a_faq_loaded_twice_is_the_same_faq(faq: Faq, data_dir: Path) -> None:
    assert check_faq(data_dir) == []
    assert load_faq(data_dir) is load_faq(data_dir)
    assert load_faq(data_dir).entries == faq.entries
