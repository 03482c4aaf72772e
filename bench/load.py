"""Load and fault run: real gunicorn on loopback under a fixed concurrency until a request budget
(default 100 000) or a time cap is reached, mixing in-scope, dosing, emergency, unique and bad
requests. Reports throughput, p50/p99 latency, errors (must be 0; the 4xx the bad requests
earn are counted apart) and each worker's resident memory before and after.

    .venv/bin/python bench/load.py [--requests 100000] [--duration 300] [--concurrency 16]
                                   [--workers 2] [--loader auto|wrk|python]
                                   [--kill-worker-at SECONDS] [--json]

With --kill-worker-at, one worker is sent SIGKILL that many seconds into the run: gunicorn must
replace it and the service keep answering; only the request in flight on that worker may fail.

gunicorn runs with the package's own settings (`-c python:faq_bot.server.conf`) except
`--max-requests 0`: recycling workers (every 100 000 requests by default) would hide a leak,
and the memory figures compare the same processes before and after (--keep-max-requests
restores it).

The load comes from wrk (Debian package `wrk`, with bench/load.lua) when installed, else from a
Python asyncio client that sends exactly the budget. wrk runs for a time, so with it the budget
becomes a duration: the budget at the warmed-up rate, plus 15 %, within the cap. Exit status 1
when an error occurred (beyond the one in-flight request a kill may cost), the budget was not
reached, or a worker's memory grew beyond --max-rss-growth-kb. Figures: docs/hardening.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faq_bot.evaluate import read_questions

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
QUESTIONS = REPO / "tests" / "eval" / "questions.yaml"
LUA = BENCH / "load.lua"
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0
REPLACE_TIMEOUT = 30.0

REFERRAL = {"dosing", "interaction", "special_population", "dependence", "injection"}
# One cycle of the mix: 6 in-scope, 2 unique (never seen before, so no cache can hold them),
# 4 referral, 2 emergency, 2 out-of-scope or small talk, 4 bad requests.
PATTERN = ["in_scope", "referral", "bad", "in_scope", "emergency", "unique", "in_scope",
           "referral", "other", "bad", "in_scope", "referral", "bad", "in_scope", "emergency",
           "unique", "in_scope", "referral", "other", "bad"]


@dataclass(frozen=True)
class Req:
    """One request of the mix and what the contract says it must get."""

    category: str
    method: str
    path: str
    content_type: str | None
    body: bytes
    status: int
    kind: str | None = None

    def raw(self, port: int) -> bytes:
        """The request as bytes on the wire (the server closes the connection after it)."""
        head = [f"{self.method} {self.path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
                "Connection: close", f"Content-Length: {len(self.body)}"]
        if self.content_type:
            head.append(f"Content-Type: {self.content_type}")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + self.body


def _ask(category: str, question: str, kind: str | None = None) -> Req:
    body = json.dumps({"question": question}, ensure_ascii=False).encode()
    return Req(category, "POST", "/api/v1/ask", "application/json", body, 200, kind)


BAD = [
    Req("bad", "POST", "/api/v1/ask", "application/json", b'{"question": ', 400),
    Req("bad", "POST", "/api/v1/ask", "text/plain", b"what is kratom", 415),
    Req("bad", "POST", "/api/v1/ask", "application/json",
        json.dumps({"question": "x" * 501}).encode(), 413),
    Req("bad", "POST", "/api/v1/ask", "application/json", b'{"q": "what is kratom"}', 400),
    Req("bad", "GET", "/api/v1/ask", None, b"", 405),
    Req("bad", "GET", "/api/v1/no-such-thing", None, b"", 404),
]


def _token(n: int) -> str:
    letters = []
    while True:
        n, r = divmod(n, 26)
        letters.append("abcdefghijklmnopqrstuvwxyz"[r])
        if not n:
            return "zq" + "".join(letters)


def build_mix(size: int) -> list[Req]:
    """`size` requests following PATTERN, cycling through the labelled questions."""
    labelled = read_questions(QUESTIONS)
    pools: dict[str, list[Req]] = {"in_scope": [], "referral": [], "emergency": [], "other": []}
    for item in labelled:
        if item.category == "in_scope":
            pools["in_scope"].append(_ask("in_scope", item.question))
        elif item.category in REFERRAL:
            pools["referral"].append(_ask("referral", item.question, "referral"))
        elif item.category == "emergency":
            pools["emergency"].append(_ask("emergency", item.question, "emergency"))
        else:
            pools["other"].append(_ask("other", item.question))
    seen: Counter[str] = Counter()
    mix = []
    for i in range(size):
        category = PATTERN[i % len(PATTERN)]
        n = seen[category]
        seen[category] += 1
        if category == "bad":
            mix.append(BAD[n % len(BAD)])
        elif category == "unique":
            base = pools["in_scope"][n % len(pools["in_scope"])]
            question = json.loads(base.body)["question"] + " " + _token(n)
            mix.append(_ask("unique", question))
        else:
            pool = pools[category]
            mix.append(pool[n % len(pool)])
    return mix


# --- gunicorn and its workers ------------------------------------------------------------------

def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    """The child processes of `pid` (gunicorn's workers, for the master)."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def rss_kb(pid: int) -> int | None:
    """Resident memory of `pid` in KiB (VmRSS), or None once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Server:
    """A gunicorn master serving faq_bot on loopback."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    def workers(self) -> list[int]:
        """The live worker pids."""
        return children(self.proc.pid)


@contextlib.contextmanager
def gunicorn(workers: int, keep_max_requests: bool, logdir: Path) -> Iterator[Server]:
    """Start gunicorn; yield once /healthz answers and every worker is up; always stop it."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FAQ_BOT_", "SLACK_", "PROMETHEUS_"))}
    env |= {"FAQ_BOT_HOST": "127.0.0.1", "FAQ_BOT_PORT": str(port),
            "FAQ_BOT_WORKERS": str(workers), "FAQ_BOT_RATELIMIT": "off",
            "FAQ_BOT_CURATION": os.environ.get("FAQ_BOT_CURATION", "off"),
            "FAQ_BOT_RELOAD_INTERVAL": "0", "FAQ_BOT_INSTANCE_DIR": str(logdir / "instance")}
    cmd = [str(BIN / "gunicorn"), "-c", "python:faq_bot.server.conf"]
    if not keep_max_requests:
        cmd += ["--max-requests", "0"]
    log = logdir / "gunicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*cmd, "faq_bot:create_app()"], cwd=REPO, env=env, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    server = Server(proc, port, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n"
                                   + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not come up in {START_TIMEOUT:.0f} s")
            with contextlib.suppress(OSError):
                url = f"http://127.0.0.1:{port}/healthz"
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200 and len(server.workers()) == workers:
                        break
            time.sleep(0.1)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # Its own session: the group is exactly the master and its workers.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


@dataclass
class Kill:
    """SIGKILL one worker `at` seconds into the run, then wait for gunicorn to replace it."""

    server: Server
    at: float
    workers: int
    victim: int | None = None
    replaced_by: list[int] = field(default_factory=list)
    replaced_after_s: float | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Arm the kill."""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        if self._stop.wait(self.at):
            return
        before = self.server.workers()
        if not before:
            return
        self.victim = before[0]
        os.kill(self.victim, signal.SIGKILL)
        killed = time.monotonic()
        while time.monotonic() - killed < REPLACE_TIMEOUT and not self._stop.is_set():
            now = self.server.workers()
            if self.victim not in now and len(now) == self.workers:
                self.replaced_by = sorted(set(now) - set(before))
                self.replaced_after_s = round(time.monotonic() - killed, 3)
                return
            time.sleep(0.02)

    def finish(self) -> None:
        """Wait (bounded) for the replacement to be seen."""
        if self._thread is not None:
            self._thread.join(REPLACE_TIMEOUT + 1)
        self._stop.set()


# --- load generators ---------------------------------------------------------------------------

@dataclass
class Result:
    """What one run measured."""

    loader: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    ok: int  # 200 with the expected kind
    expected_4xx: int  # a bad request refused with its contract status
    errors: Counter[str] = field(default_factory=Counter)
    statuses: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)
    max_gap_ms: float | None = None  # longest stretch without a completed request

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0


class NoResponse(ConnectionError):
    """The connection closed before a status line came."""


class TruncatedBody(ConnectionError):
    """The body is shorter than its Content-Length: the worker died while sending it."""


async def _one(port: int, req: Req) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(req.raw(port))
        await writer.drain()
        data = await reader.read(-1)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 "):
        raise NoResponse("no HTTP response")
    # A worker killed mid-response leaves a whole status line and a cut body.
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), None)
    if length is not None and length != len(body):
        raise TruncatedBody(f"{len(body)} of {length} bytes")
    return int(head[9:12]), body


async def _python_load(port: int, mix: list[Req], total: int, concurrency: int,
                       seconds: float) -> Result:
    latencies: list[float] = []
    done_at: list[float] = []
    errors: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    sent: Counter[str] = Counter()
    counts = {"ok": 0, "4xx": 0, "next": 0}
    start = time.monotonic()
    deadline = start + seconds

    async def client() -> None:
        while counts["next"] < total and time.monotonic() < deadline:
            req = mix[counts["next"] % len(mix)]
            counts["next"] += 1
            sent[req.category] += 1
            t0 = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(_one(port, req), REQUEST_TIMEOUT)
            except (TimeoutError, OSError, ValueError) as exc:
                errors[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - t0)
            done_at.append(time.monotonic())
            statuses[str(status)] += 1
            if status != req.status:
                errors["5xx" if status >= 500 else f"unexpected_{status}"] += 1
                continue
            if status != 200:
                counts["4xx"] += 1
                continue
            try:
                kind = json.loads(body).get("kind")
            except (ValueError, AttributeError):
                errors["not_a_reply"] += 1
                continue
            kinds[kind] += 1
            if req.kind is not None and kind != req.kind:
                errors["wrong_kind"] += 1
            else:
                counts["ok"] += 1

    await asyncio.gather(*(client() for _ in range(concurrency)))
    elapsed = time.monotonic() - start
    gaps = [b - a for a, b in itertools.pairwise(done_at)]
    ms = sorted(x * 1000 for x in latencies) or [0.0]
    return Result("python", len(latencies), elapsed, statistics.median(ms),
                  ms[min(len(ms) - 1, math.ceil(0.99 * len(ms)) - 1)], ms[-1],
                  counts["ok"], counts["4xx"], errors, statuses, kinds, sent,
                  round(max(gaps) * 1000, 1) if gaps else None)


def python_load(port: int, mix: list[Req], total: int, concurrency: int,
                seconds: float) -> Result:
    """Drive the server from one asyncio loop with `concurrency` connections at a time."""
    return asyncio.run(_python_load(port, mix, total, concurrency, seconds))


def _lua_string(data: bytes) -> str:
    out = []
    for b in data:
        ch = chr(b)
        out.append(ch if 32 <= b < 127 and ch not in '"\\' else f"\\{b:03d}")
    return '"' + "".join(out) + '"'


def wrk_load(port: int, mix: list[Req], concurrency: int, seconds: float,
             workdir: Path) -> Result:
    """Drive the server with wrk (2 threads) and bench/load.lua for `seconds`."""
    threads = 2
    data = workdir / "mix.lua"
    rows = []
    for r in mix:
        headers = f'["Content-Type"] = {_lua_string(r.content_type.encode())}' \
            if r.content_type else ""
        body = _lua_string(r.body) if r.body else "nil"
        rows.append(f'{{category = "{r.category}", method = "{r.method}", path = "{r.path}", '
                    f"headers = {{{headers}}}, body = {body}}}")
    data.write_text("return {\n" + ",\n".join(rows) + "\n}\n")
    cmd = ["wrk", "-t", str(threads), "-c", str(max(concurrency, threads)),
           "-d", f"{math.ceil(seconds)}s", "--timeout", f"{REQUEST_TIMEOUT:.0f}s",
           "-s", str(LUA), f"http://127.0.0.1:{port}", "--", str(data)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60,
                         check=False, stdin=subprocess.DEVNULL)
    line = next((x for x in run.stdout.splitlines() if x.startswith("LOAD ")), None)
    if run.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    raw = json.loads(line[5:])
    statuses = Counter({k: int(v) for k, v in raw["statuses"].items()})
    kinds = Counter({k: int(v) for k, v in raw["kinds"].items()})
    sent = Counter({k: int(v) for k, v in raw["sent"].items()})
    errors: Counter[str] = Counter({k: raw[k] for k in ("connect", "read", "write", "timeout")
                                    if raw[k]})
    expected = {str(r.status) for r in BAD} | {"200"}
    for status, n in statuses.items():
        if status not in expected:
            errors["5xx" if int(status) >= 500 else f"unexpected_{status}"] += n
    refused = sum(n for s, n in statuses.items() if s.startswith("4"))
    # wrk cannot pair a response with its request; the totals must agree to within the
    # requests still in flight when the run ended.
    slack = max(concurrency, threads)
    if abs(sent["bad"] - refused) > slack:
        errors["4xx_count_mismatch"] += 1
    for kind in ("referral", "emergency"):
        if kinds[kind] + slack < sent[kind]:
            errors[f"missing_{kind}"] += 1
    return Result("wrk", raw["requests"], raw["duration_us"] / 1e6, raw["p50_us"] / 1000,
                  raw["p99_us"] / 1000, raw["max_us"] / 1000, statuses["200"], refused,
                  errors, statuses, kinds, sent)


@dataclass
class Sampler:
    """Reads every worker's RSS every `every` seconds while the load runs."""

    server: Server
    every: float
    samples: list[tuple[float, dict[int, int | None]]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Sampler:
        start = time.monotonic()

        def sample() -> None:
            while not self._stop.wait(self.every):
                self.samples.append((round(time.monotonic() - start, 1),
                                     {pid: rss_kb(pid) for pid in self.server.workers()}))

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def peak(self, pid: int) -> int | None:
        """The largest RSS seen for `pid`."""
        seen = [s[pid] for _, s in self.samples if s.get(pid) is not None]
        return max(seen) if seen else None  # type: ignore[type-var]


# --- the run -----------------------------------------------------------------------------------

def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start gunicorn, warm it up, load it (and kill a worker if asked); return the figures."""
    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    mix = build_mix(args.mix_size)
    with tempfile.TemporaryDirectory(prefix="faq-bot-load-") as tmp, \
            gunicorn(args.workers, args.keep_max_requests, Path(tmp)) as server:
        warm_rps = None
        if args.warmup_seconds:
            # Fills every cache the workers keep (the safety memo holds 4096 questions), so the
            # "before" memory is the steady state rather than a cold start.
            warm = (wrk_load(server.port, mix, args.concurrency, args.warmup_seconds, Path(tmp))
                    if loader == "wrk" else
                    python_load(server.port, mix, 10**9, args.concurrency, args.warmup_seconds))
            warm_rps = round(warm.rps, 1)
        before = {pid: rss_kb(pid) for pid in server.workers()}
        kill = Kill(server, args.kill_worker_at, args.workers) \
            if args.kill_worker_at is not None else None
        if kill:
            kill.start()
        with Sampler(server, args.sample_every) as sampler:
            if loader == "wrk":
                # wrk runs for a time, not a count: the budget becomes a duration at the
                # warmed-up rate, with a margin, within the cap.
                rate = warm_rps or 500.0
                seconds = min(args.duration, max(5.0, args.requests / rate * 1.15))
                result = wrk_load(server.port, mix, args.concurrency, seconds, Path(tmp))
            else:
                result = python_load(server.port, mix, args.requests, args.concurrency,
                                     args.duration)
        if kill:
            kill.finish()
        after = {pid: rss_kb(pid) for pid in server.workers()}
        alive = server.proc.poll() is None
        log_tail = server.log.read_text(errors="replace")[-2000:]
    memory = [{"pid": pid, "before_kb": kb, "after_kb": after.get(pid),
               "peak_kb": sampler.peak(pid),
               "growth_kb": None if after.get(pid) is None or kb is None else after[pid] - kb}
              for pid, kb in before.items()]
    memory += [{"pid": pid, "before_kb": None, "after_kb": kb, "peak_kb": sampler.peak(pid),
                "growth_kb": None} for pid, kb in after.items() if pid not in before]
    errors = sum(result.errors.values())
    allowed = 1 if kill else 0  # the request in flight on the killed worker
    problems = []
    if errors > allowed:
        problems.append(f"{errors} failed requests (allowed {allowed})")
    if result.requests + errors < args.requests and not args.allow_short:
        problems.append(f"only {result.requests + errors} of {args.requests} requests within "
                        f"the {args.duration:.0f} s cap")
    if kill and (kill.victim is None or not kill.replaced_by):
        problems.append("the killed worker was not replaced")
    if not alive:
        problems.append("the gunicorn master died")
    for m in memory:
        if m["growth_kb"] is not None and m["growth_kb"] > args.max_rss_growth_kb:
            problems.append(f"worker {m['pid']} grew by {m['growth_kb']} KiB")
    return {
        "loader": result.loader, "workers": args.workers, "concurrency": args.concurrency,
        "warmup_rps": warm_rps,
        "requests": result.requests, "seconds": round(result.seconds, 2),
        "throughput_rps": round(result.rps, 1),
        "latency_ms": {"p50": round(result.p50_ms, 2), "p99": round(result.p99_ms, 2),
                       "max": round(result.max_ms, 2)},
        "ok_200": result.ok, "expected_4xx": result.expected_4xx,
        "errors": errors, "error_detail": dict(result.errors),
        "statuses": dict(sorted(result.statuses.items())),
        "kinds": dict(sorted(result.kinds.items())), "sent": dict(sorted(result.sent.items())),
        "max_gap_ms": result.max_gap_ms,
        "memory": memory,
        "rss_samples": [{"t": t, "rss_kb": {str(k): v for k, v in s.items()}}
                        for t, s in sampler.samples],
        "kill": None if kill is None else {
            "at_s": kill.at, "victim": kill.victim, "replaced_by": kill.replaced_by,
            "replaced_after_s": kill.replaced_after_s, "failed_requests": errors},
        "problems": problems,
        "log_tail": log_tail if problems else "",
    }


def report(figures: dict[str, Any]) -> str:
    """The figures as a short human-readable report."""
    lat = figures["latency_ms"]
    lines = [
        f"loader {figures['loader']}, {figures['workers']} gunicorn workers, "
        f"{figures['concurrency']} concurrent connections",
        f"requests      {figures['requests']} in {figures['seconds']} s = "
        f"{figures['throughput_rps']} req/s",
        f"latency       p50 {lat['p50']} ms, p99 {lat['p99']} ms, max {lat['max']} ms",
        f"answered 200  {figures['ok_200']}   refused as expected (4xx) "
        f"{figures['expected_4xx']}",
        f"errors        {figures['errors']} {figures['error_detail'] or ''}",
        f"sent          {figures['sent']}",
        f"statuses      {figures['statuses']}",
        f"reply kinds   {figures['kinds']}",
    ]
    if figures["max_gap_ms"] is not None:
        lines.append(f"longest gap between two answers: {figures['max_gap_ms']} ms")
    for m in figures["memory"]:
        lines.append(f"worker {m['pid']}: RSS {m['before_kb']} KiB before, {m['after_kb']} KiB "
                     f"after (peak {m['peak_kb']}), growth {m['growth_kb']} KiB")
    if figures["kill"]:
        k = figures["kill"]
        lines.append(f"SIGKILL worker {k['victim']} at {k['at_s']} s: replaced by "
                     f"{k['replaced_by']} after {k['replaced_after_s']} s; "
                     f"{k['failed_requests']} request(s) failed")
    lines.append("OK" if not figures["problems"] else "FAILED: " + "; ".join(figures["problems"]))
    if figures["log_tail"]:
        lines.append("gunicorn log (tail):\n" + figures["log_tail"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=100_000, help="request budget (100000)")
    p.add_argument("--duration", type=float, default=300.0,
                   help="time cap in seconds; the run stops at whichever comes first (300)")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent connections (16)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    p.add_argument("--loader", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--warmup-seconds", type=float, default=10.0,
                   help="load before the memory baseline is read (10 s; 0 for none)")
    p.add_argument("--sample-every", type=float, default=5.0,
                   help="seconds between readings of the workers' RSS during the run (5)")
    p.add_argument("--mix-size", type=int, default=4000, help="distinct requests in the cycle")
    p.add_argument("--kill-worker-at", type=float, default=None, metavar="SECONDS",
                   help="SIGKILL one worker this many seconds into the run")
    p.add_argument("--max-rss-growth-kb", type=int, default=4096,
                   help="largest growth of a worker's RSS counted as noise (4096 KiB)")
    p.add_argument("--keep-max-requests", action="store_true",
                   help="keep gunicorn's worker recycling (max_requests) on")
    p.add_argument("--allow-short", action="store_true",
                   help="do not fail when the time cap ends the run before the budget")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = p.parse_args(argv)
    figures = run(args)
    print(json.dumps(figures) if args.json else report(figures), flush=True)
    return 1 if figures["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
