"""Helpers for projection tests: snapshots of view state, replays, isolated stores."""

from __future__ import annotations

import random
from typing import Any

from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.projections import rows
from services.projections.runner import AccessProjection
from services.projections.state import TABLES, AccessState
from services.settings import Settings


def snapshot(state: AccessState) -> dict[str, list[Any]]:
    """Every row the state would store, per table, in a comparable order."""
    keys: dict[str, set[Any]] = {
        "keys": set(state.keys),
        "platforms": set(state.platforms),
        "organisations": set(state.organisations),
        "contracts": set(state.contracts),
        "coverage": {(*k, c) for k, cs in state.coverage.items() for c in cs},
        "advisors": set(state.advisors),
        "grants": set(state.grants),
        "agreements": set(state.agreements),
        "users": set(state.users),
        "told": set(state.told),
    }
    return {
        table: sorted(
            (r for r in (rows.view_row(state, table, k) for k in keys[table]) if r),
            key=lambda row: repr(sorted(row.items())),
        )
        for table in TABLES
    }


def assert_same_views(found: AccessState, expected: AccessState) -> None:
    """The two states store the same rows; on a difference, name only the rows that differ."""
    mine, theirs = snapshot(found), snapshot(expected)
    differing = {
        table: {
            "only here": [row for row in mine[table] if row not in theirs[table]],
            "only expected": [row for row in theirs[table] if row not in mine[table]],
        }
        for table in TABLES
        if mine[table] != theirs[table]
    }
    assert not differing, differing


def isolated_projection(
    log: EventLog, database: ViewDatabase, batch_size: int = 1000
) -> AccessProjection:
    """A projection into its own tables (random prefix), beside whatever else runs."""
    tag = f"t{random.getrandbits(40):010x}"
    projection = AccessProjection(log, database, batch_size, prefix=f"{tag}_", name=tag)
    projection.load()
    return projection


def replay(settings: Settings) -> AccessState:
    """The state a from-scratch replay of the whole log gives, without touching any table."""
    from services.eventlog.log import open_event_log

    log = open_event_log(settings)
    state = AccessState()
    try:
        after = 0
        while batch := log.read(after, 5000):
            for notification in batch:
                state.apply(log.decode(notification), notification.id)
            after = batch[-1].id
    finally:
        log.close()
    state.take_dirty()
    return state


def count_events(settings: Settings, up_to: int) -> int:
    from services.eventlog.log import open_event_log

    log = open_event_log(settings)
    try:
        return len([n for n in log.read(0, 10**9) if n.id <= up_to])
    finally:
        log.close()
