"""Leader election with a PostgreSQL advisory lock: one active instance per processor.

A second replica of the projections or the relay waits for the lock instead of processing
the same log twice; when the leader dies its session ends, the lock is released and a waiting
replica takes over. On SQLite there is one process, so it always leads.
"""

from __future__ import annotations

import logging
import threading
import zlib

import psycopg

from services.settings import Settings

log = logging.getLogger("toegang.leader")


class LeaderLock:
    """Holds `pg_advisory_lock(name)` on a dedicated connection for as long as it leads."""

    def __init__(self, settings: Settings, name: str) -> None:
        self.settings, self.name = settings, name
        self.key = zlib.crc32(f"toegang:{name}".encode())
        self._connection: psycopg.Connection[tuple[object, ...]] | None = None

    @property
    def leading(self) -> bool:
        return self._connection is not None or not self.settings.uses_postgres

    def try_acquire(self) -> bool:
        """Take the lock if it is free; answer whether this instance now leads."""
        if self.leading:
            return True
        connection = psycopg.connect(self.settings.database_url or "", autocommit=True)
        row = connection.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
        if row and row[0]:
            self._connection = connection
            log.info("leading %s", self.name)
            return True
        connection.close()
        return False

    def wait(self, stop: threading.Event, interval: float = 1.0) -> bool:
        """Wait until this instance leads (True) or `stop` is set (False)."""
        while not stop.is_set():
            try:
                if self.try_acquire():
                    return True
            except psycopg.Error as error:
                log.warning("leader election for %s failed (%s)", self.name, type(error).__name__)
            stop.wait(interval)
        return False

    def release(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
