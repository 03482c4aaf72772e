"""Grow the bundled FAQ into a bigger one that passes `faq-bot check`, for the scale benchmarks.

The bundled entries are kept as they are; each new entry copies a bundled one (in turn) with
its answer, source and context, and adds one made-up word of its own (e.g. "zelvorami") to the
question and every alternate, so every id and phrasing is unique and every quote still stands
in the article. The new words are pronounceable nonsense, never English words, never read by the
safety screen as a typo of another word; a grown FAQ is as valid as the bundled one (`--check`
proves it).

This is the hard case for matching: every grown phrasing also holds the bundled phrasing's
common words ("kratom", "sleep"), so their postings grow with the FAQ.

    .venv/bin/python bench/grow_faq.py 10000 /tmp/faq-10k [--seed 0] [--check]
"""

from __future__ import annotations

import argparse
import copy
import random
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from faq_bot.config import bundled_data_dir

COPIED = ("article.txt", "article.yaml", "policy.yaml", "sources.yaml")
_CONSONANTS = "bdfgklmnprtvz"
_VOWELS = "aeiou"
_ENGLISH = Path(__file__).resolve().parent.parent / "faq_bot" / "core" / "safety" / \
    "english_words.txt"
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def made_up_words(seed: int, avoid: set[str]) -> Iterator[str]:
    """Unique four-syllable nonsense words (consonant-vowel pairs, so no English word ending is
    stemmed off), none in `avoid`, none the safety screen refers on its own."""
    from faq_bot.core.safety import assess  # the screen loads its rules on import
    from faq_bot.core.safety.variants import variants

    rng = random.Random(seed)
    seen: set[str] = set()
    while True:
        word = "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(4))
        if word in seen or word in avoid:
            continue
        seen.add(word)
        # A made-up word the screen reads as a typo of a word its rules hinge on ("kevamina"
        # for ketamine) could make a grown phrasing a mixing question: such words are skipped.
        if assess(word) is None and all(word in form.split() for form in variants(word)):
            yield word


def grow(entries: list[dict[str, Any]], total: int, seed: int = 0) -> list[dict[str, Any]]:
    """`entries` followed by grown copies, `total` entries in all (never fewer than given)."""
    avoid: set[str] = set()
    if _ENGLISH.is_file():
        avoid.update(_ENGLISH.read_text(encoding="utf-8").split())
    for entry in entries:
        for text in (entry["question"], *entry["alternates"]):
            avoid.update(text.lower().split())
    words = made_up_words(seed, avoid)
    out = list(entries)
    for n in range(max(0, total - len(entries))):
        base = entries[n % len(entries)]
        word = next(words)
        # A deep copy: shared objects would be written as YAML aliases, which the check refuses.
        grown = copy.deepcopy(base)
        grown["id"] = f"{base['id']}-{word}"
        grown["question"] = f"{base['question']} ({word.capitalize()})"
        grown["alternates"] = [f"{alt} ({word})" for alt in base["alternates"]]
        out.append(grown)
    return out


def write_faq(dest: Path, total: int, seed: int = 0, source: Path | None = None) -> Path:
    """Write a data directory of `total` entries to `dest` (made if missing); returns `dest`."""
    source = source or bundled_data_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(source / name, dest / name)
    data = yaml.load((source / "faq.yaml").read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    data["entries"] = grow(data["entries"], total, seed)
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100)
    (dest / "faq.yaml").write_text(text, encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    """Grow the FAQ; with --check, also run the full check and exit 1 on any problem."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("entries", type=int, help="entries in all (at least the bundled ones)")
    parser.add_argument("dest", type=Path, help="folder to write the data files to")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="run `faq-bot check` on the result")
    args = parser.parse_args(argv)
    if not 1 <= args.entries <= 200_000:
        parser.error("entries must be 1..200000")
    started = time.perf_counter()
    write_faq(args.dest, args.entries, args.seed)
    print(f"wrote {args.entries} entries to {args.dest} in {time.perf_counter() - started:.1f} s")
    if args.check:
        from faq_bot.core.faq.loader import check_faq

        started = time.perf_counter()
        problems = check_faq(args.dest)
        for problem in problems[:20]:
            print(problem)
        print(f"check: {len(problems)} problems in {time.perf_counter() - started:.1f} s")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
