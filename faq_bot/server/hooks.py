"""What gunicorn's master does around the app: the one-time start-up work, FAQ reloads before
workers are forked, and the metric files of workers that have died.

With preload_app the master holds the FAQ that every new worker starts from, so on SIGHUP (and
before each fork) the master checks the FAQ again: a good one is swapped in for the next
workers, a bad one is refused and the last good FAQ, with the reason, is what they inherit.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from faq_bot.config import Settings

SERVER_NAME = "faq-bot"

_state: dict[str, Any] = {"loaded": False, "own_metrics_dir": None}


def first_load() -> bool:
    """True only the first time it is called in this process.

    Gunicorn executes a config *file* again on SIGHUP; the start-up checks, which exit on a bad
    FAQ, must not run then and stop the master.
    """
    first = not _state["loaded"]
    _state["loaded"] = True
    return first


def hide_server_version() -> None:
    """Send `Server: faq-bot` instead of gunicorn's name."""
    import gunicorn.http.wsgi

    gunicorn.http.wsgi.SERVER = SERVER_NAME  # type: ignore[attr-defined]


def prepare_metrics_dir(settings: Settings) -> Path:
    """Point prometheus_client at a clean directory shared by all workers (made when unset)."""
    if "prometheus_client" in sys.modules:
        warnings.warn("prometheus_client was imported before PROMETHEUS_MULTIPROC_DIR was set; "
                      "/metrics will show one worker's counts", RuntimeWarning, stacklevel=2)
    path = settings.metrics_dir
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="faq-bot-metrics-"))
        _state["own_metrics_dir"] = path
    else:
        path.mkdir(parents=True, exist_ok=True)
        # Counts left by an earlier run would be added to this one's.
        for stale in path.glob("*.db"):
            stale.unlink(missing_ok=True)
    # prometheus_client reads its own variable; it must be set before the app imports it.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(path)
    return path


def _store(server: Any) -> Any:
    app = getattr(server.app, "callable", None)  # the app preloaded in the master, if any
    services = getattr(app, "extensions", {}).get("faq_bot") if app is not None else None
    return services.store if services is not None else None


def on_reload(server: Any) -> None:
    """SIGHUP: check the FAQ again in the master before the new workers are forked from it."""
    store = _store(server)
    if store is not None:
        server.log.info("SIGHUP: checking the FAQ in %s", store.data_dir)
        store.poll(force=True)


def pre_fork(server: Any, worker: Any) -> None:
    """Before a fork: pick up a changed FAQ so a new worker starts from the newest good one."""
    store = _store(server)
    if store is not None and store.reload_interval:
        store.poll()
    # The preloaded FAQ and engine never die: frozen, the worker's collector neither scans them
    # (a full collection of that heap stalls a reply for tens of milliseconds) nor writes to
    # their pages, which would copy the shared memory into every worker.
    gc.freeze()


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: drop its live gauges from the shared metrics."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """The master stops: remove the metrics directory it made for itself."""
    own = _state["own_metrics_dir"]
    if own is not None:
        shutil.rmtree(own, ignore_errors=True)
