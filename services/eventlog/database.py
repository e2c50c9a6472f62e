"""A small connection wrapper so the view tables live beside the event store, on either backend.

SQL is written once with `:name` parameters; for PostgreSQL they become `%(name)s`.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from services.eventlog import postgres
from services.settings import Settings

NAMED = re.compile(r"(?<!:):([a-z_]+)")


class ViewDatabase:
    """One connection for the view tables, used by one writer at a time.

    On PostgreSQL the connection heals: one found broken (the server restarted, the network
    dropped it) is closed and a new one opened on next use; after a quiet second it is
    pinged first, so a restart between two uses costs no failed statement.
    """

    IDLE_PING = 1.0

    def __init__(self, settings: Settings, name: str = "views") -> None:
        self.is_postgres = settings.uses_postgres
        self.name = name
        self._lock = threading.RLock()
        self._url = settings.database_url or ""
        self._pg: psycopg.Connection[Any] | None = None
        self._used_at = 0.0
        if not self.is_postgres:  # PostgreSQL connects on first use
            self._sqlite = sqlite3.connect(
                settings.sqlite_path, isolation_level=None, check_same_thread=False, timeout=30
            )
            self._sqlite.execute("PRAGMA journal_mode=WAL")

    def _connection(self) -> psycopg.Connection[Any]:
        """The PostgreSQL connection, reopened when it was lost (caller holds the lock)."""
        if postgres.is_usable(self._pg) and time.monotonic() - self._used_at > self.IDLE_PING:
            try:
                assert self._pg is not None
                self._pg.execute("SELECT 1")
            except psycopg.OperationalError:
                self.reset()
        if not postgres.is_usable(self._pg):
            self.reset()
            self._pg = postgres.connect(self._url, self.name, autocommit=True)
        self._used_at = time.monotonic()
        assert self._pg is not None
        return self._pg

    def reset(self) -> None:
        """Drop the PostgreSQL connection; the next transaction opens a new one."""
        with self._lock:
            if self._pg is not None:
                with contextlib.suppress(psycopg.Error):
                    self._pg.close()
                self._pg = None

    def sql(self, statement: str) -> str:
        return NAMED.sub(r"%(\1)s", statement) if self.is_postgres else statement

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """A write transaction: committed when the block ends, rolled back on error."""
        with self._lock:
            if self.is_postgres:
                connection = self._connection()
                try:
                    with connection.transaction(), connection.cursor() as cursor:
                        yield Cursor(self, cursor)
                except psycopg.OperationalError:
                    self.reset()
                    raise
            else:
                lite = self._sqlite.cursor()
                lite.execute("BEGIN IMMEDIATE")
                try:
                    yield Cursor(self, lite)
                except BaseException:
                    lite.execute("ROLLBACK")
                    raise
                lite.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A read transaction on one snapshot: every statement in it sees the same committed
        state (on PostgreSQL REPEATABLE READ, not the default where each statement sees what
        committed before it: a state loaded table by table could be older than the position
        it read last). On SQLite a deferred one, so it never holds the write lock."""
        if self.is_postgres:
            with self.transaction() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield cursor
            return
        with self._lock:
            lite = self._sqlite.cursor()
            lite.execute("BEGIN")
            try:
                yield Cursor(self, lite)
            finally:
                lite.execute("ROLLBACK")

    def close(self) -> None:
        if self.is_postgres:
            self.reset()
        else:
            self._sqlite.close()


class Cursor:
    """Executes `:name`-style SQL on either backend."""

    def __init__(self, database: ViewDatabase, cursor: Any) -> None:
        self._database, self._cursor = database, cursor

    def execute(self, statement: str, params: dict[str, Any] | None = None) -> Cursor:
        self._cursor.execute(self._database.sql(statement), params or {})
        return self

    def executemany(self, statement: str, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._cursor.executemany(self._database.sql(statement), rows)

    def upsert_many(
        self, table: str, keys: tuple[str, ...], rows: Sequence[dict[str, Any]]
    ) -> None:
        """Insert or update rows by key: COPY into a staging table on PostgreSQL (one round
        trip per table and batch), executemany on SQLite."""
        if not rows:
            return
        columns = list(rows[0])
        updates = [f"{c} = excluded.{c}" for c in columns if c not in keys]
        conflict = f"DO UPDATE SET {', '.join(updates)}" if updates else "DO NOTHING"
        names = ", ".join(columns)
        if not self._database.is_postgres:
            values = ", ".join(":" + c for c in columns)
            self.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({values}) "  # noqa: S608
                f"ON CONFLICT ({', '.join(keys)}) {conflict}",
                rows,
            )
            return
        stage = f"stage_{table}"
        self._cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DELETE ROWS"
        )
        with self._cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        self._cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM {stage} "  # noqa: S608
            f"ON CONFLICT ({', '.join(keys)}) {conflict}"
        )

    def fetch_if_present(self, statement: str) -> list[tuple[Any, ...]] | None:
        """The rows of `statement`, or None when a table or column it reads is missing."""
        self.execute("SAVEPOINT probe")
        try:
            rows = self.execute(statement).fetchall()
        except Exception:  # noqa: BLE001 - each driver names "no such table" its own way
            self.execute("ROLLBACK TO SAVEPOINT probe")
            return None
        self.execute("RELEASE SAVEPOINT probe")
        return rows

    def stream(self, size: int = 10_000) -> Iterator[tuple[Any, ...]]:
        """The result's rows, fetched `size` at a time (never all of them at once)."""
        while rows := self._cursor.fetchmany(size):
            yield from rows

    def fetchall(self) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self._cursor.fetchall()]

    def fetchone(self) -> tuple[Any, ...] | None:
        row = self._cursor.fetchone()
        return tuple(row) if row is not None else None

    @property
    def rowcount(self) -> int:
        count: int = self._cursor.rowcount
        return count
