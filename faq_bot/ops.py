"""Operations: metrics, request logs, rate limits, security headers, FAQ reload (issue 6).
Not wired yet."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Install the operational hooks on `app` (called after the blueprints are registered)."""
