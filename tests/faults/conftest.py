"""Real parts the fault tests break on purpose: a private PostgreSQL and an SMTP sink."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.postgres import PrivatePostgres, fresh_database, private_postgres_cluster
from tests.kafka.conftest import smtp_sink  # noqa: F401 - the same sink fixture here


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of this run alone (never the shared one on 5432), removed at the end.

    Tests may stop, restart or kill it; the next test finds it running again (see
    `private_database_url`)."""
    with private_postgres_cluster() as cluster:
        yield cluster


@pytest.fixture
def private_database_url(private_postgres: PrivatePostgres) -> Iterator[str]:
    """A new database on the private cluster for one test; the cluster runs before and after."""
    private_postgres.ensure_running()
    with fresh_database(private_postgres) as url:
        yield url
