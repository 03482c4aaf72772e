"""Where the real browser comes from: Debian's Chromium, never a downloaded build. Shared by the
root conftest (the session's one Playwright browser) and the browser tests' own fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def missing(what: str, how: str) -> None:
    """Skip locally with the reason; in CI (env CI set) a missing tool is a failure."""
    message = f"{what} is missing: {how}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
