"""Gunicorn settings, from the same environment variables as everything else.

Used by `faq-bot serve` (`-c python:faq_bot.gunicorn_conf`), the Dockerfile, and plain
`gunicorn 'faq_bot:create_app()'` run from the repository root (through ./gunicorn.conf.py),
so all three start the same server.
"""

from __future__ import annotations

import sys

from faq_bot.config import ConfigError, Settings
from faq_bot.loader import check_faq

try:
    _settings = Settings.from_env()
except ConfigError as exc:
    sys.exit(f"faq-bot: bad setting: {exc}")

# Refuse to start on a bad FAQ with the same message `faq-bot check` prints, before any worker
# (or the preloaded app) tries to load it.
_problems = check_faq(_settings.data_dir, country=_settings.country)
if _problems:
    sys.exit("faq-bot: the FAQ has problems; the server will not start:\n"
             + "\n".join(f"  {p}" for p in _problems))

bind = [f"{_settings.host}:{_settings.port}"]
workers = _settings.worker_count
worker_class = "sync"
timeout = _settings.timeout
graceful_timeout = 10
keepalive = 5
# The FAQ is loaded and checked once in the master; workers share it copy-on-write.
preload_app = True
max_requests = 10000
max_requests_jitter = 1000
# Request bodies are small JSON; large headers are refused early.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level
access_log_format = (
    '{"time": "%(t)s", "remote": "%(h)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "agent": "%(a)s"}'
)
proc_name = "faq-bot"
