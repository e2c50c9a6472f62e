"""Queries over the audit tables: who had which access when, and which events concern whom.

Plain SQL over what `AuditProjection` stored, no in-memory state: any process may call these
with its own `ViewDatabase`. Instants go in as aware datetimes and are compared as the
fixed-width UTC text the tables hold.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from services.audit.timefmt import instant
from services.eventlog.database import ViewDatabase

ACCESS_COLUMNS = (
    "kind",
    "subject_id",
    "holder",
    "rights",
    "scope",
    "route",
    "approved_by",
    "since",
    "valid_from",
    "valid_to",
)
TIMELINE_COLUMNS = (
    "interval_id",
    "platform",
    "organisation",
    *ACCESS_COLUMNS,
    "from_position",
    "to_position",
)


def _interval(columns: tuple[str, ...], values: tuple[Any, ...]) -> dict[str, Any]:
    row = dict(zip(columns, values, strict=True))
    for name in ("scope", "approved_by"):
        row[name] = json.loads(row[name]) if row[name] is not None else None
    for name in ("from_position", "to_position"):
        if row.get(name) is not None:
            row[name] = int(row[name])
    return row


def access_at(
    database: ViewDatabase, platform: str, organisation: str, at: datetime
) -> list[dict[str, Any]]:
    """Who had access to `organisation`'s data on `platform` at `at`, and through what.

    Each answer: kind (`grant`/`user`), subject_id, holder (grantee or login), rights, scope
    (a user's contracts), route, approved_by (the actor who opened the interval), since (when
    the continuous access began), valid_from and valid_to of the interval; by kind and holder.
    """
    statement = (
        f"SELECT {', '.join(ACCESS_COLUMNS)} FROM audit_intervals "  # noqa: S608
        "WHERE platform = :platform AND organisation = :organisation "
        "AND valid_from <= :at AND (valid_to IS NULL OR valid_to > :at) "
        "ORDER BY kind, holder, subject_id"
    )
    params = {"platform": platform, "organisation": organisation, "at": instant(at)}
    with database.reading() as cursor:
        rows = cursor.execute(statement, params).fetchall()
    return [_interval(ACCESS_COLUMNS, row) for row in rows]


def intervals_of(
    database: ViewDatabase, platform: str | None, organisation: str
) -> list[dict[str, Any]]:
    """Every access interval (open and closed) to `organisation`'s data, on one platform or
    all (`platform` None), by holder and start: the timeline of a report."""
    where = "organisation = :organisation"
    if platform is not None:
        where += " AND platform = :platform"
    statement = (
        f"SELECT {', '.join(TIMELINE_COLUMNS)} FROM audit_intervals WHERE {where} "  # noqa: S608
        "ORDER BY holder, valid_from, interval_id"
    )
    with database.reading() as cursor:
        rows = cursor.execute(
            statement, {"organisation": organisation, "platform": platform}
        ).fetchall()
    return [_interval(TIMELINE_COLUMNS, row) for row in rows]


def history_positions(
    database: ViewDatabase,
    *,
    platform: str | None = None,
    organisation: str | None = None,
    grant_id: str | None = None,
    user_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    after: int = 0,
    limit: int = 100,
) -> list[int]:
    """Positions of the events matching every filter given, ascending, after `after`.

    `platform` matches the platform the event's aggregate belongs to; with `organisation`
    also given, that organisation's own events, which belong to no platform (registration,
    new name or contact address), come along; `organisation` any organisation the event concerns (as
    grantor, grantee, user organisation or subject); `start <= time < end`. Page with `after`
    set to the last position of the previous page.
    """
    on_platform = "e.platform = :platform"
    if organisation is not None:
        on_platform = "(e.platform = :platform OR e.platform IS NULL)"
    filters = {
        "platform": (on_platform, platform),
        "grant_id": ("e.grant_id = :grant_id", grant_id),
        "user_id": ("e.user_id = :user_id", user_id),
        "start": ("e.time >= :start", instant(start) if start else None),
        "end": ("e.time < :end", instant(end) if end else None),
        "organisation": (
            "e.position IN (SELECT p.position FROM audit_parties p "
            "WHERE p.organisation = :organisation AND p.position > :after)",
            organisation,
        ),
    }
    params: dict[str, Any] = {"after": after, "limit": limit}
    clauses = ["e.position > :after"]
    for name, (clause, value) in filters.items():
        if value is not None:
            clauses.append(clause)
            params[name] = value
    statement = (
        f"SELECT e.position FROM audit_events e WHERE {' AND '.join(clauses)} "  # noqa: S608
        "ORDER BY e.position LIMIT :limit"
    )
    with database.reading() as cursor:
        return [int(row[0]) for row in cursor.execute(statement, params).fetchall()]


NAMING = ("OrganisationRegistered", "OrganisationRenamed")
PLATFORM_SETTINGS = ("PlatformConfigured", "PlatformReconfigured")


def _listed(prefix: str, values: list[str]) -> tuple[str, dict[str, str]]:
    """`:pa, :pb, …` for an IN list, and its parameters (`:name` parameters are letters)."""
    params = {prefix + "".join(chr(97 + int(d)) for d in str(i)): v for i, v in enumerate(values)}
    return ", ".join(":" + name for name in params), params


def platforms_of_events(database: ViewDatabase, organisation: str) -> dict[int, str | None]:
    """The platform of every event concerning `organisation`, by position (None: on none)."""
    statement = (
        "SELECT e.position, e.platform FROM audit_events e WHERE e.position IN "
        "(SELECT p.position FROM audit_parties p WHERE p.organisation = :organisation)"
    )
    with database.reading() as cursor:
        rows = cursor.execute(statement, {"organisation": organisation}).fetchall()
    return {int(position): platform for position, platform in rows}


def naming_positions(database: ViewDatabase, organisations: list[str]) -> list[tuple[int, str]]:
    """(position, organisation) of the events that name these organisations, in log order."""
    if not organisations:
        return []
    orgs, params = _listed("o", organisations)
    kinds, more = _listed("t", list(NAMING))
    statement = (
        "SELECT e.position, p.organisation FROM audit_events e JOIN audit_parties p "  # noqa: S608
        f"ON p.position = e.position WHERE e.type IN ({kinds}) AND p.organisation IN ({orgs}) "
        "ORDER BY e.position"
    )
    with database.reading() as cursor:
        rows = cursor.execute(statement, {**params, **more}).fetchall()
    return [(int(position), organisation) for position, organisation in rows]


def platform_settings_position(database: ViewDatabase, platform: str) -> int | None:
    """The position of the event that set `platform`'s current settings (None: unknown)."""
    kinds, params = _listed("t", list(PLATFORM_SETTINGS))
    statement = (
        f"SELECT MAX(position) FROM audit_events WHERE type IN ({kinds}) "  # noqa: S608
        "AND platform = :platform"
    )
    with database.reading() as cursor:
        row = cursor.execute(statement, {**params, "platform": platform}).fetchone()
    return int(row[0]) if row and row[0] is not None else None
