"""Fixtures shared by several unit test modules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest


@pytest.fixture
def now() -> datetime:
    return datetime.now(UTC)
