"""Paths and constants shared by the deployment-file tests (roles, ports, secrets, the Kubernetes
versions validated against), and how a set of TOEGANG_ variables reads as Settings.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import kubernetes_validate
import pytest

from services.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
K8S_DIR = ROOT / "deploy" / "k8s"

ROLES = ("grants", "projections", "relay", "notifications")
API_ROLES = ("grants", "projections")
SINGLE_ACTIVE_ROLES = ("projections", "relay")
INFRASTRUCTURE = ("postgres", "kafka", "kafka-topics", "mailpit")
TOPICS = (
    "toegang.events.v1",
    "toegang.notifications.v1",
    "toegang.notifications.dlq.v1",
    "toegang.access.v1",
    "toegang.decisions.v1",
)
PORT = 8000
UID = 10001

SECRET_NAME = "toegang-secrets"
SECRET_KEYS = (
    "TOEGANG_DATABASE_URL",
    "TOEGANG_API_TOKENS",
    "TOEGANG_TOKEN_KEY",
    "TOEGANG_DECISION_KEY",
)
DECISION_KEY_ROLES = ("projections",)  # the role that answers checks, so logs decisions
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
