"""Hostile input at the edges, sent as raw bytes to real gunicorn on loopback: oversized and
deeply nested bodies, wrong encodings, header floods, smuggling-shaped framing, path traversal
on the static routes, script in questions, odd methods, query strings on POST, a client that
stalls mid-body. Every case must get a 4xx or a safe 200: never a 5xx, never a trace, never a
file from outside the static folder, never the user's markup echoed back.

The table of cases and what each gets is in docs/hardening.md. Every finding there is fixed; its
test stays here as an ordinary regression test.
"""

from __future__ import annotations

import contextlib
import json
import re
import select
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from ops_live import Gunicorn, start_gunicorn, wait_for

from faq_bot import create_app
from faq_bot.config import Settings
from faq_bot.core.replies import KINDS

MB = 1 << 20
# Markers that must never come back: our own source, the repository's files, the system's.
LEAKS = [b"def create_app", b"[build-system]", b"root:x:0:0", b"Traceback", b'File "/']
SCRIPT = "<script>alert(1)</script>"
SERVER = {"FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_CURATION": "on", "FAQ_BOT_LOG_QUESTIONS": "on",
          "FAQ_BOT_RELOAD_INTERVAL": "0"}


@dataclass
class Raw:
    """One HTTP response as it came off the socket."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def send(port: int, data: bytes, timeout: float = 10.0) -> Raw:
    """Send `data` as is and read the response until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # The server may refuse before reading everything; its answer still counts.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        chunks = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    # A 100 Continue comes first when the client asked for it; the answer is the next one.
    if lines[0].startswith("HTTP/1.1 100"):
        return send_parse(body)
    assert lines[0].startswith("HTTP/1."), f"no HTTP response: {data[:200]!r}"
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return Raw(int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body)


def send_parse(data: bytes) -> Raw:
    """Parse a response that is already read."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return Raw(int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body)


def request(method: str, path: str, body: bytes = b"", content_type: str | None = None,
            headers: list[str] | None = None, length: bool = True) -> bytes:
    """A request with exactly these bytes (no normalising of the path or headers)."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    if length and (body or method in {"POST", "PUT", "PATCH"}):
        lines.append(f"Content-Length: {len(body)}")
    lines += headers or []
    return "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


def ask(body: bytes, content_type: str = "application/json", path: str = "/api/v1/ask",
        **kwargs: Any) -> bytes:
    """POST `body` to the ask endpoint."""
    return request("POST", path, body, content_type, **kwargs)


def question(text: str, **extra: Any) -> bytes:
    """An ask body with `text` as the question, JSON-escaped (so lone surrogates survive)."""
    return json.dumps({"question": text, **extra}).encode()


def chunked(body: bytes, size: int = 8192) -> bytes:
    """`body` in chunked transfer coding."""
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
             for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def nested(depth: int) -> bytes:
    """A JSON array nested `depth` deep."""
    return b"[" * depth + b"]" * depth


BIG = question("a" * MB)
SMALL = question("What is kratom?")

# (id, raw request, allowed statuses, what the body must be)
# "error": the contract's JSON error body. "reply": a reply of the contract.
# "gunicorn": refused by gunicorn before the app runs (its own small HTML page, no trace).
# "empty": no body worth checking (a redirect, an OPTIONS answer).
CASES: list[tuple[str, bytes, set[int], str]] = [
    # --- size --------------------------------------------------------------------------------
    ("1mb-body", ask(BIG), {413}, "error"),
    ("1mb-body-chunked", ask(chunked(BIG), headers=["Transfer-Encoding: chunked"],
                             length=False), {413}, "error"),
    ("1mb-body-declared-sent-short", ask(b'{"question": "a', headers=[], length=False)
     .replace(b"\r\n\r\n", b"\r\nContent-Length: 1048576\r\n\r\n", 1), {413}, "error"),
    ("501-char-question", ask(question("x" * 501)), {413}, "error"),
    ("10k-nested-arrays", ask(nested(10_000)), {413}, "error"),
    ("500-nested-arrays", ask(nested(500)), {400}, "error"),
    ("huge-integer", ask(b'{"question": 1' + b"0" * 5000 + b"}"), {400}, "error"),
    # --- encodings ---------------------------------------------------------------------------
    ("latin-1-bytes", ask('{"question": "qu\'est-ce que le kratom, café?"}'.encode("latin-1")),
     {400}, "error"),
    ("invalid-utf8", ask(b'{"question": "kratom \xc3\x28 sleep"}'), {400}, "error"),
    ("utf-16-with-bom", ask('{"question": "What is kratom?"}'.encode("utf-16")), {200}, "reply"),
    ("utf-16le-no-bom", ask('{"question": "What is kratom?"}'.encode("utf-16-le")), {200},
     "reply"),
    ("utf-32", ask('{"question": "What is kratom?"}'.encode("utf-32")), {200}, "reply"),
    ("utf-8-bom", ask('{"question": "What is kratom?"}'.encode("utf-8-sig")), {200}, "reply"),
    ("charset-latin-1-header", ask(SMALL, "application/json; charset=latin-1"), {200},
     "reply"),
    ("lone-surrogate-question", ask(question("what is kratom \ud800")), {200}, "reply"),
    ("null-bytes-question", ask(question("\x00what\x00is\x00kratom\x00")), {200}, "reply"),
    ("bidi-override-question", ask(question("\u202emot kratom si tahw\u202c")), {200}, "reply"),
    ("nan-question", ask(b'{"question": NaN}'), {400}, "error"),
    ("duplicate-keys", ask(b'{"question": "how many grams", "question": "What is kratom?"}'),
     {200}, "reply"),
    ("empty-json-body", ask(b""), {400}, "error"),
    ("form-encoded", ask(b"question=What+is+kratom", "application/x-www-form-urlencoded"),
     {415}, "error"),
    ("no-content-type", ask(SMALL, ""), {415}, "error"),
    # --- headers and framing (gunicorn refuses before the app) --------------------------------
    ("60-headers", request("GET", "/healthz", headers=[f"X-H{i}: v" for i in range(60)]),
     {431}, "gunicorn"),
    ("100kb-header", request("GET", "/healthz", headers=["X-Big: " + "a" * 100_000]), {431},
     "gunicorn"),
    ("8kb-url", request("GET", "/healthz?" + "a" * 8000), {414}, "gunicorn"),
    ("nul-in-header", request("GET", "/healthz", headers=["X-A: a\x00b"]), {400}, "gunicorn"),
    ("te-and-cl", ask(b"0\r\n\r\n", headers=["Transfer-Encoding: chunked"]), {400},
     "gunicorn"),
    ("two-content-lengths", ask(b"{}", headers=["Content-Length: 3"]), {400}, "gunicorn"),
    ("negative-content-length", ask(b"{}", length=False, headers=["Content-Length: -1"]),
     {400}, "gunicorn"),
    ("te-gzip", ask(b"", length=False, headers=["Transfer-Encoding: gzip"]), {400, 501},
     "gunicorn"),
    ("http-2.0-line", b"GET /healthz HTTP/2.0\r\n\r\n", {400}, "gunicorn"),
    ("lower-case-method", request("get", "/healthz"), {400}, "gunicorn"),
    ("bad-method-chars", request("G@T", "/healthz"), {400}, "gunicorn"),
    ("expect-100-continue", ask(SMALL, headers=["Expect: 100-continue"]), {200}, "reply"),
    ("http-1.0-no-host", b"GET /healthz HTTP/1.0\r\n\r\n", {200}, "empty"),
    # --- path traversal on the static routes --------------------------------------------------
    *[(f"traversal {p}", request("GET", p), {404}, "error") for p in [
        "/static/../faq_bot/app.py", "/static/../../pyproject.toml",
        "/static/%2e%2e/app.py", "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2fapp.py", "/static/..%2f..%2fpyproject.toml", "/static/%252e%252e/app.py",
        "/static/..\\app.py", "/static/..%5capp.py", "/static/widget.js%00.py",
        "/static/../../../../etc/passwd", "/../../etc/passwd", "//etc/passwd",
        "/widget.js/..", "/widget.js/../faq_bot/app.py", "/widget.js%2f..%2fapp.py",
        "/static/", "/static/.", "/static/%2e", "/static/.%2e/.%2e/pyproject.toml",
        "/static/%c0%ae%c0%ae/app.py", "/templates/demo.html", "/faq_data/faq.yaml"]],
    ("static-double-slash", request("GET", "/static//etc/passwd"), {404}, "error"),
    # --- methods and query strings -----------------------------------------------------------
    *[(f"method {m}", request(m, "/api/v1/ask"), {405}, "error")
      for m in ["GET", "PUT", "DELETE", "PATCH", "TRACE", "FOO"]],
    ("connect", request("CONNECT", "127.0.0.1:22"), {404}, "error"),
    ("options", request("OPTIONS", "/api/v1/ask"), {200}, "empty"),
    ("query-on-post", ask(SMALL, path="/api/v1/ask?question=how+many+grams&channel=x"), {200},
     "reply"),
    ("query-only-post", request("POST", "/api/v1/ask?question=What+is+kratom"), {415},
     "error"),
    # --- markup in what the client sends -----------------------------------------------------
    ("script-question", ask(question(f"{SCRIPT} what is kratom")), {200}, "reply"),
    ("img-onerror-question", ask(question('"><img src=x onerror=alert(1)> kratom sleep')),
     {200}, "reply"),
    ("script-channel", ask(question("What is kratom?", channel=SCRIPT)), {400}, "error"),
    ("script-session-id", ask(question("What is kratom?", session_id=SCRIPT)), {200},
     "reply"),
    ("script-path", request("GET", "/%3Cscript%3Ealert(1)%3C/script%3E"), {404}, "error"),
    ("script-feedback-id", request("POST", "/api/v1/feedback",
                                   json.dumps({"reply_id": SCRIPT, "helpful": True}).encode(),
                                   "application/json"), {400}, "error"),
    ("script-in-demo-query", request("GET", "/?q=%3Cscript%3Ealert(1)%3C/script%3E"), {200},
     "empty"),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """Real gunicorn with every path that handles text switched on: curation (SQLite) and
    question logging; two workers; no rate limit."""
    server = start_gunicorn(tmp_path_factory.mktemp("hostile"), SERVER, workers=2)
    yield server
    server.stop()


def check_safe(raw: Raw) -> None:
    """Nothing leaks and nothing the client sent comes back as markup."""
    assert raw.status < 500, (raw.status, raw.body[:500])
    for leak in LEAKS:
        assert leak not in raw.body, (leak, raw.body[:500])
    assert b"<script>alert" not in raw.body and b"onerror=alert" not in raw.body


@pytest.mark.parametrize(("data", "statuses", "body"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_request(hostile: Gunicorn, data: bytes, statuses: set[int], body: str) -> None:
    raw = send(hostile.port, data)
    check_safe(raw)
    assert raw.status in statuses, (raw.status, raw.body[:300])
    if body == "error":
        assert raw.headers["content-type"] == "application/json"
        error = raw.json()["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
        assert "<script" not in error["message"] and "alert(" not in error["message"]
    elif body == "reply":
        assert raw.headers["content-type"] == "application/json"
        reply = raw.json()
        assert reply["kind"] in KINDS
        assert reply["safety"]
        # The reply is built from the FAQ and the policy only: what the user typed is not in it.
        assert b"alert(" not in raw.body
    elif body == "gunicorn":
        # Refused by gunicorn before the app, in the contract's JSON all the same.
        assert raw.headers["content-type"] == "application/json"
        error = raw.json()["error"]
        assert error["code"] and error["message"]
        assert b"Traceback" not in raw.body and b"<html" not in raw.body
    if raw.headers.get("content-type") == "application/json":
        assert raw.headers["x-content-type-options"] == "nosniff"
        assert "default-src 'none'" in raw.headers["content-security-policy"]


def test_the_static_folder_still_serves_its_own_files(hostile: Gunicorn) -> None:
    # Otherwise every traversal 404 above would prove nothing.
    for path, marker in [("/static/widget.js", b"faq-bot"), ("/widget.js", b"faq-bot"),
                         ("/static/demo.css", b"body")]:
        raw = send(hostile.port, request("GET", path))
        assert raw.status == 200 and marker in raw.body, path


@pytest.mark.parametrize("path", ["/static//etc/passwd", "/api//v1/faq", "/static//widget.js",
                                  "/api/v1//faq"])
def test_a_double_slash_is_not_found_rather_than_redirected(hostile: Gunicorn, path: str) -> None:
    raw = send(hostile.port, request("GET", path))
    assert raw.status == 404, (raw.status, raw.headers.get("location"))
    assert "location" not in raw.headers
    assert raw.json()["error"]["code"] == "not_found"


def test_a_question_in_the_query_string_is_ignored(hostile: Gunicorn) -> None:
    # The body says "What is kratom?"; a dosing question in the URL must not change the answer.
    raw = send(hostile.port, ask(SMALL, path="/api/v1/ask?question=how+many+grams"))
    assert raw.json()["kind"] == "answer"


def test_the_server_survives_the_whole_table(hostile: Gunicorn) -> None:
    assert hostile.alive()
    assert hostile.get("/healthz").status_code == 200
    assert hostile.ask("What is kratom?").json()["kind"] == "answer"


# --- a client that stalls mid-body ------------------------------------------------------------

STALL_TIMEOUT = 2  # gunicorn's worker timeout for this server, seconds


@pytest.fixture(scope="module")
def stalled_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """Two sync workers that gunicorn restarts after STALL_TIMEOUT s without progress."""
    server = start_gunicorn(tmp_path_factory.mktemp("stall"),
                            {"FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_TIMEOUT": str(STALL_TIMEOUT)},
                            workers=2)
    yield server
    server.stop()


def stall(port: int) -> socket.socket:
    """Open a request that promises 100 body bytes and sends 11."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=STALL_TIMEOUT + 8)
    sock.sendall(b"POST /api/v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                 b"application/json\r\nContent-Length: 100\r\n\r\n{\"question\"")
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes (bounded by the socket's timeout)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def test_a_stalled_body_gets_a_408_before_gunicorn_would_kill_the_worker(
        stalled_server: Gunicorn) -> None:
    wait_for(lambda: len(workers_of(stalled_server)) == 2, 10, "both workers to be up")
    workers = workers_of(stalled_server)
    sock = stall(stalled_server.port)
    started = time.monotonic()
    try:
        # The other worker keeps answering meanwhile.
        for _ in range(5):
            response = stalled_server.ask("What is kratom?")
            assert response.status_code == 200
        got = read_all(sock)
    finally:
        sock.close()
    waited = time.monotonic() - started
    # The body deadline is half the worker timeout: the service answers, gunicorn kills no one.
    assert waited < STALL_TIMEOUT, waited
    assert got.startswith(b"HTTP/1.1 408"), got[:200]
    assert workers_of(stalled_server) == workers
    assert stalled_server.ask("What is kratom?").status_code == 200


def test_a_trickling_body_meets_the_same_deadline(stalled_server: Gunicorn) -> None:
    # One byte every 0.2 s: each read makes progress, but the whole body is still late.
    sock = stall(stalled_server.port)
    started = time.monotonic()
    try:
        with contextlib.suppress(OSError):
            for _ in range(40):
                answered, _, _ = select.select([sock], [], [], 0.2)
                if answered:
                    break
                sock.sendall(b" ")
        got = read_all(sock)
    finally:
        sock.close()
    assert got.startswith(b"HTTP/1.1 408"), got[:200]
    assert time.monotonic() - started < STALL_TIMEOUT + 1


def workers_of(server: Gunicorn) -> list[int]:
    """The worker pids of `server`, sorted."""
    path = Path(f"/proc/{server.proc.pid}/task/{server.proc.pid}/children")
    return sorted(int(p) for p in path.read_text().split())


def test_a_stalled_client_is_told_what_went_wrong_in_json(stalled_server: Gunicorn) -> None:
    sock = stall(stalled_server.port)
    try:
        got = read_all(sock)
    finally:
        sock.close()
    head, _, body = got.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), got[:200]
    assert b"application/json" in head.lower()
    error = json.loads(body)["error"]
    assert error["code"] == "request_timeout"
    assert "seconds" in error["message"]


# --- findings of the hardening work, fixed and kept as regression tests -------------------------

@pytest.fixture
def plain_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with curation on (SQLite in tmp_path); not TESTING, so an exception becomes the
    500 a live client would get. Its writer thread is stopped afterwards."""
    from faq_bot.curation.hooks import curation

    app = create_app(Settings(ratelimit=None, reload_interval=0, curation=True,
                              instance_dir=tmp_path))
    yield app
    cur = curation(app)
    if cur is not None:
        cur.close()


@pytest.mark.parametrize("body", [nested(5000), b'{"question": ' + b'{"a": ' * 2000 + b"1"
                                  + b"}" * 2001], ids=["5000-nested-arrays",
                                                       "2000-nested-objects-in-question"])
def test_deep_nesting_within_the_size_limit_is_a_400(plain_app: Flask, body: bytes) -> None:
    assert len(body) < 16 * 1024
    response = plain_app.test_client().post("/api/v1/ask", data=body,
                                            content_type="application/json")
    assert response.status_code == 400, response.status_code


def test_a_lone_surrogate_in_a_feedback_comment_is_not_a_500(plain_app: Flask) -> None:
    client = plain_app.test_client()
    reply = client.post("/api/v1/ask", json={"question": "where can I buy a red bicycle"})
    body = json.dumps({"reply_id": reply.get_json()["id"], "helpful": False,
                       "comment": "bad \ud800 answer"})
    response = client.post("/api/v1/feedback", data=body, content_type="application/json")
    assert response.status_code < 500, response.get_data(as_text=True)


def test_made_up_methods_do_not_add_metric_series(hostile: Gunicorn) -> None:
    for i in range(20):
        method = "X" + "".join("ABCDEFGHIJ"[int(d)] for d in f"{i:04d}")
        assert send(hostile.port, request(method, "/api/v1/ask")).status == 405
    methods = set(re.findall(r'faq_bot_http_requests_total\{method="([^"]*)"',
                             hostile.get("/metrics").text))
    assert len(methods) <= 12, sorted(methods)


def wait_log(server: Gunicorn, seconds: float, done: Callable[[str], bool]) -> str:
    """The server's output (request lines on stdout, errors on stderr) once `done` says so,
    or after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not done(server.stdout() + server.stderr()):
        time.sleep(0.05)
    return server.stdout() + server.stderr()


def test_a_lone_surrogate_does_not_break_the_question_log(hostile: Gunicorn) -> None:
    marker = "surrogate-log-check"
    assert hostile.ask(f"what is kratom {marker} \udc00").status_code == 200
    log = wait_log(hostile, 2, lambda text: marker in text or "Logging error" in text)
    assert "Logging error" not in log
    assert marker in log


def test_a_lone_surrogate_does_not_cost_other_curation_records(hostile: Gunicorn) -> None:
    bad = hostile.ask("where can I buy a green \ud800 bicycle").json()["id"]
    good = hostile.ask("where can I buy a green bicycle").json()["id"]
    db = hostile.out.parent / "instance" / "curation.sqlite3"

    def recorded() -> set[str]:
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                rows = conn.execute("SELECT id FROM curation_events WHERE id IN (?, ?)",
                                    (bad, good)).fetchall()
        except sqlite3.Error:
            return set()
        return {r[0] for r in rows}

    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and recorded() != {bad, good}:
        time.sleep(0.05)
    assert recorded() == {bad, good}
    assert "cannot write to" not in hostile.stderr()
