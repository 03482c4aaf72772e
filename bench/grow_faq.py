"""Grow the bundled FAQ into a bigger one that passes `faq-bot check`, for the scale benchmarks.

The bundled entries are kept as they are; each new entry copies a bundled one (in turn) with
its answer, source and context. With --mode copies (the default) it adds one made-up word of
its own (e.g. "zelvorami") to the question and every alternate; with --mode topics each round
of the bundled entries asks about a new made-up subject where they say "kratom" (phrasings
without the word get it appended). Either way every id and phrasing is unique and every quote
still stands in the article. The new words are pronounceable nonsense, never English words,
never read by the safety screen as a typo of another word; a grown FAQ is as valid as the
bundled one (`--check` proves it).

"copies" is the hard case for matching: every grown phrasing holds all of a bundled phrasing's
words, so a question about kratom is close to hundreds of near-duplicates. "topics" is closer to
a real big FAQ: the same kinds of questions about many subjects.

    .venv/bin/python bench/grow_faq.py 10000 /tmp/faq-10k-topics --mode topics --check

    .venv/bin/python bench/grow_faq.py 10000 /tmp/faq-10k [--seed 0] [--check]
"""

from __future__ import annotations

import argparse
import copy
import functools
import random
import re
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


_KRATOM = re.compile(r"\bkratom\b", re.IGNORECASE)


def _about(text: str, subject: str) -> str:
    # "What is kratom?" -> "What is zelvorami?"; a phrasing without the word gets it appended.
    swapped = _KRATOM.sub(lambda m: subject.capitalize() if m.group(0)[0].isupper()
                          else subject, text)
    return swapped if swapped != text else f"{text} ({subject})"


def grow(entries: list[dict[str, Any]], total: int, seed: int = 0,
         mode: str = "copies") -> list[dict[str, Any]]:
    """`entries` followed by grown ones, `total` entries in all (never fewer than given).

    "copies": each a bundled entry with a made-up word of its own added to every phrasing.
    "topics": each round of the bundled entries asks them about a new made-up subject in place
    of kratom, as an FAQ covering many products does."""
    avoid: set[str] = set()
    if _ENGLISH.is_file():
        avoid.update(_ENGLISH.read_text(encoding="utf-8").split())
    for entry in entries:
        for text in (entry["question"], *entry["alternates"]):
            avoid.update(text.lower().split())
    words = made_up_words(seed, avoid)
    from faq_bot.core.normalize import normalise
    from faq_bot.core.safety import assess

    @functools.cache
    def refused(template: str) -> bool:
        # Screened once per template, with a stand-in subject (`--check` screens them all).
        return assess(_about(template, "zelvorami")) is not None

    out = list(entries)
    for n in range(max(0, total - len(entries))):
        base = entries[n % len(entries)]
        if mode == "copies" or n % len(entries) == 0:
            word = next(words)
        # A deep copy: shared objects would be written as YAML aliases, which the check refuses.
        grown = copy.deepcopy(base)
        grown["id"] = f"{base['id']}-{word}"
        if mode == "copies":
            grown["question"] = f"{base['question']} ({word.capitalize()})"
            grown["alternates"] = [f"{alt} ({word})" for alt in base["alternates"]]
        else:
            grown["question"] = _about(base["question"], word)
            alternates = {}
            for alt in base["alternates"]:
                text = _about(alt, word)
                key = normalise(text)
                # "mitragynine kratom" and "mitragynine" would both read "mitragynine
                # zelvorami"; a phrasing about another subject can read as mixing two things.
                if key not in alternates and key != normalise(grown["question"]) \
                        and not refused(alt):
                    alternates[key] = text
            grown["alternates"] = list(alternates.values()) or [f"{grown['question']} exactly"]
        out.append(grown)
    return out


def write_faq(dest: Path, total: int, seed: int = 0, source: Path | None = None,
              mode: str = "copies") -> Path:
    """Write a data directory of `total` entries to `dest` (made if missing); returns `dest`."""
    source = source or bundled_data_dir()
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(source / name, dest / name)
    data = yaml.load((source / "faq.yaml").read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    data["entries"] = grow(data["entries"], total, seed, mode)
    text = yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, width=100)
    (dest / "faq.yaml").write_text(text, encoding="utf-8")
    return dest


def main(argv: list[str] | None = None) -> int:
    """Grow the FAQ; with --check, also run the full check and exit 1 on any problem."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("entries", type=int, help="entries in all (at least the bundled ones)")
    parser.add_argument("dest", type=Path, help="folder to write the data files to")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mode", choices=("copies", "topics"), default="copies",
                        help="copies: bundled entries plus a word each (the hard case); topics: "
                        "the bundled questions about new subjects")
    parser.add_argument("--check", action="store_true", help="run `faq-bot check` on the result")
    args = parser.parse_args(argv)
    if not 1 <= args.entries <= 200_000:
        parser.error("entries must be 1..200000")
    started = time.perf_counter()
    write_faq(args.dest, args.entries, args.seed, mode=args.mode)
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
