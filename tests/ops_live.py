"""Real processes for the operations tests: gunicorn serving the app (with access to its
signals, output and workers) and redis-server, each on a free loopback port. Every wait is
bounded; everything started is stopped at teardown.

conftest.py imports the fixtures `gunicorn_factory` and `redis_url` from here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from ports import free_port

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = "python:faq_bot.server.conf"
START_TIMEOUT = 20.0


def need(tool: str) -> str:
    """The path of `tool`: skip the test when it is missing here, fail it when CI is set."""
    path = shutil.which(tool)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is not installed; CI must test with the real {tool}")
    pytest.skip(f"{tool} is not installed (apt-get install {tool}); CI runs this test")


def wait_for(check: Callable[[], bool], timeout: float, what: str, step: float = 0.05) -> None:
    """Poll `check` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(step)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def metric(text: str, name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels`, in exposition text."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


@dataclass
class Gunicorn:
    """One running gunicorn master (and its workers) serving faq_bot."""

    proc: subprocess.Popen[bytes]
    port: int
    out: Path
    err: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The base URL, e.g. http://127.0.0.1:12345."""
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str, **kwargs: object) -> requests.Response:
        """GET `path` on this server (5 s timeout)."""
        return requests.get(self.url + path, timeout=5, **kwargs)  # type: ignore[arg-type]

    def ask(self, question: str, **kwargs: object) -> requests.Response:
        """POST a question to /api/v1/ask (5 s timeout)."""
        return requests.post(self.url + "/api/v1/ask", json={"question": question},
                             timeout=5, **kwargs)  # type: ignore[arg-type]

    def stdout(self) -> str:
        """Everything the server wrote to stdout so far."""
        return self.out.read_text(errors="replace")

    def stderr(self) -> str:
        """Everything the server wrote to stderr so far."""
        return self.err.read_text(errors="replace")

    def alive(self) -> bool:
        """True while the master runs."""
        return self.proc.poll() is None

    def signal(self, sig: int) -> None:
        """Send `sig` to the master."""
        self.proc.send_signal(sig)

    def stop(self) -> None:
        """Stop gracefully; kill the whole process group if that takes too long."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def start_gunicorn(workdir: Path, env: dict[str, str], workers: int = 1,
                   conf: str = GUNICORN_CONF) -> Gunicorn:
    """Start gunicorn with faq_bot's config on a free port; return once /healthz answers."""
    port = free_port()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("FAQ_BOT_", "SLACK_", "PROMETHEUS_")) and k != "FLASK_DEBUG"}
    base.update({
        "FAQ_BOT_HOST": "127.0.0.1", "FAQ_BOT_PORT": str(port), "FAQ_BOT_WORKERS": str(workers),
        "FAQ_BOT_CURATION": "off", "FAQ_BOT_INSTANCE_DIR": str(workdir / "instance"),
        "PYTHONPATH": str(REPO),
    })
    base.update(env)
    workdir.mkdir(parents=True, exist_ok=True)
    out, err = workdir / f"gunicorn-{port}.out", workdir / f"gunicorn-{port}.err"
    with out.open("wb") as o, err.open("wb") as e:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", conf, "faq_bot:create_app()"],
            cwd=workdir, env=base, stdout=o, stderr=e, stdin=subprocess.DEVNULL,
            start_new_session=True)
    server = Gunicorn(proc, port, out, err, base)

    def up() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {proc.returncode}:\n{server.stderr()[-3000:]}")
        try:
            return requests.get(server.url + "/healthz", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    try:
        wait_for(up, START_TIMEOUT, "gunicorn to answer /healthz")
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture
def gunicorn_factory(tmp_path: Path) -> Iterator[Callable[..., Gunicorn]]:
    """Start real gunicorn servers: `start(env={...}, workers=2)`; all stopped afterwards."""
    started: list[Gunicorn] = []

    def start(env: dict[str, str] | None = None, workers: int = 1,
              conf: str = GUNICORN_CONF) -> Gunicorn:
        server = start_gunicorn(tmp_path / f"g{len(started)}", env or {}, workers, conf)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, empty, not saving to disk."""
    import redis

    binary = need("redis-server")
    port = free_port()
    workdir = tmp_path / "redis"
    workdir.mkdir()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
        start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)

    def up() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"redis-server exited with {proc.returncode}")
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    try:
        wait_for(up, 10, "redis-server to answer PING")
        yield url
    finally:
        client.close()
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
