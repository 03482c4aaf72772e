"""Shared fixtures: the bundled FAQ, an engine, a Flask app and its clients, and copies of the
data directory that a test may break on purpose."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from browser_env import CHROMIUM, CHROMIUM_ARGS, missing
from db_tables import TableRows, read_tables
from flask import Flask
from flask.testing import FlaskClient
from ops_live import gunicorn_factory, redis_url  # noqa: F401 (fixtures: gunicorn, redis)
from pg import PostgresServer, postgres_server
from ports import free_port

from faq_bot import create_app
from faq_bot.config import Settings, bundled_data_dir
from faq_bot.core.engine import Engine
from faq_bot.core.faq.loader import load_faq
from faq_bot.core.faq.model import Faq

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The FAQ check's cache folder for the whole session: a temporary one, never the user's
    (~/.cache/faq-bot). Set as FAQ_BOT_CACHE_DIR, so Settings.from_env() and every server or
    command a test starts with this environment use it."""
    folder = tmp_path_factory.mktemp("faq-bot-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAQ_BOT_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The bundled FAQ data directory."""
    return bundled_data_dir()


@pytest.fixture(scope="session")
def faq(data_dir: Path) -> Faq:
    """The bundled FAQ, loaded once."""
    return load_faq(data_dir)


@pytest.fixture(scope="session")
def engine(faq: Faq) -> Engine:
    """An engine over the bundled FAQ."""
    return Engine(faq)


@pytest.fixture
def faq_copy(tmp_path: Path, data_dir: Path) -> Path:
    """A writable copy of the bundled data directory."""
    target = tmp_path / "faq_data"
    shutil.copytree(data_dir, target)
    return target


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Settings for tests: bundled FAQ, no rate limit, no reload polling."""
    return Settings(data_dir=data_dir, ratelimit=None, reload_interval=0, curation=False)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    """A fresh app for one test."""
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """The Flask test client of `app`."""
    return app.test_client()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL server for the session (tests/pg.py)."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def curation_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty curation database URL: a SQLite file, then a real PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'curation.sqlite3'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture
def db_rows(curation_db: str) -> Callable[[], TableRows]:
    """Read every table of `curation_db`: `db_rows()["curation_events"]`."""
    return lambda: read_tables(curation_db)


@pytest.fixture
def curation_settings(settings: Settings, curation_db: str, tmp_path: Path) -> Settings:
    """Test settings with curation on, recording to `curation_db`."""
    return replace(settings, curation=True, database_url=curation_db,
                   instance_dir=tmp_path / "instance")


@pytest.fixture
def curation_app(curation_settings: Settings) -> Iterator[Flask]:
    """An app that records to `curation_db`; its writer thread is stopped afterwards."""
    from faq_bot.curation.hooks import curation

    app = create_app(curation_settings)
    app.config["TESTING"] = True
    yield app
    cur = curation(app)
    if cur is not None:
        cur.close()


LiveServer = Callable[[Mapping[str, str] | None], str]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Start real gunicorns: `live_server({"FAQ_BOT_X": "..."})` returns the base URL.

    Defaults: 2 workers, no rate limit, no curation, a temporary instance folder. The same
    overrides reuse one server; all are stopped when the session ends.
    """
    servers: dict[tuple[tuple[str, str], ...], str] = {}
    procs: list[subprocess.Popen[bytes]] = []

    def start(overrides: Mapping[str, str] | None = None) -> str:
        key = tuple(sorted((overrides or {}).items()))
        if key in servers:
            return servers[key]
        port = free_port()
        tmp = tmp_path_factory.mktemp("gunicorn")
        # None of the caller's own settings leak in: the server is what the overrides say.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("FAQ_BOT_", "SLACK_", "PROMETHEUS_"))}
        env |= {"FAQ_BOT_CACHE_DIR": os.environ["FAQ_BOT_CACHE_DIR"],  # the session's (cache_home)
                "FAQ_BOT_HOST": "127.0.0.1", "FAQ_BOT_PORT": str(port),
                "FAQ_BOT_WORKERS": "2", "FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_CURATION": "off",
                "FAQ_BOT_RELOAD_INTERVAL": "0", "FAQ_BOT_INSTANCE_DIR": str(tmp), **dict(key)}
        log_path = tmp / "gunicorn.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c",
                 "python:faq_bot.server.conf", "faq_bot:create_app()"],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL)
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        servers[key] = base
                        return base
            except OSError:
                time.sleep(0.1)
        pytest.fail(f"gunicorn did not become healthy on {base}:\n"
                    + log_path.read_text(errors="replace")[-3000:])

    yield start
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; never a downloaded browser build."""
    if not CHROMIUM.exists():
        missing("Chromium", "apt-get update && apt-get install -y chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Any]:
    """One headless Chromium for the whole session (Playwright's sync API allows one per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
