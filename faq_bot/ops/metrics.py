"""Prometheus metrics at `GET /metrics`: requests, replies, latency, the safety rules that
decided referrals and emergencies, the FAQ and its reloads.

Each app gets its own registry, so apps built by tests never share counts. Under gunicorn the
config sets PROMETHEUS_MULTIPROC_DIR before prometheus_client is imported; every process then
writes its counts to files there and `/metrics` adds up the files of all workers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)

from faq_bot.core.replies import Reply
from faq_bot.ops.observe import Exchange, add_observer
from faq_bot.services import services

bp = Blueprint("metrics", __name__)

# Replies take milliseconds; the upper buckets catch a worker stalled by a reload or the host.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# The reply kinds whose verdict names the rule that decided it (Reply.rule).
SAFETY_KINDS = frozenset({"referral", "emergency"})


_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

def multiprocess_mode() -> bool:
    """True when prometheus_client writes to PROMETHEUS_MULTIPROC_DIR (gunicorn workers)."""
    return bool(getattr(values.ValueClass, "_multiprocess", False))


class Metrics:
    """The service's metrics, registered in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "faq_bot_http_requests", "HTTP requests by method, route template and status.",
            ["method", "route", "status"], registry=r)
        self.latency = Histogram(
            "faq_bot_http_request_duration_seconds", "Time to answer an HTTP request.",
            ["route"], buckets=LATENCY_BUCKETS, registry=r)
        self.replies = Counter(
            "faq_bot_replies", "Replies by kind, safety topic (referral, emergency) and channel.",
            ["kind", "topic", "channel"], registry=r)
        # The rule label is an id from the safety rules shipped with the code
        # (faq_bot/core/safety/rules/*.yaml, "reply.dose-amount", the learned screen's
        # "model.*"): a fixed set of a few hundred, never anything a user typed, so the label
        # set is bounded. "" when a verdict names no rule.
        self.safety_decisions = Counter(
            "faq_bot_safety_decisions",
            "Referral and emergency replies by kind, topic and the id of the rule that decided "
            "them.", ["kind", "topic", "rule"], registry=r)
        # Workers can briefly disagree during a reload; the newest value is the one to show.
        self.faq_entries = Gauge(
            "faq_bot_faq_entries", "Entries in the FAQ currently answering.",
            registry=r, multiprocess_mode="livemostrecent")
        self.reloads = Counter(
            "faq_bot_faq_reloads", "FAQ reloads that were checked and swapped in (per process).",
            registry=r)
        self.failed_reloads = Counter(
            "faq_bot_faq_reload_failures",
            "FAQ reloads refused because the new FAQ had problems (per process).", registry=r)
        # Incremented by faq_bot.curation (write_error, queue_full, rejected, feedback_error).
        self.curation_failures = Counter(
            "faq_bot_curation_failures",
            "Curation records or votes that could not be written, by reason.",
            ["reason"], registry=r)
        self.hook_failures = Counter(
            "faq_bot_hook_failures",
            "Reply hooks (metrics, logs, curation) that raised; the reply was still sent.",
            ["hook"], registry=r)

        # Labelled children, kept per label set: `labels()` validates and locks on every call,
        # and the label sets are few (routes, kinds, channels).
        self._children: dict[tuple[Any, ...], Any] = {}

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def observe_request(self, method: str, route: str, status: int, seconds: float | None) -> None:
        """Count one HTTP request and, when timed, its duration."""
        self._child(self.requests, method, route, str(status)).inc()
        if seconds is not None:
            self._child(self.latency, route).observe(seconds)

    def observe_reply(self, reply: Reply, channel: str) -> None:
        """Count one reply (a Services reply hook), and for a referral or emergency the rule
        that decided it."""
        self._child(self.replies, reply.kind, reply.topic or "", channel).inc()
        if reply.kind in SAFETY_KINDS:
            self._child(self.safety_decisions, reply.kind, reply.topic or "",
                        reply.rule or "").inc()

    def observe_hook_failure(self, hook: str) -> None:
        """Count one reply hook that raised."""
        self._child(self.hook_failures, hook).inc()

    def observe_reload(self, ok: bool, entries: int) -> None:
        """Count one reload outcome and show the entries now answering."""
        (self.reloads if ok else self.failed_reloads).inc()
        self.faq_entries.set(entries)

    def exposition(self) -> bytes:
        """The text format: this app's registry, or every worker's files under gunicorn."""
        if multiprocess_mode():
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


def metrics(app: Flask | None = None) -> Metrics:
    """The Metrics of `app` (default: the current app)."""
    return (app or current_app).extensions["faq_bot.metrics"]


@bp.get("/metrics")
def scrape() -> Response:
    """Prometheus text format."""
    return Response(metrics().exposition(), content_type=CONTENT_TYPE_LATEST)


def _observer(m: Metrics) -> Callable[[Exchange], None]:
    def observe(exchange: Exchange) -> None:
        # Route templates, not paths, keep the label set small; anything unrouted is one value.
        # Made-up methods share one label so a scanner cannot mint new time series.
        method = exchange.method if exchange.method in _METHODS else "other"
        m.observe_request(method, exchange.route or "unmatched", exchange.status,
                          exchange.seconds)
    return observe


def init_app(app: Flask) -> None:
    """Create the app's metrics, observe its requests, replies and reloads, serve /metrics.

    observe.init_app must have run.
    """
    m = Metrics()
    app.extensions["faq_bot.metrics"] = m
    svc = services(app)
    svc.reply_hooks.append(m.observe_reply)
    svc.hook_failure_listeners.append(m.observe_hook_failure)
    store = svc.store
    store.listeners.append(
        lambda ok, _error: m.observe_reload(ok, len(store.current.faq.entries)))
    m.faq_entries.set(len(store.current.faq.entries))
    add_observer(app, _observer(m))
    app.register_blueprint(bp)
