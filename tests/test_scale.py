"""A bigger FAQ: the indexed ranking finds what the exhaustive one finds, a grown FAQ of 1,000
entries passes the check and answers its own questions, and what the check remembers between
starts (phrasings that passed, parsed YAML) never lets a refused phrasing through nor loses a
problem's line. Speed is measured in bench/ (startup_bench.py), not here."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from faq_bot.core.engine import Engine
from faq_bot.core.faq import phrasings, yamlcache
from faq_bot.core.faq.loader import check_faq, load_faq
from faq_bot.core.faq.model import Faq
from faq_bot.core.matcher import Matcher
from faq_bot.evaluate import read_questions

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from grow_faq import write_faq  # noqa: E402 (bench/ is not a package)

RISKY = "how many grams of kratom should i take for sleep"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FAQ_BOT_CACHE_DIR", str(folder))
    return folder


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


def _with_alternate(folder: Path, alternate: str) -> None:
    faq = folder / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text.replace("      - what is kratom exactly\n",
                                f"      - what is kratom exactly\n      - {alternate}\n", 1),
                   encoding="utf-8")


def _cached(folder: Path) -> dict[str, str]:
    [file] = folder.glob("phrasings-*.json")
    return json.loads(file.read_text(encoding="ascii"))["phrasings"]


def test_passing_phrasings_are_remembered_and_a_refused_one_never(faq_copy: Path,
                                                                 cache_dir: Path) -> None:
    assert check_faq(faq_copy) == []
    known = _cached(cache_dir)
    assert "What is kratom?" in known
    _with_alternate(faq_copy, RISKY)
    for _ in range(2):  # the second time with the first one's cache
        problems = check_faq(faq_copy)
        assert len(problems) == 1 and "dosing question" in problems[0].message
        assert RISKY not in _cached(cache_dir)


def test_a_cache_of_other_code_or_a_forged_one_is_not_trusted(faq_copy: Path, cache_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    _with_alternate(faq_copy, RISKY)
    assert len(check_faq(faq_copy)) == 1
    # A file claiming the risky phrasing passed, under another fingerprint: ignored.
    cache_dir.mkdir(exist_ok=True)
    forged = {"format": phrasings.FORMAT, "version": phrasings.VERSION, "fingerprint": "0" * 64,
              "phrasings": {RISKY: f"{RISKY}\tdose kratom sleep"}}
    for name in (f"phrasings-{phrasings.fingerprint()[:24]}.json", "phrasings-other.json"):
        (cache_dir / name).write_text(json.dumps(forged), encoding="ascii")
    assert len(check_faq(faq_copy)) == 1
    (cache_dir / f"phrasings-{phrasings.fingerprint()[:24]}.json").write_text("{not json",
                                                                             encoding="ascii")
    assert len(check_faq(faq_copy)) == 1
    # Turned off: no file at all, and the same answer.
    monkeypatch.setenv("FAQ_BOT_CACHE_DIR", "off")
    assert phrasings.cache_dir() is None
    assert len(check_faq(faq_copy)) == 1


def test_a_remembered_big_faq_keeps_its_problem_lines(grown: Path, tmp_path: Path,
                                                     cache_dir: Path) -> None:
    folder = write_faq(tmp_path / "broken", 1000)
    faq = folder / "faq.yaml"
    lines = faq.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("- id:") and i > len(lines) // 2)
    lines.insert(at + 1, "  colour: blue\n")
    faq.write_text("".join(lines), encoding="utf-8")
    assert faq.stat().st_size >= yamlcache.MIN_BYTES
    first = check_faq(folder)
    assert [p.line for p in first] == [at + 2]
    assert list(cache_dir.glob("yaml-*.json"))
    doc = yamlcache.read_yaml_cached(faq)
    assert isinstance(doc, yamlcache.CachedYamlDoc)  # the second read comes from the cache
    assert [str(p) for p in check_faq(folder)] == [str(p) for p in first]


def test_the_cached_parse_holds_the_same_data(grown: Path, cache_dir: Path) -> None:
    from faq_bot.core.yamlfile import read_yaml

    fresh = yamlcache.read_yaml_cached(grown / "faq.yaml")
    again = yamlcache.read_yaml_cached(grown / "faq.yaml")
    assert isinstance(again, yamlcache.CachedYamlDoc)
    assert again.data == fresh.data == read_yaml(grown / "faq.yaml").data
    assert again.line("entries", 500, "question") == fresh.line("entries", 500, "question")


def test_a_faq_loaded_twice_is_the_same_faq(faq: Faq, data_dir: Path) -> None:
    assert check_faq(data_dir) == []
    assert load_faq(data_dir) is load_faq(data_dir)
    assert load_faq(data_dir).entries == faq.entries
