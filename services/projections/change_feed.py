"""The access-change feed read from the view tables (the changes are not kept in memory)."""

from __future__ import annotations

from services.projections.change_rows import read_changes
from services.projections.changes import AccessChange
from services.projections.runner import AccessProjection


def page(
    projection: AccessProjection, platform: str, after: int, limit: int, organisation: str | None
) -> list[AccessChange]:
    """A page of the platform's changes after `seq` `after`, as the live tables hold them."""
    with projection.database.reading() as cursor:
        return read_changes(cursor, "view_", platform, after, limit, organisation)
