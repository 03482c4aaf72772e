"""Settings.from_env: each variable is read into its field, and a value the service cannot use
stops it with a ConfigError that names the variable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from faq_bot.config import ConfigError, Settings, bundled_data_dir


def test_defaults_from_an_empty_environment() -> None:
    s = Settings.from_env({})
    assert s.data_dir == bundled_data_dir()
    assert (s.host, s.port) == ("127.0.0.1", 8000)
    assert s.allowed_origins == ()
    assert s.ratelimit == "60/minute"
    assert s.ratelimit_storage == "memory://"
    assert s.curation is True
    assert s.retention_days == 30
    assert s.admin_token is None
    assert s.slack_signing_secret is None and s.slack_bot_token is None
    assert s.database_url is None
    assert s.log_questions is False


@pytest.mark.parametrize(("variable", "value", "field", "expected"), [
    ("FAQ_BOT_HOST", "0.0.0.0", "host", "0.0.0.0"),
    ("FAQ_BOT_PORT", "8123", "port", 8123),
    ("FAQ_BOT_PORT", " 9000 ", "port", 9000),
    ("FAQ_BOT_WORKERS", "3", "workers", 3),
    ("FAQ_BOT_TIMEOUT", "60", "timeout", 60),
    ("FAQ_BOT_MAX_REQUESTS", "0", "max_requests", 0),
    ("FAQ_BOT_MAX_REQUESTS", "5000", "max_requests", 5000),
    ("FAQ_BOT_BODY_TIMEOUT", "4", "body_timeout", 4),
    ("FAQ_BOT_COUNTRY", "GB", "country", "GB"),
    ("FAQ_BOT_SOURCE_URL", "https://example.org/article", "source_url",
     "https://example.org/article"),
    ("FAQ_BOT_ALLOWED_ORIGINS", "https://a.example, https://b.example/", "allowed_origins",
     ("https://a.example", "https://b.example")),
    ("FAQ_BOT_RATELIMIT", "10/second", "ratelimit", "10/second"),
    ("FAQ_BOT_RATELIMIT", "off", "ratelimit", None),
    ("FAQ_BOT_RATELIMIT", "OFF", "ratelimit", None),
    ("FAQ_BOT_RATELIMIT_STORAGE", "redis://127.0.0.1:6379/0", "ratelimit_storage",
     "redis://127.0.0.1:6379/0"),
    ("FAQ_BOT_TRUSTED_PROXIES", "1", "trusted_proxies", 1),
    ("FAQ_BOT_MAX_BODY_BYTES", "32768", "max_body_bytes", 32768),
    ("FAQ_BOT_LOG_QUESTIONS", "on", "log_questions", True),
    ("FAQ_BOT_LOG_LEVEL", "WARNING", "log_level", "warning"),
    ("FAQ_BOT_RELOAD_INTERVAL", "0", "reload_interval", 0),
    ("SLACK_SIGNING_SECRET", "s3cret", "slack_signing_secret", "s3cret"),
    ("SLACK_BOT_TOKEN", "xoxb-1", "slack_bot_token", "xoxb-1"),
    ("FAQ_BOT_SLACK_EPHEMERAL", "false", "slack_ephemeral", False),
    ("FAQ_BOT_DATABASE_URL", "postgresql://db/faq", "database_url", "postgresql://db/faq"),
    ("FAQ_BOT_CURATION", "off", "curation", False),
    ("FAQ_BOT_CURATION", "yes", "curation", True),
    ("FAQ_BOT_RETENTION_DAYS", "7", "retention_days", 7),
    ("FAQ_BOT_ADMIN_TOKEN", "tok", "admin_token", "tok"),
], ids=lambda v: v if isinstance(v, str) and v.isupper() else None)
def test_each_variable_is_read(variable: str, value: str, field: str, expected: Any) -> None:
    assert getattr(Settings.from_env({variable: value}), field) == expected


def test_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings.from_env({"FAQ_BOT_DATA_DIR": "faq", "FAQ_BOT_INSTANCE_DIR": "state"})
    assert s.data_dir == tmp_path.resolve() / "faq"
    assert s.instance_dir == tmp_path.resolve() / "state"


def test_blank_values_mean_the_default() -> None:
    s = Settings.from_env({"FAQ_BOT_PORT": "", "FAQ_BOT_HOST": " ", "FAQ_BOT_COUNTRY": " ",
                           "FAQ_BOT_CURATION": ""})
    assert (s.port, s.host, s.country, s.curation) == (8000, "127.0.0.1", None, True)


def test_keyword_overrides_win_over_the_environment() -> None:
    assert Settings.from_env({"FAQ_BOT_PORT": "8123"}, port=9999).port == 9999


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAQ_BOT_PORT", "8765")
    assert Settings.from_env().port == 8765


@pytest.mark.parametrize(("workers", "expected"), [(3, 3), (0, (os.cpu_count() or 1) * 2 + 1)])
def test_worker_count(workers: int, expected: int) -> None:
    assert Settings(workers=workers).worker_count == expected


@pytest.mark.parametrize(("variable", "value"), [
    ("FAQ_BOT_PORT", "abc"),
    ("FAQ_BOT_PORT", "70000"),
    ("FAQ_BOT_PORT", "0"),
    ("FAQ_BOT_PORT", "-1"),
    ("FAQ_BOT_PORT", "80.5"),
    ("FAQ_BOT_WORKERS", "many"),
    ("FAQ_BOT_WORKERS", "1000"),
    ("FAQ_BOT_TIMEOUT", "0"),
    ("FAQ_BOT_MAX_REQUESTS", "-1"),
    ("FAQ_BOT_BODY_TIMEOUT", "0"),
    ("FAQ_BOT_TRUSTED_PROXIES", "99"),
    ("FAQ_BOT_MAX_BODY_BYTES", "10"),
    ("FAQ_BOT_RELOAD_INTERVAL", "-5"),
    ("FAQ_BOT_RETENTION_DAYS", "0"),
    ("FAQ_BOT_CURATION", "maybe"),
    ("FAQ_BOT_LOG_QUESTIONS", "sometimes"),
    ("FAQ_BOT_SLACK_EPHEMERAL", "2"),
], ids=lambda v: v)
def test_a_bad_value_names_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})


@pytest.mark.parametrize(("body", "worker", "deadline"), [
    ("10", "30", 10.0), ("10", "8", 4.0), ("3", "30", 3.0), ("10", "1", 0.5)])
def test_the_body_deadline_comes_before_the_worker_timeout(body: str, worker: str,
                                                           deadline: float) -> None:
    settings = Settings.from_env({"FAQ_BOT_BODY_TIMEOUT": body, "FAQ_BOT_TIMEOUT": worker})
    assert settings.body_deadline == deadline
