"""What the FAQ check remembers between starts (phrasings that passed, parsed YAML): where it
goes (configured in faq_bot.config only, a temporary folder in tests), that it never lets a
refused phrasing through nor loses a problem's line, and that a check without it, with an empty
one and with a full one says the same thing. Speed is measured in bench/startup_bench.py."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from faq_bot.config import Settings, cache_dir
from faq_bot.core.faq import phrasings, yamlcache
from faq_bot.core.faq.loader import _raw_phrasings, check_faq, load_faq
from faq_bot.core.matcher import analyse
from faq_bot.core.yamlfile import YamlError, read_yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from grow_faq import write_faq  # noqa: E402 (bench/ is not a package)

RISKY = "how many grams of kratom should i take for sleep"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty cache folder of this test's own."""
    return tmp_path / "cache"


@pytest.fixture
def any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The phrasing cache for any FAQ, even the bundled one (550 phrasings)."""
    monkeypatch.setattr(phrasings, "MIN_PHRASINGS", 0)


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_faq(tmp_path_factory.mktemp("grown") / "faq", 1000)


def _with_alternate(folder: Path, *alternates: str) -> None:
    faq = folder / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    added = "".join(f"      - {a}\n" for a in alternates)
    faq.write_text(text.replace("      - what is kratom exactly\n",
                                f"      - what is kratom exactly\n{added}", 1),
                   encoding="utf-8")


def _cached(folder: Path) -> dict[str, str]:
    [file] = folder.glob("phrasings-*.json")
    return json.loads(file.read_text(encoding="ascii"))["phrasings"]


# Where it goes.

def test_the_cache_folder_is_configured_from_the_environment_in_one_place() -> None:
    home = Path.home() / ".cache" / "faq-bot"
    assert cache_dir({}) == home
    assert cache_dir({"XDG_CACHE_HOME": "/x/cache"}) == Path("/x/cache/faq-bot")
    assert cache_dir({"FAQ_BOT_CACHE_DIR": "/y", "XDG_CACHE_HOME": "/x"}) == Path("/y")
    assert cache_dir({"FAQ_BOT_CACHE_DIR": " OFF "}) is None
    assert Settings.from_env({"FAQ_BOT_CACHE_DIR": "/y"}).cache_dir == Path("/y")
    assert Settings().cache_dir is None  # built in code: nothing remembered unless asked


def test_tests_use_a_temporary_cache_folder(cache_home: Path) -> None:
    assert os.environ["FAQ_BOT_CACHE_DIR"] == str(cache_home)
    assert Settings.from_env().cache_dir == cache_home
    assert not cache_home.resolve().is_relative_to((Path.home() / ".cache").resolve())


def test_the_core_reads_no_environment_variable(faq_copy: Path, folder: Path, any_size: None,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_BOT_CACHE_DIR", str(folder))
    assert check_faq(faq_copy) == []
    assert not folder.exists()  # no folder passed: nothing written anywhere
    with (faq_copy / "faq.yaml").open("a", encoding="utf-8") as faq:
        faq.write("# changed, so that it is checked again, not taken from the last check\n")
    assert check_faq(faq_copy, cache_dir=folder) == []
    assert list(folder.glob("phrasings-*.json"))


def test_a_small_faq_is_checked_afresh_without_a_file(faq_copy: Path, folder: Path) -> None:
    assert check_faq(faq_copy, cache_dir=folder) == []
    assert not list(folder.glob("phrasings-*.json"))


# What it remembers.

def test_passing_phrasings_are_remembered_and_a_refused_one_never(faq_copy: Path, folder: Path,
                                                                 any_size: None) -> None:
    assert check_faq(faq_copy, cache_dir=folder) == []
    known = _cached(folder)
    assert "What is kratom?" in known
    _with_alternate(faq_copy, RISKY)
    for _ in range(2):  # the second time with the first one's cache
        problems = check_faq(faq_copy, cache_dir=folder)
        assert len(problems) == 1 and "dosing question" in problems[0].message
        assert RISKY not in _cached(folder)


def test_a_cache_of_other_code_or_a_forged_one_is_not_trusted(faq_copy: Path, folder: Path,
                                                             any_size: None) -> None:
    _with_alternate(faq_copy, RISKY)
    assert len(check_faq(faq_copy, cache_dir=folder)) == 1
    # A file claiming the risky phrasing passed, under another fingerprint: ignored.
    forged = {"format": phrasings.FORMAT, "version": phrasings.VERSION, "fingerprint": "0" * 64,
              "phrasings": {RISKY: f"{RISKY}\tdose kratom sleep"}}
    for name in (f"phrasings-{phrasings.fingerprint()[:24]}.json", "phrasings-other.json"):
        (folder / name).write_text(json.dumps(forged), encoding="ascii")
    assert len(check_faq(faq_copy, cache_dir=folder)) == 1
    (folder / f"phrasings-{phrasings.fingerprint()[:24]}.json").write_text("{not json",
                                                                          encoding="ascii")
    assert len(check_faq(faq_copy, cache_dir=folder)) == 1
    # Turned off: no folder at all, and the same answer.
    assert cache_dir({"FAQ_BOT_CACHE_DIR": "off"}) is None
    assert len(check_faq(faq_copy, cache_dir=None)) == 1


def test_no_cache_an_empty_one_and_a_full_one_report_the_same(faq_copy: Path, folder: Path,
                                                              any_size: None) -> None:
    # A refused phrasing, one holding a dose amount, a repeated one and one of another entry.
    _with_alternate(faq_copy, RISKY, "is 5 g of kratom a lot", "what is kratom exactly",
                    "Why do people use kratom for sleep?")
    without = [str(p) for p in check_faq(faq_copy)]
    assert len(without) >= 4
    assert any("holds a dose amount ('5 g')" in p for p in without)
    assert any("is listed twice" in p for p in without)
    assert any("is also a phrasing of entry" in p for p in without)
    assert any("dosing question" in p for p in without)
    for _ in range(2):  # empty, then filled by the first
        assert [str(p) for p in check_faq(faq_copy, cache_dir=folder)] == without


def test_the_analyses_handed_to_the_matcher_are_the_matchers_own(faq_copy: Path, folder: Path,
                                                                 any_size: None) -> None:
    # Made from the screen's memo of normalise on a cold check, read from the file on a warm one.
    faq = load_faq(faq_copy, cache_dir=folder)
    texts = [p for e in faq.entries for p in e.phrasings]
    for cold in (True, False):
        cache = phrasings.PhrasingCache(folder if not cold else None)
        cache.screen(texts)
        assert cache.analyses(texts) == {t: analyse(t) for t in texts}


# The parsed YAML.

def test_a_remembered_big_faq_keeps_its_problem_lines(folder: Path, tmp_path: Path) -> None:
    broken = write_faq(tmp_path / "broken", 1000)
    faq = broken / "faq.yaml"
    lines = faq.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("- id:") and i > len(lines) // 2)
    lines.insert(at + 1, "  colour: blue\n")
    faq.write_text("".join(lines), encoding="utf-8")
    assert faq.stat().st_size >= yamlcache.MIN_BYTES
    first = check_faq(broken, cache_dir=folder)
    assert [p.line for p in first] == [at + 2]
    assert list(folder.glob("yaml-*.json"))
    doc = yamlcache.read_yaml_cached(faq, folder)
    assert isinstance(doc, yamlcache.CachedYamlDoc)  # the second read comes from the cache
    assert [str(p) for p in check_faq(broken, cache_dir=folder)] == [str(p) for p in first]
    assert [str(p) for p in check_faq(broken)] == [str(p) for p in first]


def test_the_cached_and_the_quick_parse_hold_the_same_data(grown: Path, folder: Path) -> None:
    plain = read_yaml(grown / "faq.yaml")
    quick = yamlcache.read_yaml_cached(grown / "faq.yaml", None)
    fresh = yamlcache.read_yaml_cached(grown / "faq.yaml", folder)
    again = yamlcache.read_yaml_cached(grown / "faq.yaml", folder)
    assert isinstance(again, yamlcache.CachedYamlDoc)
    assert again.data == fresh.data == quick.data == plain.data
    for path in (("entries", 500, "question"), ("entries", 999, "alternates", 3), ("entries",)):
        assert again.line(*path) == fresh.line(*path) == quick.line(*path) == plain.line(*path)


def test_a_change_of_the_safety_rules_keeps_the_parsed_yaml(grown: Path, folder: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    yamlcache.read_yaml_cached(grown / "faq.yaml", folder)
    monkeypatch.setattr(phrasings, "fingerprint", lambda: "other rules")
    assert isinstance(yamlcache.read_yaml_cached(grown / "faq.yaml", folder),
                      yamlcache.CachedYamlDoc)
    assert len(list(folder.glob("yaml-*.json"))) == 1


PADDING = "#" + "x" * yamlcache.MIN_BYTES + "\n"  # a comment: big enough for the quick parse


@pytest.mark.parametrize("body", [
    "a: 1\nb: [x, 2.5, true, null, '3']\nc: {d: 2020-01-02}\n",
    "1: one\n'2': two\nnull: three\n",
    "a: x\r\nb: |\r\n  two\r\n  lines\r\n",
    "a: &x [1]\nb: *x\n",
    "a: 1\nb: 2\na: 3\n",
    "? [a]\n: 1\n",
    "a: !!python/object:os.system x\n",
    "a: 2020-13-45\n",
    "a: [1\n",
    "a: !!binary aGk=\n",
    "",
])
def test_the_quick_parse_of_a_big_file_reads_as_the_reader_does(tmp_path: Path,
                                                                body: str) -> None:
    file = tmp_path / "faq.yaml"
    file.write_bytes((PADDING + body).encode())
    try:
        want = read_yaml(file)
    except YamlError as exc:
        with pytest.raises(YamlError) as got:
            yamlcache.read_yaml_cached(file, None)
        assert (got.value.file, got.value.line, got.value.message) == \
            (exc.file, exc.line, exc.message)
        return
    got_doc = yamlcache.read_yaml_cached(file, None)
    assert got_doc.data == want.data
    assert {p: got_doc.line(*p) for p in want.lines} == want.lines


# Many phrasings, screened by several processes.

def test_many_phrasings_are_screened_by_processes_with_the_same_results(
        grown: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = list(_raw_phrasings(read_yaml(grown / "faq.yaml")))[:3000]
    texts += [RISKY, "is 5 g of kratom a lot", texts[0]]
    monkeypatch.setattr(phrasings, "_processors", lambda: 2)  # even on one processor
    looked = phrasings._looked(texts)
    assert looked is not None  # the processes ran
    assert looked == [phrasings._look(text) for text in texts]
    assert any(verdict is not None for verdict, _ in looked)

    caches = []
    for least in (10**9, 1000):  # in turn, then in processes
        monkeypatch.setattr(phrasings, "PARALLEL_MIN", least)
        cache = phrasings.PhrasingCache(None)
        cache.screen(texts)
        caches.append((list(cache._known.items()), list(cache._refused.items()), cache._added))
    assert caches[0] == caches[1]
    assert len(caches[0][0]) > 2000 and caches[0][1]


def test_screening_falls_back_to_one_process(grown: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*list(_raw_phrasings(read_yaml(grown / "faq.yaml")))[:200], RISKY]

    def no_fork(method: str) -> None:
        raise ValueError(f"cannot find context for {method!r}")

    monkeypatch.setattr(phrasings, "_processors", lambda: 2)
    monkeypatch.setattr(phrasings, "PARALLEL_MIN", 10)
    monkeypatch.setattr(phrasings.multiprocessing, "get_context", no_fork)
    assert phrasings._looked(texts) is None
    cache = phrasings.PhrasingCache(None)
    cache.screen(texts)
    assert RISKY in cache._refused and len(cache._known) == len(set(texts)) - 1
