"""The access changes' rows: the rights told per holder, and the changes themselves."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from services.eventlog.database import Cursor
from services.projections.changes import AccessChange, Holder

if TYPE_CHECKING:
    from services.projections.state import AccessState

Row = tuple[Any, ...]


def write_access_changes(cursor: Cursor, prefix: str, changes: list[AccessChange]) -> None:
    """Append the access changes told in a batch (with the batch's rows, in one go)."""
    rows = [
        {
            "seq": change.seq,
            "change_id": change.change_id,
            **change.holder._asdict(),
            "rights_before": change.rights_before,
            "rights_after": change.rights_after,
            "cause_type": change.cause_type,
            "event_id": change.event_id,
            "position": change.position,
            "at": change.at,
        }
        for change in changes
    ]
    cursor.upsert_many(f"{prefix}access_changes", ("seq",), rows)


def told_row(state: AccessState, key: Any) -> dict[str, Any] | None:
    rights = state.told.get(key)
    return None if rights is None else {"row_id": key, "rights": rights}


def load_told(state: AccessState, row: Row) -> None:
    """One told entry, keyed by the very id string its grant or user row holds (loaded
    before it), so the entry costs no second copy of the id."""
    row_id, rights = row
    grant, user = state.grants.get(row_id), state.users.get(row_id)
    key = grant.grant_id if grant else user.user_id if user else row_id
    state.told[key] = sys.intern(rights)


def forget_untold(cursor: Cursor, prefix: str, state: AccessState, row_ids: set[Any]) -> None:
    """Delete the told rows of holders that have no access now."""
    gone = [{"row_id": key} for key in row_ids if key not in state.told]
    cursor.executemany(
        f"DELETE FROM {prefix}told WHERE row_id = :row_id",  # noqa: S608
        gone,
    )


CHANGE_COLUMNS = (
    "seq",
    "platform",
    "organisation",
    "kind",
    "subject",
    "route",
    "rights_before",
    "rights_after",
    "cause_type",
    "event_id",
    "position",
    "at",
)


def read_changes(
    cursor: Cursor,
    prefix: str,
    after: int,
    limit: int,
    *,
    platform: str | None = None,
    organisation: str | None = None,
) -> list[AccessChange]:
    """A page of access changes in log order after `seq` `after`: of every platform, or of
    one platform (and one organisation, when given)."""
    only = "".join(
        f"AND {column} = :{column} "
        for column, value in (("platform", platform), ("organisation", organisation))
        if value
    )
    rows = cursor.execute(
        f"SELECT {', '.join(CHANGE_COLUMNS)} FROM {prefix}access_changes "  # noqa: S608
        f"WHERE seq > :after {only}ORDER BY seq LIMIT :limit",
        {"platform": platform, "after": after, "organisation": organisation, "limit": limit},
    ).fetchall()
    return [
        AccessChange(
            seq=int(row[0]),
            holder=Holder(*row[1:6]),
            rights_before=row[6],
            rights_after=row[7],
            cause_type=row[8],
            event_id=row[9],
            position=int(row[10]),
            at=row[11],
        )
        for row in rows
    ]
