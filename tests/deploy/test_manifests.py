"""The deployment files: docker-compose.yml, deploy/Dockerfile and deploy/k8s/.

No Docker engine or cluster is needed: the compose file is checked for its structure (services,
health checks, start order, volumes, settings), the Dockerfile is parsed into its stages, and
every Kubernetes object is validated, offline, against the Kubernetes JSON schemas that the
`kubernetes-validate` package ships (strict: unknown fields fail), then checked for how the
objects refer to each other (probes, security, Services, autoscalers, disruption budgets).
"""

from __future__ import annotations

import base64
import json
import os
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
K8S_DIR = ROOT / "deploy" / "k8s"

ROLES = ("grants", "projections", "relay", "notifications")
API_ROLES = ("grants", "projections")
SINGLE_ACTIVE_ROLES = ("projections", "relay")
INFRASTRUCTURE = ("postgres", "kafka", "kafka-topics", "mailpit")
TOPICS = ("toegang.events.v1", "toegang.notifications.v1", "toegang.notifications.dlq.v1")
PORT = 8000
UID = 10001

SECRET_NAME = "toegang-secrets"
SECRET_KEYS = ("TOEGANG_DATABASE_URL", "TOEGANG_API_TOKENS", "TOEGANG_TOKEN_KEY")
TOKEN_KEY_ROLES = ("grants", "notifications")  # the roles that derive or rebuild mailed links
# The oldest Kubernetes the manifests are written for, and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30", kubernetes_validate.utils.latest_version())

BUILD_TOOLS = ("build-essential", "gcc", "g++", "clang", "make ", "libpq-dev", "python3-dev")

INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")


def role_command(role: str) -> list[str]:
    return ["serve", role, "--host", "0.0.0.0", "--port", str(PORT)]


def setting_field(name: str) -> str:
    """`TOEGANG_KAFKA_BOOTSTRAP` -> `kafka_bootstrap`: the Settings field it sets."""
    assert name.startswith("TOEGANG_"), name
    return name.removeprefix("TOEGANG_").lower()


def settings_from_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str]
) -> Settings:
    """What a process started with exactly these TOEGANG_ variables would read."""
    for name in [n for n in os.environ if n.startswith("TOEGANG_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return load_settings()


# --- docker-compose.yml -----------------------------------------------------------------------


def interpolate(value: str) -> str:
    """Compose's `${VAR:-default}` with no variable set, and `$$` for a literal `$`."""
    return INTERPOLATION.sub(lambda m: m.group(2) or "", value).replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = compose["services"]
    return found


def compose_environment(service: dict[str, Any]) -> dict[str, str]:
    environment = service.get("environment", {})
    assert isinstance(environment, dict), "environment as a mapping, not a list"
    return {name: interpolate(str(value)) for name, value in environment.items()}


def test_compose_has_the_infrastructure_and_the_four_roles(
    services: dict[str, dict[str, Any]],
) -> None:
    assert set(services) >= {*INFRASTRUCTURE, *ROLES}


def test_compose_uses_the_official_infrastructure_images(
    services: dict[str, dict[str, Any]],
) -> None:
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka-topics"]["image"] == services["kafka"]["image"]
    assert services["mailpit"]["image"].startswith("axllent/mailpit")


def test_every_long_running_service_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        if service.get("restart") == "no":  # a one-shot step: it finishes, it is not healthy
            continue
        test = service.get("healthcheck", {}).get("test")
        assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name} has no healthcheck"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    kafka_check = services["kafka"]["healthcheck"]["test"]
    assert "/opt/kafka/bin/kafka-topics.sh" in kafka_check
    assert "--list" in kafka_check
    assert services["mailpit"]["healthcheck"]["test"][1:] == ["/mailpit", "readyz"]


def pairs(value: str, separator: str) -> dict[str, str]:
    """`A://:1,B://:2` -> {"A": ":1", "B": ":2"}: Kafka's comma-separated name/value lists."""
    return {name: rest for name, _, rest in (e.partition(separator) for e in value.split(","))}


def test_kafka_is_a_single_kraft_node(services: dict[str, dict[str, Any]]) -> None:
    env = compose_environment(services["kafka"])
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    node_id = env["KAFKA_NODE_ID"]
    controller = env["KAFKA_CONTROLLER_LISTENER_NAMES"]
    listeners = pairs(env["KAFKA_LISTENERS"], "://")
    assert controller in listeners
    controller_port = listeners[controller].rsplit(":", 1)[1]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{node_id}@kafka:{controller_port}"
    protocols = pairs(env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"], ":")
    assert set(listeners) <= set(protocols)
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert env["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] == "1"
    # The image refuses to start KRaft without a cluster id: a base64 (url) UUID, 16 bytes.
    assert len(base64.urlsafe_b64decode(env["CLUSTER_ID"] + "==")) == 16


def test_the_topic_step_creates_the_three_topics_as_configured(
    services: dict[str, dict[str, Any]],
) -> None:
    step = services["kafka-topics"]
    script = "\n".join([*step.get("entrypoint", []), *step["command"]])
    for topic in TOPICS:
        assert topic in script
    assert "--create --if-not-exists" in script
    assert "--partitions ${TOEGANG_KAFKA_PARTITIONS:-3}" in script
    assert "--replication-factor ${KAFKA_REPLICATION:-1}" in script
    assert step["depends_on"] == {"kafka": {"condition": "service_healthy"}}
    assert step["restart"] == "no"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_built_from_the_dockerfile_and_runs_its_command(
    role: str, compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    service = services[role]
    assert service["build"] == {"context": ".", "dockerfile": "deploy/Dockerfile"}
    assert (COMPOSE_FILE.parent / service["build"]["context"] / "deploy/Dockerfile").is_file()
    assert service["command"] == role_command(role)
    # The same mapping object: the roles share the `x-toegang-env` anchor, not copies of it.
    assert service["environment"] is compose["x-toegang-env"]
    assert service["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "kafka": {"condition": "service_healthy"},
        "kafka-topics": {"condition": "service_completed_successfully"},
        "mailpit": {"condition": "service_healthy"},
    }
    assert f"127.0.0.1:{PORT}/healthz" in " ".join(service["healthcheck"]["test"])


def test_the_roles_share_one_image(services: dict[str, dict[str, Any]]) -> None:
    assert len({services[role]["image"] for role in ROLES}) == 1


@pytest.mark.parametrize("role", API_ROLES)
def test_the_api_roles_run_two_replicas(role: str, services: dict[str, dict[str, Any]]) -> None:
    assert services[role]["deploy"]["replicas"] == 2


def test_every_dependency_has_the_condition_it_waits_for(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on with conditions"
        for target, rule in depends_on.items():
            assert target in services, f"{name} depends on unknown {target}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no healthcheck"
            else:
                assert rule["condition"] == "service_completed_successfully"
                assert services[target].get("restart") == "no", f"{target} is no one-shot"


def test_data_lives_in_named_volumes(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    declared = set(compose["volumes"])
    used: dict[str, str] = {}
    for service in services.values():
        for volume in service.get("volumes", []):
            source, target = volume.split(":")[:2]
            assert not source.startswith((".", "/", "~")), f"bind mount {volume}"
            used[target] = source
    assert set(used.values()) == declared
    assert used["/var/lib/postgresql/data"] in declared
    assert used[compose_environment(services["kafka"])["KAFKA_LOG_DIRS"]] in declared


def test_published_host_ports_do_not_collide(services: dict[str, dict[str, Any]]) -> None:
    published: list[int] = []
    for service in services.values():
        for mapping in service.get("ports", []):
            host = str(mapping).rsplit(":", 1)[0].rsplit(":", 1)[-1]
            first, _, last = host.partition("-")
            count = int(last or first) - int(first) + 1
            assert count >= service.get("deploy", {}).get("replicas", 1), mapping
            published += range(int(first), int(first) + count)
    assert len(published) == len(set(published))


def test_the_database_url_matches_the_postgres_service(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    postgres = compose_environment(services["postgres"])
    url = interpolate(compose["x-toegang-env"]["TOEGANG_DATABASE_URL"])
    user, password, database = (
        postgres["POSTGRES_USER"],
        postgres["POSTGRES_PASSWORD"],
        postgres["POSTGRES_DB"],
    )
    assert url == f"postgresql://{user}:{password}@postgres:5432/{database}"


def test_the_compose_environment_is_valid_settings(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    environment = {n: interpolate(str(v)) for n, v in compose["x-toegang-env"].items()}
    settings = settings_from_environment(monkeypatch, environment)
    assert settings.uses_postgres
    assert settings.kafka_bootstrap == "kafka:9092"
    assert settings.smtp_url == "smtp://mailpit:1025"
    assert settings.api_tokens and any("admin" in s for s in settings.api_tokens.values())
    assert settings.token_key


# --- deploy/Dockerfile ------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def parse_dockerfile(text: str) -> list[list[Instruction]]:
    """The instructions of each build stage, with continuation lines joined."""
    stages: list[list[Instruction]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        pending = ""
        instruction = Instruction(keyword.upper(), " ".join(arguments.split()))
        if instruction.keyword == "FROM":
            stages.append([])
        assert stages, "an instruction before the first FROM"
        stages[-1].append(instruction)
    return stages


@pytest.fixture(scope="module")
def stages() -> list[list[Instruction]]:
    return parse_dockerfile(DOCKERFILE.read_text())


def arguments_of(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.arguments for i in stage if i.keyword == keyword]


def test_the_dockerfile_is_multi_stage_on_python_311_slim(
    stages: list[list[Instruction]],
) -> None:
    assert len(stages) >= 2
    assert stages[0][0].arguments == "python:3.11-slim AS builder"
    assert stages[-1][0].arguments == "python:3.11-slim"


def test_the_builder_builds_a_wheel_and_a_virtual_environment(
    stages: list[list[Instruction]],
) -> None:
    commands = " ".join(arguments_of(stages[0], "RUN"))
    assert "python -m venv /opt/venv" in commands
    assert "pip wheel" in commands
    assert "pip install --no-deps /wheels/toegang-" in commands


def test_the_final_stage_copies_only_the_virtual_environment(
    stages: list[list[Instruction]],
) -> None:
    assert arguments_of(stages[-1], "COPY") == ["--from=builder /opt/venv /opt/venv"]
    assert arguments_of(stages[-1], "ADD") == []


def test_the_final_stage_runs_as_a_non_root_user(stages: list[list[Instruction]]) -> None:
    users = arguments_of(stages[-1], "USER")
    assert users, "no USER in the final stage"
    user, _, group = users[-1].partition(":")
    assert user not in ("root", "0") and group not in ("root", "0")
    assert user == str(UID)
    setup = " ".join(arguments_of(stages[-1], "RUN"))
    assert f"--uid {UID}" in setup


def test_the_final_stage_has_no_build_tools(stages: list[list[Instruction]]) -> None:
    final = " ".join(f"{i.keyword} {i.arguments}" for i in stages[-1]) + " "
    for tool in BUILD_TOOLS:
        assert tool not in final, tool
    assert "apt-get install" not in final
    assert "pip install" not in final


def test_the_image_runs_toegang_with_a_healthcheck(stages: list[list[Instruction]]) -> None:
    final = stages[-1]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    (entrypoint,) = arguments_of(final, "ENTRYPOINT")
    assert json.loads(entrypoint) == ["toegang"]
    assert "toegang" in scripts
    (command,) = arguments_of(final, "CMD")
    assert json.loads(command) == role_command("grants")
    assert arguments_of(final, "EXPOSE") == [str(PORT)]
    (healthcheck,) = arguments_of(final, "HEALTHCHECK")
    options, _, probe = healthcheck.partition(" CMD ")
    assert "--interval=" in options
    probe_args = json.loads(probe)
    assert probe_args[:2] == ["python", "-c"]
    assert "urllib.request" in probe_args[2]
    assert f"http://127.0.0.1:{PORT}/healthz" in probe_args[2]


def test_what_the_dockerfile_copies_from_the_context_exists(
    stages: list[list[Instruction]],
) -> None:
    for stage in stages:
        for arguments in arguments_of(stage, "COPY"):
            if arguments.startswith("--from="):
                continue
            *sources, _ = arguments.split()
            for source in sources:
                assert (ROOT / source).exists(), source


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
            assert reference == {"name": SECRET_NAME, "key": variable["name"]}
        needed = {"TOEGANG_DATABASE_URL", "TOEGANG_API_TOKENS"}
        if role in TOKEN_KEY_ROLES:
            needed.add("TOEGANG_TOKEN_KEY")
        assert set(env_names(deployment)) == needed, role
        assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]


def test_the_configmap_and_secret_keys_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    (config,) = of_kind("ConfigMap")
    placeholders = {
        "TOEGANG_DATABASE_URL": "postgresql://toegang:secret@postgres:5432/toegang",
        "TOEGANG_API_TOKENS": '{"a-token": ["grants:write"]}',
        "TOEGANG_TOKEN_KEY": "ab" * 32,
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
