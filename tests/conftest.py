"""Shared fixtures: the bundled FAQ, an engine, a Flask app and its clients, and copies of the
data directory that a test may break on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from faq_bot import create_app
from faq_bot.config import Settings
from faq_bot.engine import Engine
from faq_bot.knowledge import Faq
from faq_bot.loader import bundled_data_dir, load_faq

REPO = Path(__file__).resolve().parent.parent


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
