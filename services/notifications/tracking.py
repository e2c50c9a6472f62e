"""The position a log processor without views (relay, log notifier) has reached, kept in the
store's `relay_tracking` table."""

from __future__ import annotations

from services.eventlog.database import ViewDatabase

TRACKING = (
    "CREATE TABLE IF NOT EXISTS relay_tracking (name TEXT PRIMARY KEY, position BIGINT NOT NULL)"
)


class TrackedPosition:
    """Read and record one processor's position."""

    def __init__(self, database: ViewDatabase, name: str) -> None:
        self.database, self.name = database, name
        with database.transaction() as cursor:
            cursor.execute(TRACKING)

    def get(self) -> int:
        with self.database.transaction() as cursor:
            row = cursor.execute(
                "SELECT position FROM relay_tracking WHERE name = :name", {"name": self.name}
            ).fetchone()
        return int(row[0]) if row else 0

    def set(self, position: int) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO relay_tracking VALUES (:name, :position) ON CONFLICT (name) "
                "DO UPDATE SET position = excluded.position",
                {"name": self.name, "position": position},
            )
