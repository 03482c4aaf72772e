"""Time Engine.ask on the bundled FAQ over the labelled questions of tests/eval/questions.yaml
(answers, referrals, emergencies, fallbacks, small talk): median and p99 microseconds per
question by category, and questions per second on one core.

The engine memoises its decisions (and the safety screen its verdicts), so a question asked
again is far cheaper than a new one. The table times every ask as a new question (every memo is
emptied, outside the timing, before each); the last line gives the rate for questions asked
again.

    .venv/bin/python bench/engine_bench.py [--iterations 20] [--questions FILE]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from faq_bot.config import bundled_data_dir
from faq_bot.core import safety
from faq_bot.core.doses import has_dose_amount
from faq_bot.core.engine import Engine
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.normalize import normalise
from faq_bot.core.safety.variants import read as read_question
from faq_bot.evaluate import read_questions

REPO = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = REPO / "tests" / "eval" / "questions.yaml"


def percentile(sorted_values: list[int], pct: float) -> float:
    """The nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=20,
                        help="passes over the question list (default 20)")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS,
                        help="labelled question file (default tests/eval/questions.yaml)")
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")

    items = read_questions(args.questions)
    engine = Engine(load_faq(bundled_data_dir()))
    for item in items:  # warm caches (regexes, rapidfuzz) before timing
        engine.ask(item.question)

    memos = [safety.assess, read_question, normalise, has_dose_amount, engine._decide]

    def forget() -> None:
        # Every memo the engine keeps (its decisions, the safety verdicts and readings,
        # normalised text, dose screening) is emptied, so each ask below costs what a new
        # question costs.
        for memo in memos:
            memo.cache_clear()

    by_category: dict[str, list[int]] = defaultdict(list)
    for _ in range(args.iterations):
        for item in items:
            forget()
            t0 = time.perf_counter_ns()
            engine.ask(item.question)
            by_category[item.category].append(time.perf_counter_ns() - t0)

    # The same questions again with the memo kept, timed as a whole.
    started = time.perf_counter()
    for _ in range(args.iterations):
        for item in items:
            engine.ask(item.question)
    repeated = len(items) * args.iterations / (time.perf_counter() - started)

    every = sorted(t for times in by_category.values() for t in times)
    busy = sum(every) / 1e9
    print(f"engine: {len(items)} questions x {args.iterations} iterations = {len(every)} asks "
          f"(Python {sys.version.split()[0]}, one thread)")
    print(f"{'category':<20} {'asks':>7} {'median us':>10} {'p99 us':>9}")
    for category in sorted(by_category):
        times = sorted(by_category[category])
        print(f"{category:<20} {len(times):>7} {statistics.median(times) / 1000:>10.1f} "
              f"{percentile(times, 99) / 1000:>9.1f}")
    print(f"{'all':<20} {len(every):>7} {statistics.median(every) / 1000:>10.1f} "
          f"{percentile(every, 99) / 1000:>9.1f}")
    print(f"throughput: {len(every) / busy:,.0f} new questions/s, "
          f"{repeated:,.0f} questions/s asked again")
    return 0


if __name__ == "__main__":
    sys.exit(main())
