"""A real PostgreSQL for the tests: Debian's server binaries, a cluster made with initdb in a
temporary folder, started with pg_ctl on a free loopback port and removed afterwards.

When running as root (PostgreSQL refuses to), the cluster belongs to the `postgres` user (or
`nobody`) and the binaries run through runuser. Skips when PostgreSQL is not installed, except
under CI, where that is a failure. Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "faqbot"  # the cluster's superuser; loopback only, trust authentication
TIMEOUT = 30


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian keeps it off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def need_postgres() -> Path:
    """PostgreSQL's bin folder: skip when it is missing here, fail when CI is set."""
    found = postgres_bin()
    if found is not None:
        return found
    message = ("PostgreSQL is not installed (apt-get install postgresql); "
               "the curation store must be tested against it")
    if os.environ.get("CI"):
        pytest.fail(message + " and CI must run these tests", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One throwaway cluster: start, stop, and fresh databases for tests."""

    def __init__(self, bindir: Path, base: Path, owner: str | None) -> None:
        self.bindir, self.base, self.owner = bindir, base, owner
        self.data = base / "data"
        self.log = base / "server.log"
        self.port = _free_port()

    def _run(self, tool: str, *args: str, timeout: float = TIMEOUT) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.owner is not None:
            cmd = ["runuser", "-u", self.owner, "--", *cmd]
        result = subprocess.run(cmd, cwd=self.base, capture_output=True, text=True,
                                timeout=timeout, stdin=subprocess.DEVNULL, check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise AssertionError(f"{tool} failed ({result.returncode}):\n{result.stdout}\n"
                                 f"{result.stderr}\n{log}")

    def init(self) -> None:
        """Create the cluster (no fsync: it is thrown away)."""
        self._run("initdb", "-D", str(self.data), "-U", USER, "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync", "--no-instructions")

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.base} "
                   "-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
                   "-c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", str(TIMEOUT), "start")

    def stop(self) -> None:
        """Stop the server now (connections are cut, as in an outage)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(TIMEOUT),
                  "stop")

    def running(self) -> bool:
        """Whether the server's pid file is there."""
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str = "postgres") -> str:
        """A postgresql:// URL for `database` (the form operators write)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres",
                             autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _owner() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    pytest.fail("running as root, and neither a postgres nor a nobody user exists to own the "
                "test cluster")


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """A started throwaway PostgreSQL, stopped and removed on exit."""
    bindir = need_postgres()
    owner = _owner()
    # Not pytest's tmp_path: as root that lies in a folder the cluster's owner cannot enter.
    base = Path(tempfile.mkdtemp(prefix="faq-bot-pg-"))
    if owner is not None:
        entry = pwd.getpwnam(owner)
        os.chown(base, entry.pw_uid, entry.pw_gid)
    server = PostgresServer(bindir, base, owner)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(Exception):
            if server.running():
                server._run("pg_ctl", "-D", str(server.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)
