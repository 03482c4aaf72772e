"""Test helpers for Slack: requests signed as Slack signs them, a loopback stand-in for Slack's
Web API and response_url hooks, and a throwaway redis-server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import redis
from ports import free_port
from slack_sdk.signature import SignatureVerifier

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"


def signed_headers(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict:
    """The headers Slack sends with `body`: its timestamp and v0 signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


@dataclass
class Call:
    """One request the fake Slack received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeSlack:
    """Slack's Web API and response_url hooks on 127.0.0.1, recording every POST."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or b"{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                with fake._cond:
                    fake.calls.append(Call(self.path, dict(self.headers.items()), body))
                    fake._cond.notify_all()
                if self.path.startswith("/api/"):
                    # What chat.postMessage and chat.update answer on success.
                    payload = json.dumps({"ok": True, "channel": body.get("channel"),
                                          "ts": "1700000000.000200"}).encode()
                    kind = "application/json; charset=utf-8"
                else:
                    payload, kind = b"ok", "text/plain"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.url}/api/"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The first `count` calls, waiting up to `timeout` seconds for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.calls) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} call(s) to fake Slack, "
                                         f"got {len(self.calls)}: {self.calls}")
                self._cond.wait(left)
            return list(self.calls)

    def close(self) -> None:
        """Stop the server."""
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A real redis-server on a free loopback port, yielding its redis:// URL.

    Skips when redis-server is not installed, except under CI where it must be.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is not installed, and CI must run the Redis tests")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 5
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=5)
