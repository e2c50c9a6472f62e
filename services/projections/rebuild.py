"""Rebuild a view from position 0 into fresh tables, then swap them in.

The rebuild writes `rebuild_*` tables with their own tracking row, so a rebuild killed half
way resumes where it stopped; the live views keep serving until the swap.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.projections import tables
from services.projections.runner import VIEW, AccessProjection

Progress = Callable[[int, int], None]
Status = list[dict[str, object]]


class View(NamedTuple):
    """A view the `projections` commands rebuild and report on: the access views here, the
    audit view handed in by the composition root (it lives in a context above this one)."""

    name: str
    rebuild: Callable[[EventLog, ViewDatabase, Progress, int, bool], int]
    """(log, database, progress, batch size, fresh) -> the position reached"""
    status: Callable[[EventLog, ViewDatabase], Status]


def rebuild_view(
    event_log: EventLog,
    database: ViewDatabase,
    progress: Progress,
    batch_size: int = 5000,
    fresh: bool = True,
) -> int:
    """Replay the log into rebuild tables and swap them in; answer the position reached.

    `fresh` discards a rebuild left behind by an earlier run; without it, that run resumes.
    """
    name = f"{VIEW}:rebuild"
    if fresh:
        with database.transaction() as cursor:
            tables.drop_tables(cursor, "rebuild_")
            cursor.execute(tables.TRACKING)
            cursor.execute("DELETE FROM view_tracking WHERE name = :name", {"name": name})
    projection = AccessProjection(event_log, database, batch_size, prefix="rebuild_", name=name)
    projection.load()
    head = event_log.head()
    while projection.process_batch():
        progress(projection.position, max(head, projection.position))
    with database.transaction() as cursor:
        tables.swap_in(cursor, VIEW, name)
    return projection.position


def view_status(event_log: EventLog, database: ViewDatabase) -> Status:
    """Each view's position, lag behind the log and events applied."""
    head = event_log.head()
    with database.transaction() as cursor:
        cursor.execute(tables.TRACKING)
        rows = cursor.execute(
            "SELECT name, position, applied, generation, version FROM view_tracking ORDER BY name"
        ).fetchall()
    if not any(name == VIEW for name, *_ in rows):  # before the first start: not built yet
        rows.insert(0, (VIEW, 0, 0, 0, f"{tables.VERSION} (not built yet)"))
    return [
        {
            "view": name,
            "position": position,
            "lag": head - position,
            "applied": applied,
            "generation": generation,
            "version": version,
        }
        for name, position, applied, generation, version in rows
    ]


ACCESS_VIEW = View(VIEW, rebuild_view, view_status)
