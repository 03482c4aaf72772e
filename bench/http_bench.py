"""HTTP benchmark: the real app against a floor (bench/floor_app.py, a bare Flask app returning
fixed JSON), each served by real gunicorn with the same settings, driven by the same load for
the same time. Prints requests/s, p50 and p99 latency for each and the ratio app/floor.

    .venv/bin/python bench/http_bench.py [--duration 4] [--rounds 5] [--connections 32]
        [--loader auto] [--min-ratio 0.9]

Three servers: the floor; faq-bot as deployed by default (curation on, recording every reply
to a SQLite file in its instance folder); and faq-bot with FAQ_BOT_CURATION=off, to show what
recording costs. They are measured in turn, round after round, so all meet the same drift in a
shared machine's load; the figures add up all rounds. At the end the events the default server
recorded are counted against the replies it sent, and its curation failures (a full queue, a
failed write) are read from /metrics.

Loopback only; every server it starts is stopped before it exits. Uses `wrk` when installed
(Debian package `wrk`), else a Python load generator (threads, one connection each).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from faq_bot.evaluate import read_questions

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
QUESTIONS = REPO / "tests" / "eval" / "questions.yaml"
PATH = "/api/v1/ask"
# The default configuration's share of the floor's throughput (issue 16).
TARGET = 0.9
# Every server gets exactly these gunicorn settings (the package's, as in production); only the
# app and its curation setting differ.
GUNICORN = [str(BIN / "gunicorn"), "-c", "python:faq_bot.server.conf",
            "--pythonpath", str(BENCH)]
# name: (app, FAQ_BOT_CURATION or None for the default)
APPS = {"floor": ("floor_app:create_app()", None),
        "faq-bot": ("faq_bot:create_app()", None),
        "curation-off": ("faq_bot:create_app()", "off")}
DEFAULT = "faq-bot"

WRK_SCRIPT = """\
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, nil, nil, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"errors\\": %%d, \\"non2xx\\": %%d, "
    .. "\\"p50_us\\": %%d, \\"p99_us\\": %%d}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Result:
    """One measured run."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float
    cpu: float = 0.0  # CPU seconds the server's workers used meanwhile (user + system)

    @property
    def rate(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.errors) / self.seconds

    @property
    def cpu_per_request_us(self) -> float:
        """The workers' CPU time per answered request, in microseconds: what one request costs
        the server, much less sensitive than the rate to what else runs on the machine."""
        return self.cpu / max(1, self.requests - self.errors) * 1e6

    @classmethod
    def combined(cls, runs: list[Result]) -> Result:
        """Several runs as one: summed counts and time, the median run's latencies."""
        return cls(sum(r.requests for r in runs), sum(r.seconds for r in runs),
                   sum(r.errors for r in runs), statistics.median(r.p50_ms for r in runs),
                   statistics.median(r.p99_ms for r in runs), sum(r.cpu for r in runs))


@dataclass(frozen=True)
class Server:
    """A running gunicorn: its port and its master's pid."""

    port: int
    pid: int

    def workers_cpu(self) -> float:
        """CPU seconds (user + system) used so far by this master's worker processes."""
        total = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold " "
            if int(fields[1]) == self.pid:  # the parent's pid
                total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
        return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, workers: int, workdir: Path, curation: str | None = None
             ) -> Iterator[Server]:
    """Serve `app` with gunicorn on a free loopback port, its instance folder under `workdir`;
    `curation` sets FAQ_BOT_CURATION (None: the default). Always stopped (gracefully) on exit."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FAQ_BOT_", "SLACK_", "PROMETHEUS_"))}
    env.update({"FAQ_BOT_HOST": "127.0.0.1", "FAQ_BOT_PORT": str(port),
                "FAQ_BOT_WORKERS": str(workers), "FAQ_BOT_RATELIMIT": "off",
                "FAQ_BOT_INSTANCE_DIR": str(workdir / "instance")})
    if curation is not None:
        env["FAQ_BOT_CURATION"] = curation
    log = workdir / f"{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([*GUNICORN, app], env=env, cwd=workdir, stdout=out,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn for {app} did not start:\n"
                                 + log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield Server(port, proc.pid)
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def run_wrk(port: int, bodies: list[str], seconds: float, connections: int,
            workdir: Path) -> Result:
    """Drive the server with wrk and a Lua script cycling through `bodies`."""
    script = workdir / "post.lua"
    # JSON with ensure_ascii holds no "]==]", so Lua long brackets need no escaping.
    script.write_text(WRK_SCRIPT % ", ".join(f"[==[{b}]==]" for b in bodies), encoding="utf-8")
    threads = max(1, min(connections, os.cpu_count() or 1))
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "5s",
           "-s", str(script), f"http://127.0.0.1:{port}{PATH}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(x for x in out.stdout.splitlines() if x.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return Result(data["requests"], data["duration_us"] / 1e6, data["errors"] + data["non2xx"],
                  data["p50_us"] / 1000, data["p99_us"] / 1000)


def run_python(port: int, bodies: list[str], seconds: float, connections: int) -> Result:
    """Drive the server from `connections` threads, each reconnecting when the server closes."""
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.monotonic() + seconds
    headers = {"Content-Type": "application/json"}

    def worker(n: int) -> None:
        conn: http.client.HTTPConnection | None = None
        i = n
        while time.monotonic() < deadline:
            body = bodies[i % len(bodies)]
            i += 1
            t0 = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("POST", PATH, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[n] += 1
                if response.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                if conn is not None:
                    conn.close()
                conn = None
                continue
            latencies[n].append(time.perf_counter() - t0)
        if conn is not None:
            conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True)
               for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 30)
    elapsed = time.monotonic() - started
    every = sorted(x for per in latencies for x in per)
    if not every:
        raise SystemExit("no request succeeded")
    p99 = every[max(0, int(len(every) * 0.99) - 1)]
    return Result(len(every) + sum(errors), elapsed, sum(errors),
                  statistics.median(every) * 1000, p99 * 1000)


def recorded_events(instance: Path) -> int:
    """The events in the SQLite file of a server's instance folder (0 when there is none)."""
    path = instance / "curation.sqlite3"
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT count(*) FROM curation_events").fetchone()[0])


def curation_failures(port: int) -> dict[str, float]:
    """faq_bot_curation_failures_total by reason, summed over the server's workers."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("faq_bot_curation_failures_total{"):
            reason = line.split('reason="', 1)[1].split('"', 1)[0]
            out[reason] = out.get(reason, 0.0) + float(line.rsplit(" ", 1)[1])
    return out


def main(argv: list[str] | None = None) -> int:
    """Benchmark the servers and print the comparison; non-zero only with --min-ratio missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=4.0,
                        help="seconds per server per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds, servers taken in turn")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--loader", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--min-ratio", type=float, default=None,
                        help="exit 1 when the default configuration's rate over the floor's is "
                             "below this (default: report only)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 300 or not 1 <= args.connections <= 256 \
            or not 1 <= args.rounds <= 20:
        parser.error("--duration must be 1..300 s, --connections 1..256, --rounds 1..20")
    loader = args.loader
    if loader == "auto":
        loader = "wrk" if shutil.which("wrk") else "python"
    elif loader == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install wrk), use --loader python")

    bodies = [json.dumps({"question": item.question}) for item in read_questions(QUESTIONS)]
    rounds: dict[str, list[Result]] = {name: [] for name in APPS}
    sent = 0  # replies the default server sent, warm-up included
    print(f"load: {loader}, {args.connections} connections, {args.rounds} rounds of "
          f"{args.duration:g} s per server, taken in turn, gunicorn -c "
          f"python:faq_bot.server.conf with {args.workers} workers, rate limit off, "
          f"{len(bodies)} questions in turn, 127.0.0.1 only; faq-bot as by default "
          "(curation on, SQLite), curation-off with FAQ_BOT_CURATION=off")
    with tempfile.TemporaryDirectory(prefix="faq-bot-bench-") as tmp:
        workdir = Path(tmp)
        with contextlib.ExitStack() as servers:
            running: dict[str, Server] = {}
            for name, (app, curation) in APPS.items():
                (workdir / name).mkdir()
                running[name] = servers.enter_context(
                    gunicorn(app, args.workers, workdir / name, curation))

            def drive(name: str, seconds: float) -> Result:
                server = running[name]
                cpu = server.workers_cpu()
                if loader == "wrk":
                    result = run_wrk(server.port, bodies, seconds, args.connections, workdir)
                else:
                    result = run_python(server.port, bodies, seconds, args.connections)
                result.cpu = server.workers_cpu() - cpu
                return result

            for name in APPS:
                warm = drive(name, 2)  # warm-up: imports, first requests, CPU frequency
                if name == DEFAULT:
                    sent += warm.requests - warm.errors
            # A shared machine's load drifts: rounds taken in turn give all servers the same.
            for n in range(args.rounds):
                for name in APPS:
                    rounds[name].append(drive(name, args.duration))
                floor = rounds["floor"][-1].rate
                print(f"round {n + 1}: " + ", ".join(
                    f"{name} {runs[-1].rate:.1f}/s" for name, runs in rounds.items())
                    + ", ratios " + " / ".join(
                    f"{runs[-1].rate / floor:.2f}" for name, runs in rounds.items()
                    if name != "floor"))
            sent += sum(r.requests - r.errors for r in rounds[DEFAULT])
            failed = curation_failures(running[DEFAULT].port)
        # The servers are stopped gracefully: each worker writes what it still held.
        recorded = recorded_events(workdir / DEFAULT / "instance")

    results = {name: Result.combined(runs) for name, runs in rounds.items()}
    print(f"{'server':<13} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
          f"{'errors':>7} {'/ floor':>8} {'CPU us/req':>11}")
    floor = results["floor"].rate
    for name, r in results.items():
        print(f"{name:<13} {r.rate:>11.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} {r.requests:>9} "
              f"{r.errors:>7} {r.rate / floor:>8.2f} {r.cpu_per_request_us:>11.0f}")
    # wrk stops mid-request at the end of a run; the server may still answer (and record) it.
    print(f"recorded by faq-bot: {recorded} events for {sent} replies counted by the load "
          "generator; curation failures: "
          + (", ".join(f"{k} {v:g}" for k, v in sorted(failed.items())) or "none"))
    ratio = results[DEFAULT].rate / floor
    verdict = "meets" if ratio >= TARGET else "is below"
    print(f"ratio faq-bot (default, curation on)/floor: {ratio:.2f} ({verdict} the target of "
          f"{TARGET:.2f}); curation off: {results['curation-off'].rate / floor:.2f}")
    if args.min_ratio is not None and ratio < args.min_ratio:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
