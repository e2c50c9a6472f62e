"""deploy/k8s/: every object validated offline against the Kubernetes JSON schemas that the
`kubernetes-validate` package ships (strict: unknown fields fail), then checked for how the
objects refer to each other (probes, security, Services, autoscalers, disruption budgets); and
every TOEGANG_ variable any deployment file names is a setting.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.settings import Settings
from tests.deploy.manifest_support import (
    API_ROLES,
    COMPOSE_FILE,
    DECISION_KEY_ROLES,
    DOCKERFILE,
    INTERPOLATION,
    K8S_DIR,
    KUBERNETES_VERSIONS,
    PORT,
    ROLES,
    SECRET_KEYS,
    SECRET_NAME,
    SINGLE_ACTIVE_ROLES,
    TOKEN_KEY_ROLES,
    UID,
    role_command,
    setting_field,
    settings_from_environment,
)

# --- deploy/k8s/ ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    path: Path
    body: dict[str, Any]

    @property
    def kind(self) -> str:
        kind: str = self.body["kind"]
        return kind

    @property
    def name(self) -> str:
        name: str = self.body["metadata"]["name"]
        return name

    def __str__(self) -> str:
        return f"{self.path.name}:{self.kind}/{self.name}"


def load_manifests() -> list[Manifest]:
    manifests = [
        Manifest(path, document)
        for path in sorted(K8S_DIR.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]
    assert manifests, f"no manifests in {K8S_DIR}"
    return manifests


MANIFESTS = load_manifests()


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [m.body for m in MANIFESTS if m.kind == kind]


def role_of(deployment: dict[str, Any]) -> str:
    role: str = deployment["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
    return role


def deployments() -> dict[str, dict[str, Any]]:
    return {role_of(d): d for d in of_kind("Deployment")}


def container_of(deployment: dict[str, Any]) -> dict[str, Any]:
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    found: dict[str, Any] = container
    return found


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def selected_roles(selector: dict[str, str]) -> list[str]:
    return [
        role
        for role, deployment in deployments().items()
        if selects(selector, deployment["spec"]["template"]["metadata"]["labels"])
    ]


def env_names(deployment: dict[str, Any]) -> Iterator[str]:
    for variable in container_of(deployment).get("env", []):
        yield variable["name"]


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("manifest", MANIFESTS, ids=str)
def test_manifest_is_valid_against_the_kubernetes_schema(manifest: Manifest, version: str) -> None:
    try:
        kubernetes_validate.validate(manifest.body, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(p) for p in error.path)
        pytest.fail(f"{manifest} against Kubernetes {version}: {path}: {error.message}")


def test_the_validator_rejects_what_kubernetes_would() -> None:
    """The schema check is real: a misspelt field or a wrong type fails, offline."""
    deployment = json.loads(json.dumps(deployments()["grants"]))
    container = container_of(deployment)
    container["readinessProbe"]["httpGet"]["paht"] = "/readyz"
    with pytest.raises(jsonschema.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)
    del container["readinessProbe"]["httpGet"]["paht"]
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(jsonschema.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


def test_every_object_lives_in_the_toegang_namespace() -> None:
    (namespace,) = of_kind("Namespace")
    for manifest in MANIFESTS:
        if manifest.kind != "Namespace":
            assert manifest.body["metadata"]["namespace"] == namespace["metadata"]["name"]


def test_one_deployment_per_role_running_that_role() -> None:
    found = deployments()
    assert sorted(found) == sorted(ROLES)
    assert len({container_of(d)["image"] for d in found.values()}) == 1
    for role, deployment in found.items():
        assert deployment["metadata"]["name"] == f"toegang-{role}"
        assert container_of(deployment)["args"] == role_command(role)
        assert selects(
            deployment["spec"]["selector"]["matchLabels"],
            deployment["spec"]["template"]["metadata"]["labels"],
        )


@pytest.mark.parametrize("role", ROLES)
def test_probes_ask_readyz_for_readiness_and_healthz_for_liveness(role: str) -> None:
    container = container_of(deployments()[role])
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": PORT}
    expected = {
        "readinessProbe": "/readyz",
        "livenessProbe": "/healthz",
        "startupProbe": "/healthz",
    }
    for probe, path in expected.items():
        assert container[probe]["httpGet"] == {"path": path, "port": "http"}, probe


@pytest.mark.parametrize("role", ROLES)
def test_pods_run_non_root_read_only_without_capabilities(role: str) -> None:
    pod = deployments()[role]["spec"]["template"]["spec"]
    container = container_of(deployments()[role])
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == UID  # the Dockerfile's USER
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    # With a read-only root, what is written goes to emptyDir volumes: /tmp and the data dir.
    (config,) = of_kind("ConfigMap")
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    for path in ("/tmp", config["data"]["TOEGANG_DATA_DIR"]):  # noqa: S108 - mount paths
        assert "emptyDir" in volumes[mounts[path]], path


@pytest.mark.parametrize("role", ROLES)
def test_containers_request_and_limit_resources(role: str) -> None:
    resources = container_of(deployments()[role])["resources"]
    for bound in ("requests", "limits"):
        assert set(resources[bound]) == {"cpu", "memory"}, bound


def test_secrets_are_referenced_never_committed() -> None:
    assert of_kind("Secret") == []
    (config,) = of_kind("ConfigMap")
    assert not set(config["data"]) & set(SECRET_KEYS)
    for role, deployment in deployments().items():
        container = container_of(deployment)
        for variable in container["env"]:
            reference = variable["valueFrom"]["secretKeyRef"]
            optional = variable["name"] == "TOEGANG_DECISION_KEY"  # needed only with the log on
            expected = {"name": SECRET_NAME, "key": variable["name"]}
            assert reference == ({**expected, "optional": True} if optional else expected)
        needed = {"TOEGANG_DATABASE_URL", "TOEGANG_API_TOKENS"}
        if role in TOKEN_KEY_ROLES:
            needed.add("TOEGANG_TOKEN_KEY")
        if role in DECISION_KEY_ROLES:
            needed.add("TOEGANG_DECISION_KEY")
        assert set(env_names(deployment)) == needed, role
        assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]


def test_the_configmap_and_secret_keys_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    (config,) = of_kind("ConfigMap")
    placeholders = {
        "TOEGANG_DATABASE_URL": "postgresql://toegang:secret@postgres:5432/toegang",
        "TOEGANG_API_TOKENS": '{"a-token": ["grants:write"]}',
        "TOEGANG_TOKEN_KEY": "ab" * 32,
        "TOEGANG_DECISION_KEY": "cd" * 32,
    }
    settings = settings_from_environment(monkeypatch, {**config["data"], **placeholders})
    assert settings.kafka_bootstrap and settings.smtp_url


@pytest.mark.parametrize("role", API_ROLES)
def test_services_send_traffic_to_their_role(role: str) -> None:
    (service,) = [s for s in of_kind("Service") if s["metadata"]["name"] == f"toegang-{role}"]
    assert selected_roles(service["spec"]["selector"]) == [role]
    port_names = {p["name"] for p in container_of(deployments()[role])["ports"]}
    for port in service["spec"]["ports"]:
        assert port["targetPort"] in port_names


def test_only_the_api_roles_have_services_and_autoscalers() -> None:
    for kind in ("Service", "HorizontalPodAutoscaler"):
        names = sorted(body["metadata"]["name"] for body in of_kind(kind))
        assert names == sorted(f"toegang-{role}" for role in API_ROLES), kind


@pytest.mark.parametrize("role", API_ROLES)
def test_autoscalers_target_their_deployment(role: str) -> None:
    deployment = deployments()[role]
    (hpa,) = [h for h in of_kind("HorizontalPodAutoscaler") if h["metadata"]["name"].endswith(role)]
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": deployment["apiVersion"],
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert 2 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    assert hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"]
    assert deployment["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert "cpu" in container_of(deployment)["resources"]["requests"]  # utilisation needs it


def test_every_deployment_has_exactly_one_disruption_budget() -> None:
    covered = [
        role
        for pdb in of_kind("PodDisruptionBudget")
        for role in selected_roles(pdb["spec"]["selector"]["matchLabels"])
    ]
    assert sorted(covered) == sorted(ROLES)
    for pdb in of_kind("PodDisruptionBudget"):
        (role,) = selected_roles(pdb["spec"]["selector"]["matchLabels"])
        assert pdb["metadata"]["name"] == f"toegang-{role}"
        assert ("minAvailable" in pdb["spec"]) != ("maxUnavailable" in pdb["spec"])


@pytest.mark.parametrize("role", SINGLE_ACTIVE_ROLES)
def test_single_active_roles_run_a_standby_and_say_why(role: str) -> None:
    deployment = deployments()[role]
    assert deployment["spec"]["replicas"] == 2
    (path,) = {m.path for m in MANIFESTS if m.body is deployment}
    assert "PostgreSQL advisory lock" in path.read_text()


def test_every_projections_replica_serves_so_rollouts_keep_capacity() -> None:
    """Followers answer queries (only the lock holder writes): a rollout never drops them all."""
    strategy = deployments()["projections"]["spec"]["strategy"]
    assert strategy["rollingUpdate"]["maxUnavailable"] == 0


# --- settings named anywhere ------------------------------------------------------------------


def named_settings(compose: dict[str, Any]) -> set[str]:
    """Every TOEGANG_ variable the deployment files set or interpolate."""
    names: set[str] = set(compose["x-toegang-env"])
    for service in compose["services"].values():
        names |= {n for n in service.get("environment", {}) if n.startswith("TOEGANG_")}
    names |= {
        m.group(1)
        for m in INTERPOLATION.finditer(COMPOSE_FILE.read_text())
        if m.group(1).startswith("TOEGANG_")
    }
    names |= set(re.findall(r"\bTOEGANG_[A-Z_]+\b", DOCKERFILE.read_text()))
    for config in of_kind("ConfigMap"):
        names |= set(config["data"])
    for deployment in of_kind("Deployment"):
        names |= set(env_names(deployment))
    return names


def test_every_toegang_variable_is_a_setting(compose: dict[str, Any]) -> None:
    names = named_settings(compose)
    assert {"TOEGANG_DATABASE_URL", "TOEGANG_KAFKA_BOOTSTRAP", "TOEGANG_SMTP_URL"} <= names
    unknown = sorted(n for n in names if setting_field(n) not in Settings.model_fields)
    assert unknown == [], f"not fields of services.settings.Settings: {unknown}"
