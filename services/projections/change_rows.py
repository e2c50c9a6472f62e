"""The access changes' rows: the rights told per holder, and the changes themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.eventlog.database import Cursor
from services.projections.changes import AccessChange, Holder

if TYPE_CHECKING:
    from services.projections.state import AccessState

Row = tuple[Any, ...]
TOLD_KEY = ("platform", "organisation", "kind", "subject", "route")


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
    return None if rights is None else {**key._asdict(), "rights": rights}


def load_told(state: AccessState, row: Row) -> None:
    state.told[Holder(*row[:5])] = row[5]


def forget_untold(cursor: Cursor, prefix: str, state: AccessState, holders: set[Any]) -> None:
    """Delete the told rows of holders that have no access now."""
    gone = [dict(zip(TOLD_KEY, key, strict=True)) for key in holders if key not in state.told]
    cursor.executemany(
        f"DELETE FROM {prefix}told WHERE platform = :platform "  # noqa: S608
        "AND organisation = :organisation AND kind = :kind AND subject = :subject "
        "AND route = :route",
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
    cursor: Cursor, prefix: str, platform: str, after: int, limit: int, organisation: str | None
) -> list[AccessChange]:
    """A page of a platform's access changes in log order after `seq` `after` (of one
    organisation, when given)."""
    only = "AND organisation = :organisation " if organisation else ""
    rows = cursor.execute(
        f"SELECT {', '.join(CHANGE_COLUMNS)} FROM {prefix}access_changes "  # noqa: S608
        f"WHERE platform = :platform AND seq > :after {only}ORDER BY seq LIMIT :limit",
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
