"""The access projection: keeps the access state current from the log, in memory and in tables.

Each batch applies many events to the in-memory state, then writes the changed rows and the
new position in one transaction; the tracking row only moves from the position this process
read, so a batch is never applied twice (a concurrent swap or second writer makes it reload).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg

from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.eventlog.processor import TrackedProcessor
from services.projections import change_rows, rows, tables
from services.projections.changes import AccessChange
from services.projections.natural_keys import TableKeys
from services.projections.state import AccessState

log = logging.getLogger("toegang.projections")
VIEW = "access"


class AccessProjection(TrackedProcessor):
    """A tracked processor from the event log to the access views."""

    def __init__(
        self,
        event_log: EventLog,
        database: ViewDatabase,
        batch_size: int = 1000,
        *,
        prefix: str = "view_",
        name: str = VIEW,
        writer: bool = True,
    ) -> None:
        self.log, self.database = event_log, database
        self.batch_size, self.prefix, self.name = batch_size, prefix, name
        self.writer = writer
        self.lock = threading.RLock()
        self.state = AccessState()
        self.generation = 0
        super().__init__()
        self.on_batch: list[Callable[[int], None]] = []

    @property
    def position(self) -> int:
        return self.state.position

    def load(self) -> None:
        """Load the stored state; the writer first creates (or renews) the tables.

        A follower (`writer` False) only reads: where the tables are missing or of another
        version it starts from an empty state and replays the log in memory.
        """
        if self.writer:
            with self.database.transaction() as cursor:
                if tables.drop_if_outdated(cursor):
                    log.info(
                        "access views of another version found; rebuilding them from the "
                        "event log (the log itself is untouched)"
                    )
                tables.create_tables(cursor, self.prefix)
        try:
            with self.database.reading() as cursor:  # the rows and the position of one moment
                keys = TableKeys(self.database, self.prefix)
                state, generation = rows.load_state(cursor, self.prefix, self.name, keys)
                current = tables.is_current(cursor)
        except (psycopg.OperationalError, psycopg.InterfaceError):
            raise  # the database is away: keep the state this replica has, retry later
        except Exception:
            if self.writer:
                raise
            state, generation, current = AccessState(), 0, False
        if not current and not self.writer:
            state, generation = AccessState(), 0
        with self.lock:
            self.state, self.generation = state, generation

    def lead(self) -> None:
        """Become the writer (the follower reloads the state from the tables next)."""
        self.writer = True

    def stand_by(self) -> None:
        """Stop writing the tables at once; keep following the log in memory."""
        self.writer = False

    def close(self) -> None:
        self.database.reset()

    def process_batch(self) -> int:
        """Apply the next batch of events; answer how many were applied."""
        self.reload_if_swapped()
        notifications = self.log.read(self.state.position, self.batch_size)
        if not notifications:
            return 0
        events = self.log.decode_all(notifications)
        self.state.keys.fetch(event for event, _ in events)  # before applying: no I/O in it
        old = self.state.position
        for event, position in events:
            # One event at a time: a check waits for one event at most, never for a batch,
            # and always sees the state at a position of the log (`position` says which).
            with self.lock:
                self.state.apply(event, position)
        dirty, changes = self.state.take_dirty(), self.state.take_changes()
        if not self._commit(old, dirty, changes, len(events)):
            log.warning("tracking moved under the access projection; reloading")
            self.load()
            return 0
        self.state.keys.settle(written=self.writer)
        for callback in self.on_batch:
            callback(self.state.position)
        return len(events)

    def _commit(
        self, old: int, dirty: dict[str, set[object]], changes: list[AccessChange], count: int
    ) -> bool:
        if not self.writer:
            return True  # a follower keeps its state in memory only
        new = self.state.position
        try:
            with self.database.transaction() as cursor:
                if not tables.advance(cursor, self.name, old, new, self.generation, count):
                    raise _Conflict
                rows.write_changes(cursor, self.prefix, self.state, dirty)
                change_rows.write_access_changes(cursor, self.prefix, changes)
        except _Conflict:
            return False
        return True

    def reload_if_swapped(self) -> None:
        """Reload when a rebuild swapped other tables in (their generation moved)."""
        if not self.writer:
            return
        with self.database.transaction() as cursor:
            _, generation, _ = tables.tracking(cursor, self.name)
        if generation != self.generation:
            log.info("access views were swapped (generation %s); reloading", generation)
            self.load()


class _Conflict(Exception):
    pass
