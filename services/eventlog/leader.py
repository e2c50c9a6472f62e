"""Leader election with a PostgreSQL advisory lock: one active instance per processor.

A second replica of the projections or the relay waits for the lock instead of processing
the same log twice; when the leader dies its session ends, the lock is released and a waiting
replica takes over. The lock lives as long as its session: the leader pings that session
before every batch, so a lost session (a database restart, a terminated backend) makes it
step down at once, and it takes the lock back when it is free again. On SQLite there is one
process, so it always leads.
"""

from __future__ import annotations

import contextlib
import logging
import zlib
from typing import Any

import psycopg

from services.eventlog import postgres
from services.settings import Settings

log = logging.getLogger("toegang.leader")


class LeaderLock:
    """Holds `pg_advisory_lock(name)` on a dedicated connection for as long as it leads."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings, self.name = settings, name
        self.key = zlib.crc32(f"toegang:{name}".encode())
        self._connection: psycopg.Connection[Any] | None = None
        self._held = False

    def check(self) -> bool:
        """Whether this instance leads now: pings a held lock's session, or tries to take it.

        A lost session steps down (`leading` is False) before the error is raised.
        """
        if not self.settings.uses_postgres:
            return True
        try:
            connection = self._connect()
            if self._held:
                connection.execute("SELECT 1")
            else:
                row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
                self._held = bool(row and row[0])
                if self._held:
                    log.info("leading %s", self.name)
        except psycopg.Error:
            if self._held:
                log.warning("lost the %s lock's session; stepping down", self.name)
            self.release()
            raise
        return self._held

    def _connect(self) -> psycopg.Connection[Any]:
        if not postgres.is_usable(self._connection):
            self.release()
            self._connection = postgres.connect(
                self.settings.database_url or "", f"leader:{self.name}", autocommit=True
            )
        assert self._connection is not None
        return self._connection

    def release(self) -> None:
        """Give the lock up: unlocked at once, then its session closed. (Closing alone frees
        it only once the server has ended the session, so a replica asking right after
        could still be refused.)"""
        held, self._held = self._held, False
        if self._connection is not None:
            with contextlib.suppress(psycopg.Error):
                if held:
                    self._connection.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
                self._connection.close()
            self._connection = None
