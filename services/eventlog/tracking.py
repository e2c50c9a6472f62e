"""How far each log processor has got: one row per processor in a tracking table.

Every processor keeps its position beside what it writes (the access views in `view_tracking`,
the audit view in `audit_tracking`, the relay and the log notifier in `relay_tracking`), so a
batch and its new position commit together. A position only moves from the one the processor
read (`move`): a second writer, a rebuild's swap or another view version makes it refuse.
"""

from __future__ import annotations

from typing import Any

from services.eventlog.database import Cursor


class TrackingTable:
    """The reads and moves every tracking table shares; each owner creates its own columns."""

    def __init__(self, table: str) -> None:
        self.table = table

    def position(self, cursor: Cursor, name: str) -> int | None:
        """The processor's position, None before it has a row."""
        row = cursor.execute(
            f"SELECT position FROM {self.table} WHERE name = :name",  # noqa: S608
            {"name": name},
        ).fetchone()
        return int(row[0]) if row else None

    def move(
        self, cursor: Cursor, name: str, old: int, new: int, applied: int, **guard: Any
    ) -> bool:
        """Move `name` from `old` to `new` (counting `applied` events) where the row still
        holds `old` and the `guard` columns' values; False if it moved or changed meanwhile."""
        checks = "".join(f" AND {column} = :{column}" for column in guard)
        cursor.execute(
            f"UPDATE {self.table} SET position = :new, applied = applied + :applied "  # noqa: S608
            f"WHERE name = :name AND position = :old{checks}",
            {"name": name, "old": old, "new": new, "applied": applied, **guard},
        )
        return cursor.rowcount == 1

    def set(self, cursor: Cursor, name: str, position: int) -> None:
        """Record `position` whatever was there (for a processor that alone writes its row)."""
        cursor.execute(
            f"INSERT INTO {self.table} (name, position) VALUES (:name, :position) "  # noqa: S608
            "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            {"name": name, "position": position},
        )
