"""docker-compose.yml, checked for its structure with no Docker engine: the services, health checks,
start order, volumes, ports and settings.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.deploy.manifest_support import (
    API_ROLES,
    COMPOSE_FILE,
    INFRASTRUCTURE,
    INTERPOLATION,
    PORT,
    ROLES,
    TOPICS,
    role_command,
    settings_from_environment,
)

# --- docker-compose.yml -----------------------------------------------------------------------


def interpolate(value: str) -> str:
    """Compose's `${VAR:-default}` with no variable set, and `$$` for a literal `$`."""
    return INTERPOLATION.sub(lambda m: m.group(2) or "", value).replace("$$", "$")


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


def test_the_topic_step_creates_every_topic_as_configured(
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
