"""Gunicorn settings, from the same environment variables as everything else.

Used by `faq-bot serve` (`-c python:faq_bot.server.conf`), the Dockerfile, and plain
`gunicorn 'faq_bot:create_app()'` run from the repository root (through ./gunicorn.conf.py),
so all three start the same server.
"""

from __future__ import annotations

import sys

from faq_bot.config import ConfigError, Settings
from faq_bot.core.faq.loader import check_faq
from faq_bot.server import hooks
from faq_bot.server.hooks import child_exit, on_exit, on_reload, pre_fork  # noqa: F401 (hooks)

try:
    _settings = Settings.from_env()
except ConfigError as exc:
    sys.exit(f"faq-bot: bad setting: {exc}")

# Refuse to start on a bad FAQ with the same message `faq-bot check` prints, before any worker
# (or the preloaded app) tries to load it. Only at start: gunicorn runs a config file again on
# SIGHUP, and a bad FAQ then is refused by on_reload while the last good one keeps answering.
if hooks.first_load():
    _problems = check_faq(_settings.data_dir, country=_settings.country,
                          cache_dir=_settings.cache_dir)
    if _problems:
        sys.exit("faq-bot: the FAQ has problems; the server will not start:\n"
                 + "\n".join(f"  {p}" for p in _problems))
    hooks.prepare_metrics_dir(_settings)
    hooks.hide_server_version()

bind = [f"{_settings.host}:{_settings.port}"]
workers = _settings.worker_count
# gunicorn's sync worker, but its own refusals (431, 414, 400 before the app) are JSON.
worker_class = "faq_bot.server.worker.JsonErrorWorker"
timeout = _settings.timeout
graceful_timeout = 10
keepalive = 5
# The FAQ is loaded and checked once in the master; workers share it copy-on-write.
preload_app = True
# A safety net against slow leaks (memory stays flat under `make load`); a recycled worker
# starts with cold caches, so it is rare, and jittered so workers do not restart together.
max_requests = _settings.max_requests
max_requests_jitter = _settings.max_requests // 10
# Request bodies are small JSON; large headers are refused early.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190
# The app writes one JSON line per request (faq_bot.ops.logs: request id, reply kind, no question
# text); gunicorn's access log would only repeat it with less, so it is off.
accesslog = None
errorlog = "-"
loglevel = _settings.log_level
proc_name = "faq-bot"
# Gunicorn's runtime control socket (a file under $HOME) is not used; one less way in.
control_socket_disable = True
