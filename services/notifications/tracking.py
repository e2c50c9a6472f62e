"""The position a log processor without views (relay, log notifier) has reached, kept in the
store's `relay_tracking` table."""

from __future__ import annotations

from services.eventlog.database import ViewDatabase
from services.eventlog.tracking import TrackingTable

TRACKING = (
    "CREATE TABLE IF NOT EXISTS relay_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)
RELAY_TRACKING = TrackingTable("relay_tracking")


class TrackedPosition:
    """Read and record one processor's position."""

    def __init__(self, database: ViewDatabase, name: str) -> None:
        self.database, self.name = database, name
        with database.transaction() as cursor:
            cursor.execute(TRACKING)

    def get(self) -> int:
        with self.database.transaction() as cursor:
            return RELAY_TRACKING.position(cursor, self.name) or 0

    def set(self, position: int) -> None:
        with self.database.transaction() as cursor:
            RELAY_TRACKING.set(cursor, self.name, position)
