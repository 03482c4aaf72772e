"""The container image, checked without a Docker daemon: the Dockerfile's instructions, the
build context, the wheel it installs (which must carry the FAQ), and its CMD and HEALTHCHECK
run for real on this machine."""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser
from live import REPO, run_to_exit, running, server_env
from ports import free_port

DATA_FILES = ("faq.yaml", "policy.yaml", "article.yaml", "sources.yaml", "article.txt")


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    """The parsed Dockerfile."""
    return DockerfileParser(path=str(REPO / "Dockerfile"))


@pytest.fixture(scope="module")
def stages(dockerfile: DockerfileParser) -> list[list[dict[str, Any]]]:
    """The instructions of each stage, comments left out."""
    out: list[list[dict[str, Any]]] = []
    for item in dockerfile.structure:
        if item["instruction"] == "FROM":
            out.append([])
        if item["instruction"] != "COMMENT" and out:
            out[-1].append(item)
    return out


def values(stage: list[dict[str, Any]], instruction: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == instruction]


def ignore_patterns() -> list[str]:
    lines = (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip().rstrip("/") for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore keeps `path` (relative to the context) out of the build context."""
    parts = Path(path).parts
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        if any(fnmatch.fnmatch(p, pattern) or fnmatch.fnmatch(Path(p).name, bare)
               for p in prefixes):
            return True
    return False


def healthcheck_command(stage: list[dict[str, Any]]) -> list[str]:
    (value,) = values(stage, "HEALTHCHECK")
    return json.loads(value[value.index("CMD") + 3:].strip())


def test_every_stage_uses_a_slim_python_base(dockerfile: DockerfileParser) -> None:
    assert dockerfile.baseimage.startswith("python:3.11-slim")
    assert all(image.startswith("python:3.") and "-slim" in image
               for image in dockerfile.parent_images)


def test_the_service_runs_as_an_unprivileged_user(stages: list[list[dict[str, Any]]]) -> None:
    users = values(stages[-1], "USER")
    assert users, "the final stage needs a USER"
    assert users[-1].split(":")[0] not in {"root", "0"}
    final = [i["instruction"] for i in stages[-1]]
    assert final.index("USER") < final.index("CMD")


def test_the_command_is_gunicorn_with_the_package_settings(
        dockerfile: DockerfileParser, stages: list[list[dict[str, Any]]]) -> None:
    assert not values(stages[-1], "ENTRYPOINT")
    cmd = json.loads(dockerfile.cmd)
    assert cmd == ["gunicorn", "-c", "python:faq_bot.server.conf", "faq_bot:create_app()"]


def test_it_listens_on_all_interfaces_on_the_exposed_port(dockerfile: DockerfileParser,
                                                          stages: list[list[dict[str, Any]]]
                                                          ) -> None:
    env = dockerfile.envs
    assert env["FAQ_BOT_HOST"] == "0.0.0.0"
    assert values(stages[-1], "EXPOSE") == [env.get("FAQ_BOT_PORT", "8000")]


def test_the_healthcheck_probes_healthz_without_curl(stages: list[list[dict[str, Any]]]) -> None:
    command = healthcheck_command(stages[-1])
    assert command[0] == "python"
    assert "/healthz" in command[-1]
    assert "curl" not in " ".join(command)


def test_the_faq_is_built_in_without_dev_dependencies(stages: list[list[dict[str, Any]]]
                                                      ) -> None:
    copied = " ".join(v for stage in stages for v in values(stage, "COPY"))
    assert "faq_data" in copied
    runs = " ".join(v for stage in stages for v in values(stage, "RUN"))
    assert "pip install ." in runs
    assert "[dev]" not in runs


def test_the_build_context_has_what_is_copied_and_nothing_else(
        stages: list[list[dict[str, Any]]]) -> None:
    patterns = ignore_patterns()
    for must_go in (".venv", ".git", "tests", "node_modules", "test-artifacts", ".pytest_cache",
                    ".ruff_cache", ".hypothesis", "tests/browser/node_modules",
                    "faq_bot/__pycache__"):
        assert ignored(must_go, patterns), f".dockerignore must exclude {must_go}"
    for stage in stages:
        for value in values(stage, "COPY"):
            if value.startswith("--from"):
                continue
            for source in value.split()[:-1]:
                assert (REPO / source).exists(), f"COPY {source}: not in the repository"
                assert not ignored(source.rstrip("/"), patterns), f"COPY {source} is ignored"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip install .` builds, as the image's build stage does."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                             str(out), str(REPO)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (built,) = out.glob("faq_bot-*.whl")
    return built


def test_the_wheel_carries_the_faq(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in DATA_FILES:
        assert f"faq_bot/faq_data/{name}" in names
    assert not any(n.startswith(("tests/", "bench/")) for n in names)


def test_an_installed_copy_finds_its_bundled_faq(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "import faq_bot.config as config, faq_bot.core.faq.loader as loader; "
            "faq = loader.load_faq(config.bundled_data_dir()); "
            "print(json.dumps([loader.__file__, str(config.bundled_data_dir()), "
            "len(faq.entries)]))")
    result = subprocess.run([sys.executable, "-c", code, str(site)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    module, data_dir, entries = json.loads(result.stdout)
    assert Path(module).is_relative_to(site), "the test must import the unpacked wheel"
    assert Path(data_dir) == site / "faq_bot" / "faq_data"
    assert entries > 0


@pytest.mark.e2e
def test_the_image_command_serves_and_its_healthcheck_passes(
        dockerfile: DockerfileParser, stages: list[list[dict[str, Any]]], tmp_path: Path) -> None:
    # The image's own CMD and HEALTHCHECK, run here on loopback (this venv stands in for the
    # image's /opt/faq-bot).
    cmd = json.loads(dockerfile.cmd)
    probe = healthcheck_command(stages[-1])
    port = free_port()
    env = server_env(port, tmp_path)
    with running(cmd, env, tmp_path, tmp_path / "server.log"):
        healthy = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=30)
        assert healthy.returncode == 0, healthy.stderr
    down = run_to_exit(probe, env, tmp_path)
    assert down.returncode != 0
