"""Real servers for the end-to-end tests: a free loopback port, an environment free of the
caller's settings, a bounded wait for /healthz, and a stop that always happens."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APP = "faq_bot:create_app()"
# The way the Dockerfile and `faq-bot serve` start it: the package's own gunicorn settings.
GUNICORN = [str(BIN / "gunicorn"), "-c", "python:faq_bot.server.conf", APP]
# The plain way from the repository root, which reads ./gunicorn.conf.py.
GUNICORN_PLAIN = [str(BIN / "gunicorn"), APP]
FAQ_BOT_SERVE = [str(BIN / "faq-bot"), "serve"]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def server_env(port: int, state_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for a test server: loopback, two workers, no rate limit, state kept in
    `state_dir`, and none of the caller's own FAQ_BOT_*/Slack settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FAQ_BOT_", "SLACK_", "PROMETHEUS_"))}
    env.update({
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        "FAQ_BOT_HOST": "127.0.0.1",
        "FAQ_BOT_PORT": str(port),
        "FAQ_BOT_WORKERS": "2",
        "FAQ_BOT_RATELIMIT": "off",
        "FAQ_BOT_CURATION": "off",
        "FAQ_BOT_INSTANCE_DIR": str(state_dir / "instance"),
    })
    env.update(extra)
    return env


@dataclass
class Server:
    """A running server: its base URL, its process and the file holding its output."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(errors="replace")


def stop(process: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Stop a server started here: SIGTERM (gunicorn stops its workers), then SIGKILL."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        # The server runs in its own session, so its group is exactly what this test started.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(STOP_TIMEOUT)


def wait_healthy(server: Server, timeout: float = START_TIMEOUT) -> None:
    """Return once GET /healthz answers 200; raise with the server's output otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited with {server.process.returncode} before "
                                 f"it was healthy:\n{server.output()}")
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"no healthy server within {timeout} s:\n{server.output()}")


@contextlib.contextmanager
def running(cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> Iterator[Server]:
    """Start `cmd` (a server on env's FAQ_BOT_PORT), wait until healthy, and always stop it."""
    port = int(env["FAQ_BOT_PORT"])
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        stop(process)


def run_to_exit(cmd: list[str], env: dict[str, str], cwd: Path,
                timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """Run a server command that should refuse to start; fail if it is still up at `timeout`."""
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(process)
        out, err = process.communicate()
        raise AssertionError(f"{cmd} was still running after {timeout} s; it should have "
                             f"refused to start:\n{out}\n{err}") from None
    return subprocess.CompletedProcess(cmd, process.returncode, out, err)
