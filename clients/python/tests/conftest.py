"""A live `toegang serve` per backend (SQLite and PostgreSQL) for the client's tests.

The service is started as an operator starts it (`tests.e2e.cli.serving`), in a directory of
its own: the admin token it generates is read from `var/admin-token`, mail from
`var/outbox/`. PostgreSQL follows the root suite's convention: `TOEGANG_TEST_DATABASE_URL`
(default `postgresql://postgres@127.0.0.1:5432/toegang_test`) names the server; the run uses a
fresh database beside it, dropped afterwards; an unreachable server fails the run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import psycopg
import pytest
from client_support import Service
from psycopg import sql
from toegang_client import Client

from tests.e2e.cli import serving

POSTGRES_URL = os.environ.get(
    "TOEGANG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/toegang_test"
)
MIN_POSITION_WAIT = 0.3  # seconds the service waits for a min_position before answering 503


@pytest.fixture(scope="session")
def client_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, next to the one the root suite names."""
    url = psycopg.conninfo.conninfo_to_dict(POSTGRES_URL)
    name = f"{url.pop('dbname')}_client_{os.getpid()}"
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, **url)  # type: ignore[arg-type]
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is required for the client's tests ({POSTGRES_URL}): {error}")
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with admin:
        admin.execute(drop)
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
        admin.execute(drop)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def service(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """`toegang serve` on a free port for the session, on SQLite or on PostgreSQL."""
    cwd = tmp_path_factory.mktemp(f"client-{request.param}")
    env = {"TOEGANG_MIN_POSITION_WAIT": str(MIN_POSITION_WAIT)}
    if request.param == "postgres":
        env["TOEGANG_DATABASE_URL"] = request.getfixturevalue("client_postgres_url")
    with serving(cwd, env=env, capture=False) as (url, _):
        token = (cwd / "var" / "admin-token").read_text().strip()
        yield Service(request.param, url, token, cwd / "var" / "outbox")


@pytest.fixture
def toegang(service: Service) -> Iterator[Client]:
    """A sync client of the service with the admin token."""
    with service.client() as client:
        yield client
