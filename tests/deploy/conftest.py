"""Fixtures shared by the deployment-file tests: docker-compose.yml, parsed once per module."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.deploy.manifest_support import COMPOSE_FILE


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document
