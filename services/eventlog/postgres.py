"""The one way toegang opens a PostgreSQL connection of its own (views, leader lock, LISTEN).

Every connection is named (`application_name`, visible in `pg_stat_activity`) and uses TCP
keepalives, so a peer that vanished without closing is noticed within seconds, not hours.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg

KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
}


def connection_parameters(url: str) -> dict[str, Any]:
    """libpq parameters from a `postgresql://user:password@host:port/db` URL."""
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password) if parts.password else None,
        "dbname": parts.path.lstrip("/") or "postgres",
    }


def connect(url: str, name: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """A new connection to the database at `url`, named `toegang-<name>`."""
    return psycopg.connect(
        **connection_parameters(url),
        application_name=f"toegang-{name}"[:63],
        connect_timeout=5,
        autocommit=autocommit,
        keepalives=1,
        keepalives_idle=5,
        keepalives_interval=2,
        keepalives_count=3,
    )


def is_usable(connection: psycopg.Connection[Any] | None) -> bool:
    """Whether a connection is open and not known to be broken (no round trip)."""
    return connection is not None and not connection.closed and not connection.broken
