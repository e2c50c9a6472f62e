"""The one way toegang opens a PostgreSQL connection of its own (views, leader lock, LISTEN).

Every connection is named (`application_name`, visible in `pg_stat_activity`) and uses TCP
keepalives, so a peer that vanished without closing is noticed within seconds, not hours.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
import psycopg_pool.pool
from psycopg_pool.base import AttemptWithBackoff

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


class _CappedAttempt(AttemptWithBackoff):
    """psycopg_pool's reconnect back-off, capped: it doubles without bound (1, 2, 4, 8 s …),
    so after a ten-second outage a pool would first try again up to five seconds after the
    database is back."""

    MAX_DELAY = 0.5

    def update_delay(self, now: float) -> None:
        super().update_delay(now)
        self.delay = min(self.delay, self.MAX_DELAY)


def cap_pool_reconnect_delay() -> None:
    """Make the event store's connection pool (psycopg_pool, inside eventsourcing) retry a
    lost database at least every half second. Idempotent; called when a store opens."""
    psycopg_pool.pool.AttemptWithBackoff = _CappedAttempt  # type: ignore[attr-defined]


def purge_on_failed_check(pool: psycopg_pool.ConnectionPool[Any]) -> None:
    """When a pooled connection fails its pre-use check, check every idle one at once.

    After a database restart all of them are broken; psycopg_pool would otherwise find that
    out one connection per back-off wait (ten connections: five seconds before a command
    gets through)."""
    check = pool._check  # the pre-ping eventsourcing asked for
    if check is None or getattr(check, "purges", False):
        return

    def checked(connection: Any) -> None:
        try:
            check(connection)
        except Exception:
            pool.check()  # discards the broken idle connections, opens new ones
            raise

    checked.purges = True  # type: ignore[attr-defined]
    pool._check = checked
