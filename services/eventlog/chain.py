"""The hash chain over the log, written in the same transaction as the events it seals.

Each stored event gets a row in `<events table>_chain`: its position, the position of the
event sealed before it, and `digest = SHA-256(previous digest, position, originator id,
version, topic, stored state)`. The recorders below extend eventsourcing's application
recorders: the inserts already hold the log's write lock (PostgreSQL's EXCLUSIVE table lock,
SQLite's single writer), so the chain grows in the order of the log.
"""

from __future__ import annotations

import hashlib
import logging
import struct
from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore
from psycopg import Cursor
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

log = logging.getLogger("toegang.audit")
GENESIS = bytes(32)
CHAIN_COLUMNS = "position BIGINT PRIMARY KEY, previous BIGINT NOT NULL, digest TEXT NOT NULL"


def link(previous: bytes, position: int, event: StoredEvent) -> bytes:
    """The digest sealing one stored event after the digest `previous`."""
    digest = hashlib.sha256(previous)
    digest.update(struct.pack(">QQ", position, event.originator_version))
    for part in (str(event.originator_id).encode(), event.topic.encode(), event.state):
        digest.update(struct.pack(">Q", len(part)))
        digest.update(part)
    return digest.digest()


def chain_rows(
    last: tuple[int, bytes], positions: Sequence[int], events: Sequence[StoredEvent]
) -> list[tuple[int, int, str]]:
    """(position, previous position, hex digest) for events appended after `last`."""
    rows = []
    previous_position, previous = last
    for position, event in zip(positions, events, strict=True):
        previous = link(previous, position, event)
        rows.append((position, previous_position, previous.hex()))
        previous_position = position
    return rows


def chain_table(events_table: str) -> str:
    return f"{events_table}_chain"


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    """SQLite application recorder that seals every insert into the hash chain."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.chain_table = chain_table(self.events_table_name)

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {chain_table(self.events_table_name)} ({CHAIN_COLUMNS})",
        ]

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        inserted = super()._insert_events(c, stored_events, **kwargs)  # takes the write lock
        positions = [int(p) for p in inserted or () if p is not None]
        if positions:
            last = self._last_seal(c)
            positions = self._beyond(last[0], c, positions)
            c.executemany(
                f"INSERT INTO {self.chain_table} VALUES (?, ?, ?)",  # noqa: S608
                chain_rows(last, positions, stored_events),
            )
        return positions

    def _last_seal(self, c: SQLiteCursor) -> tuple[int, bytes]:
        c.execute(f"SELECT position, digest FROM {self.chain_table} ORDER BY position DESC LIMIT 1")  # noqa: S608
        row = c.fetchone()
        return (int(row[0]), bytes.fromhex(row[1])) if row else (0, GENESIS)

    def _beyond(self, sealed: int, c: SQLiteCursor, positions: list[int]) -> list[int]:
        """Move new rows past the last sealed position: SQLite hands out a deleted last rowid
        again, and a position the chain sealed must never hold another event."""
        shift = sealed + 1 - positions[0]
        if shift <= 0:
            return positions
        for position in reversed(positions):
            c.execute(
                f"UPDATE {self.events_table_name} SET rowid = ? WHERE rowid = ?",  # noqa: S608
                (position + shift, position),
            )
        return [position + shift for position in positions]


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    """PostgreSQL application recorder that seals every insert into the hash chain."""

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table = chain_table(self.events_table_name)
        self.chain = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(self.chain_table)
        )
        self.sql_create_statements.append(
            SQL("CREATE TABLE IF NOT EXISTS {} (" + CHAIN_COLUMNS + ")").format(self.chain)
        )

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        positions = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        if positions:
            self._seal(curs, list(positions), stored_events)
        return positions

    def _seal(
        self, curs: Cursor[DictRow], positions: list[int], events: Sequence[StoredEvent]
    ) -> None:
        statement = SQL("SELECT position, digest FROM {} ORDER BY position DESC LIMIT 1")
        curs.execute(statement.format(self.chain))
        row = curs.fetchone()
        last = (int(row["position"]), bytes.fromhex(row["digest"])) if row else (0, GENESIS)
        curs.executemany(
            SQL("INSERT INTO {} VALUES (%s, %s, %s)").format(self.chain),
            chain_rows(last, positions, events),
        )
