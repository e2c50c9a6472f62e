"""The audit projection: a tracked processor from the event log to the audit tables.

Each batch is computed in memory (`AuditIndex.prepare`), then its rows and the new position are
written in one transaction; the tracking row only moves from the position this process read,
so a batch is never applied twice (another writer having moved it makes this one reload).
The audit tables have their own tracking table and version, independent of the access views.
"""

from __future__ import annotations

import logging

from services.audit.index import AuditIndex, Batch, Context
from services.eventlog.database import Cursor, ViewDatabase
from services.eventlog.log import EventLog
from services.eventlog.processor import TrackedProcessor
from services.eventlog.tracking import TrackingTable

log = logging.getLogger("toegang.audit")
NAME = "audit"
AUDIT_VERSION = "audit-1"
"""Bump when the audit tables or their meaning change: they are then dropped and replayed."""
INTERVAL_COLUMNS = (
    "interval_id, platform, organisation, kind, subject_id, holder, rights, scope, route, "
    "approved_by, since, valid_from, valid_to, from_position, to_position"
)
SUBJECT_COLUMNS = "aggregate_id, aggregate, platform, parties, grant_id, user_id, access"
SCHEMA = {
    "audit_events": "position BIGINT PRIMARY KEY, time TEXT NOT NULL, type TEXT NOT NULL, "
    "platform TEXT, aggregate_id TEXT NOT NULL, grant_id TEXT, user_id TEXT",
    "audit_parties": "position BIGINT NOT NULL, organisation TEXT NOT NULL, role TEXT NOT NULL, "
    "PRIMARY KEY (position, organisation, role)",
    "audit_subjects": "aggregate_id TEXT PRIMARY KEY, aggregate TEXT NOT NULL, platform TEXT, "
    "parties TEXT NOT NULL, grant_id TEXT, user_id TEXT, access TEXT",
    "audit_intervals": "interval_id TEXT PRIMARY KEY, platform TEXT NOT NULL, "
    "organisation TEXT NOT NULL, kind TEXT NOT NULL, subject_id TEXT NOT NULL, "
    "holder TEXT NOT NULL, rights TEXT NOT NULL, scope TEXT, route TEXT NOT NULL, "
    "approved_by TEXT, since TEXT NOT NULL, valid_from TEXT NOT NULL, valid_to TEXT, "
    "from_position BIGINT NOT NULL, to_position BIGINT",
    "audit_tracking": "name TEXT PRIMARY KEY, position BIGINT NOT NULL, "
    "applied BIGINT NOT NULL, version TEXT NOT NULL",
}
AUDIT_TRACKING = TrackingTable("audit_tracking")
INDEXES = {
    "audit_events_platform": "audit_events (platform, position)",
    "audit_events_grant": "audit_events (grant_id, position)",
    "audit_events_user": "audit_events (user_id, position)",
    "audit_events_time": "audit_events (time, position)",
    "audit_parties_organisation": "audit_parties (organisation, position)",
    "audit_intervals_organisation": "audit_intervals (platform, organisation, valid_from)",
    "audit_intervals_open": "audit_intervals (subject_id) WHERE to_position IS NULL",
}


def prepare_tables(cursor: Cursor) -> bool:
    """Create the audit tables if missing; first drop them if another version wrote them.

    Answers whether tables were dropped (the log is then replayed from the start).
    """
    versions = cursor.fetch_if_present("SELECT version FROM audit_tracking") or []
    dropped = any(version != AUDIT_VERSION for (version,) in versions)
    if dropped or not versions:
        drop_tables(cursor)
    for table, columns in SCHEMA.items():
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
    for name, target in INDEXES.items():
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    cursor.execute(
        "INSERT INTO audit_tracking (name, position, applied, version) "
        "VALUES (:name, 0, 0, :version) ON CONFLICT (name) DO NOTHING",
        {"name": NAME, "version": AUDIT_VERSION},
    )
    return dropped


def drop_tables(cursor: Cursor) -> None:
    """Drop every audit table (tracking too): the next `prepare_tables` starts from 0."""
    for table in SCHEMA:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def load_index(cursor: Cursor) -> AuditIndex:
    """The contexts, open intervals and position stored in the audit tables."""
    index = AuditIndex()
    index.position = AUDIT_TRACKING.position(cursor, NAME) or 0
    for values in cursor.execute(f"SELECT {SUBJECT_COLUMNS} FROM audit_subjects").fetchall():  # noqa: S608
        subject = dict(zip(SUBJECT_COLUMNS.split(", "), values, strict=True))
        index.contexts[subject["aggregate_id"]] = Context.from_row(subject)
    statement = f"SELECT {INTERVAL_COLUMNS} FROM audit_intervals WHERE to_position IS NULL"  # noqa: S608
    for values in cursor.execute(statement).fetchall():
        interval = dict(zip(INTERVAL_COLUMNS.split(", "), values, strict=True))
        index.open[interval["subject_id"]] = interval
    return index


def write_batch(cursor: Cursor, old: int, batch: Batch) -> bool:
    """Store a batch and move tracking from `old`; False (nothing written) if it moved."""
    moved = AUDIT_TRACKING.move(
        cursor, NAME, old, batch.position, batch.count, version=AUDIT_VERSION
    )
    if not moved:
        return False
    cursor.upsert_many("audit_events", ("position",), batch.events)
    cursor.upsert_many("audit_parties", ("position", "organisation", "role"), batch.parties)
    cursor.upsert_many("audit_intervals", ("interval_id",), list(batch.intervals.values()))
    subjects = [context.to_row(key) for key, context in batch.contexts.items()]
    cursor.upsert_many("audit_subjects", ("aggregate_id",), subjects)
    return True


class AuditProjection(TrackedProcessor):
    """A tracked processor from the event log to the audit history and access intervals."""

    name = NAME

    def __init__(self, event_log: EventLog, database: ViewDatabase, batch_size: int = 1000) -> None:
        self.log, self.database, self.batch_size = event_log, database, batch_size
        super().__init__()
        self.index = AuditIndex()

    @property
    def position(self) -> int:
        """The log position the audit tables have reached."""
        return self.index.position

    def load(self) -> None:
        """Create (or renew) the audit tables and load the stored contexts and open intervals."""
        with self.database.transaction() as cursor:
            if prepare_tables(cursor):
                log.info(
                    "audit view of another version found; rebuilding it from the event log "
                    "(the log itself is untouched)"
                )
        with self.database.reading() as cursor:  # the rows and the position of one moment
            self.index = load_index(cursor)

    def close(self) -> None:
        self.database.reset()

    def observe(self) -> None:
        """The leader's position, so a standby replica reports a true lag (the tables it
        queries are the leader's; a replica that takes over reloads everything)."""
        with self.database.reading() as cursor:
            position = AUDIT_TRACKING.position(cursor, NAME)
        self.index.position = position if position is not None else self.index.position

    def process_batch(self) -> int:
        """Apply the next batch of events; answer how many were applied."""
        notifications = self.log.read(self.index.position, self.batch_size)
        if not notifications:
            return 0
        batch = self.index.prepare(self.log.decode_all(notifications))
        with self.database.transaction() as cursor:
            stored = write_batch(cursor, self.index.position, batch)
        if not stored:
            log.warning("audit tracking moved under this projection; reloading")
            self.load()
            return 0
        self.index.accept(batch)
        return batch.count
