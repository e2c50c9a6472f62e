"""Fixtures shared by the integration and end-to-end suites: one stack per backend.

Every integration test runs on SQLite and on PostgreSQL. PostgreSQL is never skipped: if the
server is not reachable the run fails. Tests use random ids, never table wipes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
from psycopg import sql

from services.bootstrap import create_app
from services.bootstrap.application import ToegangApplication
from services.projections.runner import AccessProjection
from services.settings import Settings
from tests.support import TOKENS, Clock, ServerThread

POSTGRES_URL = os.environ.get(
    "TOEGANG_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/toegang_test"
)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this run, dropped afterwards; an unreachable server fails the run.

    Tests inside the run share it and use random ids; a new database per run keeps the log
    small and independent of what earlier runs (or earlier view schemas) left behind.
    """
    url = psycopg.conninfo.conninfo_to_dict(POSTGRES_URL)
    name = f"{url.pop('dbname')}_{os.getpid()}"
    try:
        admin = psycopg.connect(dbname="postgres", autocommit=True, **url)  # type: ignore[arg-type]
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is required for the test suite ({POSTGRES_URL}): {error}")
    with admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@dataclass
class Stack:
    """A running service on one backend: its settings, clock, application and URL."""

    backend: str
    settings: Settings
    clock: Clock
    app: ToegangApplication
    projection: AccessProjection
    url: str


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    data_dir: Path = tmp_path_factory.mktemp(f"toegang-{request.param}")
    database_url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        public_url="http://portal.test",
        sweep_interval=3600,  # tests sweep explicitly; a timed sweep would race them
    )
    clock = Clock()
    app = create_app(settings, TOKENS, clock=clock)
    with ServerThread(app) as server:
        yield Stack(
            request.param, settings, clock, app.state.grants, app.state.projection, server.url
        )


@pytest.fixture
def app(stack: Stack) -> ToegangApplication:
    return stack.app


@pytest.fixture
def client(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.url, timeout=30) as http:
        yield http


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a store of its own (a new SQLite file or PostgreSQL database) per test."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path, database_url=None)
        return
    yield from _fresh_postgres(request.getfixturevalue("postgres_url"), tmp_path)


@pytest.fixture
def fresh_postgres_settings(postgres_url: str, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a new PostgreSQL database of its own (for what only PostgreSQL has)."""
    yield from _fresh_postgres(postgres_url, tmp_path)


def _fresh_postgres(base: str, tmp_path: Path) -> Iterator[Settings]:
    name = f"{base.rsplit('/', 1)[1]}_{os.urandom(4).hex()}"
    url = psycopg.conninfo.conninfo_to_dict(base)
    url.pop("dbname")
    with psycopg.connect(dbname="postgres", autocommit=True, **url) as admin:  # type: ignore[arg-type]
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield Settings(data_dir=tmp_path, database_url=base.rsplit("/", 1)[0] + "/" + name)
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
