"""The deployment files parse and agree with the app: probe paths that exist, one port
everywhere, known settings with valid values, the image of this version, non-root pods."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskClient

from faq_bot.config import Settings

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
K8S = DEPLOY / "k8s"


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _kind(kind: str, name: str | None = None) -> dict[str, Any]:
    found = [d for p in sorted(K8S.glob("*.yaml")) for d in _docs(p)
             if d.get("kind") == kind and (name is None or d["metadata"]["name"] == name)]
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def deployment() -> dict[str, Any]:
    """The app's Deployment."""
    return _kind("Deployment", "faq-bot")


@pytest.fixture(scope="module")
def container(deployment: dict[str, Any]) -> dict[str, Any]:
    """The app's container in the Deployment."""
    (c,) = deployment["spec"]["template"]["spec"]["containers"]
    return c


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    """deploy/docker-compose.yml."""
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container["env"] if "value" in e}


def _version() -> str:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]


@pytest.mark.parametrize("path", sorted([*DEPLOY.rglob("*.yaml"), *DEPLOY.rglob("*.yml")]),
                         ids=lambda p: str(p.relative_to(DEPLOY)))
def test_every_file_parses(path: Path) -> None:
    assert _docs(path)


def test_kustomization_lists_every_manifest() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


def test_probes_use_real_endpoints(container: dict[str, Any], client: FlaskClient) -> None:
    ready, live = container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]
    assert (ready["path"], live["path"]) == ("/readyz", "/healthz")
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    for probe in (ready, live):
        assert probe["port"] == "http"
        assert client.get(probe["path"]).status_code == 200


def test_one_port_everywhere(deployment: dict[str, Any], container: dict[str, Any]) -> None:
    (port,) = container["ports"]
    env = _env(container)
    assert port["name"] == "http"
    assert port["containerPort"] == int(env["FAQ_BOT_PORT"])
    assert env["FAQ_BOT_HOST"] == "0.0.0.0"
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == env["FAQ_BOT_PORT"]
    assert annotations["prometheus.io/path"] == "/metrics"
    service = _kind("Service", "faq-bot")
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()


def test_image_is_this_version(container: dict[str, Any], compose: dict[str, Any]) -> None:
    image = f"faq-bot:{_version()}"
    assert container["image"] == image
    assert compose["services"]["app"]["image"] == image


def test_settings_are_known_and_valid(container: dict[str, Any],
                                      compose: dict[str, Any]) -> None:
    config = (REPO / "faq_bot" / "config.py").read_text()
    compose_env = compose["services"]["app"]["environment"]
    for name in {*(e["name"] for e in container["env"]), *compose_env}:
        assert f'"{name}"' in config, f"{name} is not a setting in faq_bot/config.py"
    plain_compose = {k: str(v) for k, v in compose_env.items() if not str(v).startswith("${")}
    for env in (_env(container), plain_compose):
        settings = Settings.from_env(env)
        # cpu_count() in a container sees the node's cores: the worker count must be explicit.
        assert settings.workers >= 1
        assert settings.ratelimit_storage.startswith("redis://")
        assert settings.trusted_proxies == 1


def test_pods_run_locked_down(deployment: dict[str, Any], container: dict[str, Any]) -> None:
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["automountServiceAccountToken"] is False
    sc = container["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    assert "memory" in container["resources"]["limits"]


def test_faq_comes_from_a_configmap_at_the_data_dir(deployment: dict[str, Any],
                                                    container: dict[str, Any]) -> None:
    env = _env(container)
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"]["volumes"]}
    faq_mount = mounts[env["FAQ_BOT_DATA_DIR"]]
    assert faq_mount.get("readOnly") is True and "subPath" not in faq_mount  # updates arrive
    configmap = volumes[faq_mount["name"]]["configMap"]["name"]
    script = (K8S / "faq-configmap.sh").read_text()
    assert f"create configmap {configmap} " in script
    assert "faq-bot check" in script
    # The root filesystem is read-only: the metrics files and instance folder need the tmp mount.
    writable = [p for p, m in mounts.items() if "emptyDir" in volumes[m["name"]]]
    for path in (env["PROMETHEUS_MULTIPROC_DIR"], env["FAQ_BOT_INSTANCE_DIR"]):
        assert any(path.startswith(w.rstrip("/") + "/") for w in writable), path


def test_autoscaler_targets_the_deployment() -> None:
    hpa = _kind("HorizontalPodAutoscaler", "faq-bot")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": "faq-bot"}
    assert 2 <= hpa["minReplicas"] < hpa["maxReplicas"]
    (target,) = hpa["metrics"]
    assert target["resource"]["name"] == "cpu"


def test_app_and_redis_agree_on_the_redis_address(container: dict[str, Any]) -> None:
    redis_service = _kind("Service", "faq-bot-redis")
    port = redis_service["spec"]["ports"][0]["port"]
    assert _env(container)["FAQ_BOT_RATELIMIT_STORAGE"] == f"redis://faq-bot-redis:{port}/0"


def test_compose_wires_nginx_app_and_redis(compose: dict[str, Any]) -> None:
    services = compose["services"]
    env = services["app"]["environment"]
    assert services["app"]["deploy"]["replicas"] >= 2
    assert env["FAQ_BOT_RATELIMIT_STORAGE"].startswith("redis://redis:")
    assert "/readyz" in " ".join(services["app"]["healthcheck"]["test"])
    nginx = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"server app:(\d+)", nginx)
    assert upstream and upstream.group(1) == env["FAQ_BOT_PORT"]
    listen = re.search(r"listen (\d+);", nginx)
    assert listen and f":{listen.group(1)}" in services["nginx"]["ports"][0]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    # The app believes one proxy hop because nginx is exactly that hop.
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in nginx
    assert "server_tokens off;" in nginx
    assert re.search(r"location = /metrics \{\s*return 404;", nginx)
    mount = services["app"]["volumes"][0]
    assert mount.split(":")[1] == env["FAQ_BOT_DATA_DIR"]


def test_the_dockerfile_exposes_the_port_the_manifests_use(container: dict[str, Any]) -> None:
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=str(REPO / "Dockerfile"))
    exposed = " ".join(i["value"] for i in parser.structure if i["instruction"] == "EXPOSE")
    ports = [p.split("/")[0] for p in exposed.split()]
    assert ports, "the Dockerfile has no EXPOSE line"
    assert _env(container)["FAQ_BOT_PORT"] in ports
