"""Contract fuzzing with schemathesis: requests generated from the live service's /openapi.json
(valid ones and deliberately invalid ones) against real gunicorn on loopback, rate limit off.

Every response must have a documented status, the documented content type and a body that
matches the documented schema; no 5xx; valid requests are answered 200 and invalid ones are
refused with one of the contract's 4xx. `make test` runs a bounded number of examples per
operation; `make fuzz` sets FUZZ_EXAMPLES much higher.

The `st run` command line is used rather than the pytest plugin: its lazy fixture loader does
not run under pytest 9, and the command line runs every phase (explicit examples, boundary
coverage, random fuzzing) exactly as an operator would run it against a deployment.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_live import Gunicorn, start_gunicorn

from faq_bot.channels.openapi import spec

ST = Path(sys.executable).parent / "st"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
# Generous for the bounded run (a few seconds here); the long run scales with the examples.
RUN_TIMEOUT = 60 + EXAMPLES * 0.1

# What the contract says a refusal of bad input is: 400, 413 (too long), 415 (not JSON). A
# valid request must get its reply (or, for feedback on a reply id that was never issued, 404),
# not merely "not an error".
CONFIG = """\
[checks.negative_data_rejection]
expected-statuses = ["400", "413", "415"]

[checks.positive_data_acceptance]
expected-statuses = ["200", "204", "404"]
"""
# Curation on, so feedback goes through the real store rather than answering "off".
SERVER = {"FAQ_BOT_CURATION": "on", "FAQ_BOT_RATELIMIT": "off", "FAQ_BOT_RELOAD_INTERVAL": "0"}


def run_schemathesis(base: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """`st run` against `base`/openapi.json with every check on; bounded in time."""
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG)
    cmd = [str(ST), "--config-file", str(config), "--no-color", "run", f"{base}/openapi.json",
           "--checks", "all", "--phases", "examples,coverage,fuzzing",
           "--max-examples", str(EXAMPLES), "--request-timeout", "5", "--workers", "2",
           "--generation-database", "none", "--output-truncate", "false"]
    # cwd: schemathesis may write reports and caches; none of them belong in the repository.
    return subprocess.run(cmd, cwd=workdir, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT, stdin=subprocess.DEVNULL, check=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """Real gunicorn, two workers, curation on (a fresh SQLite store), no rate limit."""
    server = start_gunicorn(tmp_path_factory.mktemp("st"), SERVER, workers=2)
    yield server
    server.stop()


def test_the_live_document_is_the_apps_spec(server: Gunicorn) -> None:
    assert server.get("/openapi.json").json() == spec()


def test_every_generated_request_keeps_the_contract(server: Gunicorn, tmp_path: Path) -> None:
    result = run_schemathesis(server.url, tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode == 0, (out[-12000:] + "\n--- gunicorn stderr (tail) ---\n"
                                    + server.stderr()[-4000:])
    operations = len([m for path in spec()["paths"].values() for m in path])
    assert re.search(rf"Operations:\s+{operations} selected / {operations} total", out), \
        out[-3000:]
    assert re.search(rf"Tested: {operations}\b", out), out[-3000:]
    generated = re.search(r"(\d+) generated", out)
    assert generated and int(generated.group(1)) >= 2 * operations, out[-3000:]
