"""Time the pure-Python scorer and report the artifact's size.

Usage::

    python bench.py [--artifact screen.json.gz]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import time
from pathlib import Path
from typing import Sequence

from learned import LearnedScreen
from train import load_snapshot

HERE = Path(__file__).resolve().parent


def per_question_us(screen: LearnedScreen, texts: Sequence[str], repeats: int = 5) -> float:
    """Best-of-``repeats`` mean microseconds per ``safety_probability`` call."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for text in texts:
            screen.safety_probability(text)
        best = min(best, (time.perf_counter() - t0) / len(texts) * 1e6)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--artifact", type=Path, default=HERE / "screen.json.gz")
    ap.add_argument("--snapshot", type=Path, default=HERE / "eval_snapshot")
    args = ap.parse_args(argv)
    blob = args.artifact.read_bytes()
    raw = gzip.decompress(blob) if blob[:2] == b"\x1f\x8b" else blob
    t0 = time.perf_counter()
    screen = LearnedScreen.load(args.artifact)
    load_s = time.perf_counter() - t0
    texts = [it.text for it in load_snapshot(args.snapshot)]
    typical = [t for t in texts if 10 <= len(t.split()) <= 20]
    print(f"artifact: {len(blob)} bytes on disk, {len(raw)} bytes JSON, "
          f"{screen.n_terms} terms; load {load_s:.2f}s")

    cold = LearnedScreen.load(args.artifact)
    t0 = time.perf_counter()
    for text in texts:
        cold.safety_probability(text)
    cold_us = (time.perf_counter() - t0) / len(texts) * 1e6

    uncached = LearnedScreen.load(args.artifact, word_cache_limit=0)
    latencies = []
    for text in texts:
        t0 = time.perf_counter_ns()
        screen.safety_probability(text)
        latencies.append((time.perf_counter_ns() - t0) / 1000)
    latencies.sort()
    q = lambda f: latencies[int(f * (len(latencies) - 1))]  # noqa: E731
    print(f"questions: {len(texts)} (mean {statistics.mean(len(t.split()) for t in texts):.1f} "
          f"words), {len(typical)} with 10-20 words")
    print(f"first pass, empty word cache : {cold_us:6.1f} us/question (all)")
    print(f"warm word cache              : {per_question_us(screen, texts):6.1f} us (all), "
          f"{per_question_us(screen, typical):6.1f} us (10-20 words)")
    print(f"no word cache (worst case)   : {per_question_us(uncached, texts):6.1f} us (all), "
          f"{per_question_us(uncached, typical):6.1f} us (10-20 words)")
    print(f"single-call latency, warm    : p50 {q(0.5):.0f} us, p90 {q(0.9):.0f} us, "
          f"p99 {q(0.99):.0f} us, max {latencies[-1]:.0f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
