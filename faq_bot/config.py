"""All settings, read from the environment in this one place and passed down from here.

`Settings.from_env()` is called by `create_app`, the CLI and the gunicorn config; nothing else
reads `os.environ`. A bad value stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


def bundled_data_dir() -> Path:
    """The FAQ shipped with the package: inside an installed wheel, or beside a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "faq_data", here.parent / "faq_data"):
        if (candidate / "faq.yaml").is_file():
            return candidate
    return here.parent / "faq_data"


def cache_dir(env: Mapping[str, str]) -> Path | None:
    """Where the FAQ check keeps what it remembers between starts (core/faq/phrasings.py):
    $FAQ_BOT_CACHE_DIR when set ("off": nowhere), else $XDG_CACHE_HOME/faq-bot, else
    ~/.cache/faq-bot."""
    configured = env.get("FAQ_BOT_CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured).expanduser()
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "faq-bot"


class ConfigError(ValueError):
    """An environment variable holds a value the service cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={value} is out of range ({low} to {high})")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} must be on or off")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip().rstrip("/") for item in env.get(name, "").split(",") if item.strip())


def _str(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _secret(env: Mapping[str, str], name: str) -> str | None:
    value = _str(env, name)
    if value is not None and len(value) < 16:
        raise ConfigError(f"{name} is too short ({len(value)} characters); use at least 16, "
                          "e.g. the output of: python -c 'import secrets; "
                          "print(secrets.token_hex(32))'")
    return value


@dataclass(frozen=True)
class Settings:
    """The service's configuration; every field has an environment variable (see README)."""

    data_dir: Path = field(default_factory=bundled_data_dir)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 0  # 0: from the core count
    timeout: int = 30
    # Seconds a client has to send its request body (capped at half the worker timeout).
    body_timeout: int = 10
    # Each worker keeps warm caches (the engine's decisions, rendered replies): recycling it
    # throws them away, so it is rare; 0 never recycles.
    max_requests: int = 100_000
    country: str | None = None
    source_url: str | None = None
    allowed_origins: tuple[str, ...] = ()
    ratelimit: str | None = "60/minute"
    ratelimit_storage: str = "memory://"
    trusted_proxies: int = 0
    max_body_bytes: int = 16 * 1024
    log_questions: bool = False
    log_level: str = "info"
    reload_interval: int = 5
    slack_signing_secret: str | None = None
    slack_bot_token: str | None = None
    slack_api_url: str | None = None
    slack_ephemeral: bool = True
    database_url: str | None = None
    curation: bool = True
    retention_days: int = 30
    admin_token: str | None = None
    # Signs conversation tokens; unset, a random key is made at start (the workers of one server
    # share it, as the app is preloaded). Replicas must all be given the same value.
    secret_key: str | None = None
    # Seconds a conversation may stay idle before its token is ignored.
    conversation_ttl: int = 30 * 60
    instance_dir: Path | None = None
    # prometheus_client's own variable: set, metrics are shared by the gunicorn workers.
    metrics_dir: Path | None = None
    # What the FAQ check remembers between starts (see `cache_dir`); None remembers nothing.
    cache_dir: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from `env` (default: the process environment), then keyword overrides."""
        env = os.environ if env is None else env
        ratelimit = env.get("FAQ_BOT_RATELIMIT", "60/minute").strip()
        data_dir = _str(env, "FAQ_BOT_DATA_DIR")
        instance = _str(env, "FAQ_BOT_INSTANCE_DIR")
        metrics = _str(env, "PROMETHEUS_MULTIPROC_DIR")
        settings = cls(
            data_dir=Path(data_dir).expanduser().resolve() if data_dir else bundled_data_dir(),
            host=env.get("FAQ_BOT_HOST", "127.0.0.1").strip() or "127.0.0.1",
            port=_int(env, "FAQ_BOT_PORT", 8000, 1, 65535),
            workers=_int(env, "FAQ_BOT_WORKERS", 0, 0, 64),
            timeout=_int(env, "FAQ_BOT_TIMEOUT", 30, 1, 600),
            max_requests=_int(env, "FAQ_BOT_MAX_REQUESTS", 100_000, 0, 10_000_000),
            body_timeout=_int(env, "FAQ_BOT_BODY_TIMEOUT", 10, 1, 300),
            country=_str(env, "FAQ_BOT_COUNTRY"),
            source_url=_str(env, "FAQ_BOT_SOURCE_URL"),
            allowed_origins=_list(env, "FAQ_BOT_ALLOWED_ORIGINS"),
            ratelimit=None if ratelimit.lower() in {"off", "none", "0", ""} else ratelimit,
            ratelimit_storage=env.get("FAQ_BOT_RATELIMIT_STORAGE", "memory://").strip()
            or "memory://",
            trusted_proxies=_int(env, "FAQ_BOT_TRUSTED_PROXIES", 0, 0, 10),
            max_body_bytes=_int(env, "FAQ_BOT_MAX_BODY_BYTES", 16 * 1024, 1024, 1024 * 1024),
            log_questions=_bool(env, "FAQ_BOT_LOG_QUESTIONS", False),
            log_level=env.get("FAQ_BOT_LOG_LEVEL", "info").strip().lower() or "info",
            reload_interval=_int(env, "FAQ_BOT_RELOAD_INTERVAL", 5, 0, 3600),
            slack_signing_secret=_str(env, "SLACK_SIGNING_SECRET"),
            slack_bot_token=_str(env, "SLACK_BOT_TOKEN"),
            slack_api_url=_str(env, "SLACK_API_URL"),
            slack_ephemeral=_bool(env, "FAQ_BOT_SLACK_EPHEMERAL", True),
            database_url=_str(env, "FAQ_BOT_DATABASE_URL"),
            curation=_bool(env, "FAQ_BOT_CURATION", True),
            retention_days=_int(env, "FAQ_BOT_RETENTION_DAYS", 30, 1, 3650),
            admin_token=_str(env, "FAQ_BOT_ADMIN_TOKEN"),
            secret_key=_secret(env, "FAQ_BOT_SECRET_KEY"),
            conversation_ttl=_int(env, "FAQ_BOT_CONVERSATION_TTL", 30 * 60, 60, 7 * 24 * 3600),
            instance_dir=Path(instance).expanduser().resolve() if instance else None,
            metrics_dir=Path(metrics).expanduser().resolve() if metrics else None,
            cache_dir=cache_dir(env),
        )
        return replace(settings, **overrides) if overrides else settings

    @property
    def body_deadline(self) -> float:
        """Seconds a request body may take to arrive: never more than half the worker timeout,
        so that the service, not gunicorn's kill, answers a client that stops sending."""
        return min(float(self.body_timeout), self.timeout / 2)

    @property
    def worker_count(self) -> int:
        """Gunicorn workers: the configured number, or two per core plus one."""
        return self.workers or (os.cpu_count() or 1) * 2 + 1
