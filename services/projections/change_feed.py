"""The access-change feed read from the view tables (the changes are not kept in memory)."""

from __future__ import annotations

from typing import Any

from services.eventlog.database import ViewDatabase
from services.projections import tables
from services.projections.change_rows import read_changes
from services.projections.changes import AccessChange
from services.projections.runner import VIEW, AccessProjection

LIVE = "view_"


def page(
    projection: AccessProjection, platform: str, after: int, limit: int, organisation: str | None
) -> list[AccessChange]:
    """A page of the platform's changes after `seq` `after`, as the live tables hold them."""
    with projection.database.reading() as cursor:
        return read_changes(
            cursor, LIVE, after, limit, platform=platform, organisation=organisation
        )


def published_since(
    database: ViewDatabase, after: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """The next records of every platform after `seq` `after`, and the log position the view
    had reached when they were read (one snapshot): when fewer than `limit` come back, every
    change of the events up to that position is among them or was before `after`.

    Before the access view has written its tables (another process, a version being replayed)
    there is nothing to read yet: no records, position 0."""
    with database.reading() as cursor:
        reached = cursor.fetch_if_present(
            f"SELECT position FROM view_tracking WHERE name = '{VIEW}' "  # noqa: S608
            f"AND version = '{tables.VERSION}'"
        )
        if not reached:
            return [], 0
        changes = read_changes(cursor, LIVE, after, limit)
    return [change.as_record() for change in changes], int(reached[0][0])
