"""Start-up and new-question cost as the FAQ grows: the bundled FAQ, then FAQs grown by
bench/grow_faq.py to 1,000 and 10,000 entries (or --sizes).

For each size, in a fresh Python process (so nothing is warm but what a real start has):

- start: `check_faq` then `Engine(load_faq(...))`, the two steps a server start runs (the
  gunicorn config checks the FAQ, then the preloaded app loads it), timed apiece, first with
  an empty check cache ("cold") and then again in a new process with the cache the first one
  left ("warm", every later start);
- engine: `Engine.ask` on the labelled questions of tests/eval/questions.yaml, each asked as a
  new question, and `Matcher.rank` alone on the ones that reach the matcher: p50 and p99 in
  microseconds;
- with --http: real gunicorn, one worker, serving that FAQ: seconds from launch to /readyz,
  then the labelled questions posted one at a time, each as a new question: p50 and p99 ms.

A "new question" is a labelled question with the case of some letters flipped (a different
string for every ask), so every memo keyed by the text misses while the meaning, and so the
reply, stays the same; the script counts replies that differ from the plain question's.

    .venv/bin/python bench/startup_bench.py [--sizes 0,1000,10000] [--http] [--mode copies]

Size 0 is the bundled FAQ as it is. Loopback only; every server it starts is stopped.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
QUESTIONS = REPO / "tests" / "eval" / "questions.yaml"
sys.path.insert(0, str(BENCH))


def variant(question: str, k: int) -> str:
    """`question` with the case of its letters flipped where the bits of `k` say: the k-th of
    many strings that all read the same once lower-cased."""
    out, bit = [], 0
    for ch in question:
        if ch.isalpha():
            if k >> bit & 1:
                ch = ch.swapcase()
            bit += 1
        out.append(ch)
    return "".join(out)


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def child(data_dir: Path, asks: int) -> dict[str, float]:
    """Time one start and the new-question cost; runs in a fresh process."""
    started = time.perf_counter()
    from faq_bot.config import Settings
    from faq_bot.core.engine import Engine
    from faq_bot.core.faq.loader import check_faq, load_faq
    from faq_bot.evaluate import read_questions
    imported = time.perf_counter()
    cache = Settings.from_env().cache_dir  # FAQ_BOT_CACHE_DIR, set by run_child
    problems = check_faq(data_dir, cache_dir=cache)
    if problems:
        raise SystemExit(f"{data_dir}: {problems[0]}")
    checked = time.perf_counter()
    faq = load_faq(data_dir, cache_dir=cache)
    loaded = time.perf_counter()
    engine = Engine(faq)
    built = time.perf_counter()
    out = {"entries": len(faq.entries),
           "phrasings": sum(len(e.phrasings) for e in faq.entries),
           "import_s": imported - started, "check_s": checked - imported,
           "load_s": loaded - checked, "engine_s": built - loaded, "start_s": built - imported}

    questions = [item.question for item in read_questions(QUESTIONS)]
    plain = {q: engine.ask(q) for q in questions}
    ask_us: list[float] = []
    rank_us: list[float] = []
    differ = 0
    k = 1
    matched = [q for q in questions if plain[q].kind in ("answer", "clarify", "fallback")]
    while len(ask_us) < asks:
        for q in questions:
            k += 1
            v = variant(q, k)
            t0 = time.perf_counter_ns()
            reply = engine.ask(v)
            ask_us.append((time.perf_counter_ns() - t0) / 1000)
            if (reply.kind, reply.faq_id) != (plain[q].kind, plain[q].faq_id):
                differ += 1
    while len(rank_us) < asks:
        for q in matched:
            k += 1
            v = variant(q, k)
            t0 = time.perf_counter_ns()
            engine.matcher.rank(v)
            rank_us.append((time.perf_counter_ns() - t0) / 1000)
    out.update({"ask_p50_us": statistics.median(ask_us), "ask_p99_us": percentile(ask_us, 99),
                "rank_p50_us": statistics.median(rank_us),
                "rank_p99_us": percentile(rank_us, 99), "asks": len(ask_us),
                "variant_replies_differing": differ})
    return out


def run_child(data_dir: Path, cache_dir: Path, asks: int) -> dict[str, float]:
    """`child` in a new interpreter with the check cache in `cache_dir`."""
    env = {**os.environ, "FAQ_BOT_CACHE_DIR": str(cache_dir)}
    out = subprocess.run([sys.executable, __file__, "--child", str(data_dir), "--asks",
                          str(asks)], env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def http(data_dir: Path, cache_dir: Path, requests: int) -> dict[str, float]:
    """Launch-to-ready seconds and new-question latency of one gunicorn worker."""
    from http_bench import GUNICORN, free_port

    from faq_bot.evaluate import read_questions

    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FAQ_BOT_", "SLACK_", "PROMETHEUS_"))}
    env.update({"FAQ_BOT_HOST": "127.0.0.1", "FAQ_BOT_PORT": str(port), "FAQ_BOT_WORKERS": "1",
                "FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_CURATION": "off",
                "FAQ_BOT_DATA_DIR": str(data_dir), "FAQ_BOT_CACHE_DIR": str(cache_dir),
                "FAQ_BOT_RELOAD_INTERVAL": "0"})
    with tempfile.TemporaryDirectory(prefix="faq-bot-start-") as tmp:
        env["FAQ_BOT_INSTANCE_DIR"] = str(Path(tmp) / "instance")
        log = Path(tmp) / "gunicorn.log"
        with log.open("wb") as sink:
            launched = time.perf_counter()
            proc = subprocess.Popen([*GUNICORN, "faq_bot:create_app()"], env=env, cwd=tmp,
                                    stdout=sink, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            while True:
                if proc.poll() is not None or time.perf_counter() - launched > 600:
                    raise SystemExit("gunicorn did not start:\n" + log.read_text()[-3000:])
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1):
                        break
                except OSError:
                    time.sleep(0.02)
            ready = time.perf_counter() - launched
            questions = [item.question for item in read_questions(QUESTIONS)]
            url = f"http://127.0.0.1:{port}/api/v1/ask"
            for q in questions[:50]:  # warm-up: imports, first requests
                _post(url, q)
            latencies: list[float] = []
            k = 1
            while len(latencies) < requests:
                for q in questions:
                    k += 1
                    t0 = time.perf_counter()
                    _post(url, variant(q, k))
                    latencies.append((time.perf_counter() - t0) * 1000)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    return {"ready_s": ready, "http_p50_ms": statistics.median(latencies),
            "http_p99_ms": percentile(latencies, 99), "requests": len(latencies)}


def _post(url: str, question: str) -> None:
    body = json.dumps({"question": question}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def main(argv: list[str] | None = None) -> int:
    """Grow the FAQs, time each size and print one table; 0 on success."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0,1000,10000",
                        help="entries per FAQ, comma-separated; 0 is the bundled FAQ")
    parser.add_argument("--asks", type=int, default=2000, help="new questions per size")
    parser.add_argument("--http", action="store_true", help="also time gunicorn, one worker")
    parser.add_argument("--mode", choices=("copies", "topics"), default="copies",
                        help="how grow_faq.py grows the FAQ (default copies, the hard case)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.asks)))
        return 0

    from grow_faq import write_faq

    from faq_bot.config import bundled_data_dir

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"FAQ grown by bench/grow_faq.py --mode {args.mode}; {args.asks} new questions per size")
    print(f"{'entries':>8} {'phrasings':>9} {'cache':>5} {'check s':>8} {'load s':>7} "
          f"{'engine s':>8} {'start s':>8} {'ask p50 us':>10} {'ask p99 us':>10} "
          f"{'rank p50 us':>11} {'rank p99 us':>11} {'differ':>6}")
    with tempfile.TemporaryDirectory(prefix="faq-bot-scale-") as tmp:
        for size in sizes:
            data_dir = bundled_data_dir() if size == 0 else \
                write_faq(Path(tmp) / f"faq-{size}", size, mode=args.mode)
            cache_dir = Path(tmp) / f"cache-{size}"
            for label in ("cold", "warm"):
                r = run_child(data_dir, cache_dir, args.asks)
                print(f"{r['entries']:>8} {r['phrasings']:>9} {label:>5} {r['check_s']:>8.2f} "
                      f"{r['load_s']:>7.2f} {r['engine_s']:>8.2f} {r['start_s']:>8.2f} "
                      f"{r['ask_p50_us']:>10.0f} {r['ask_p99_us']:>10.0f} "
                      f"{r['rank_p50_us']:>11.0f} {r['rank_p99_us']:>11.0f} "
                      f"{r['variant_replies_differing']:>6}", flush=True)
            if args.http:
                h = http(data_dir, cache_dir, args.asks)
                print(f"{'':>8} http, one worker, warm cache: ready in {h['ready_s']:.2f} s, new "
                      f"question p50 {h['http_p50_ms']:.2f} ms, p99 {h['http_p99_ms']:.2f} ms "
                      f"({h['requests']} requests)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
