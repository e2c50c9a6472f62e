"""The access view tables: schema, writing changed rows, loading the state back, swapping.

Live tables are `view_*`; a rebuild fills `rebuild_*` and swaps them in. Positions live in
`view_tracking` (one row per view, plus one per rebuild in progress) with a generation that
changes on every swap, so a running projection notices and reloads.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from services.projections.db import Cursor
from services.projections.state import TABLES, AccessState, GrantRow, UserRow

GRANT_COLUMNS = tuple(GrantRow.__dataclass_fields__)
USER_COLUMNS = tuple(UserRow.__dataclass_fields__)
SCHEMA = {
    "keys": "aggregate_id TEXT PRIMARY KEY, natural_key TEXT NOT NULL",
    "platforms": "platform TEXT PRIMARY KEY, settings TEXT NOT NULL",
    "organisations": "organisation TEXT PRIMARY KEY, name TEXT NOT NULL",
    "contracts": "platform TEXT, contract TEXT, holder TEXT NOT NULL, covered TEXT NOT NULL, "
    "name TEXT NOT NULL, PRIMARY KEY (platform, contract)",
    "coverage": "platform TEXT, organisation TEXT, contract TEXT, "
    "PRIMARY KEY (platform, organisation, contract)",
    "advisors": "platform TEXT, organisation TEXT, licensed INTEGER NOT NULL, licence TEXT, "
    "changed_at TEXT, PRIMARY KEY (platform, organisation)",
    "grants": "grant_id TEXT PRIMARY KEY, platform TEXT NOT NULL, grantor TEXT NOT NULL, "
    "grantee TEXT NOT NULL, rights TEXT, status TEXT NOT NULL, basis TEXT, "
    "requested_at TEXT, expires_at TEXT, active_since TEXT, ended_at TEXT, "
    "end_reason TEXT, position BIGINT NOT NULL",
    "agreements": "platform TEXT, organisation TEXT, reference TEXT NOT NULL, "
    "signed_on TEXT NOT NULL, notification_email TEXT NOT NULL, master_user_id TEXT, "
    "PRIMARY KEY (platform, organisation)",
    "users": "user_id TEXT PRIMARY KEY, platform TEXT NOT NULL, organisation TEXT NOT NULL, "
    "login TEXT NOT NULL, agreement TEXT NOT NULL, is_master INTEGER NOT NULL, "
    "name TEXT NOT NULL, email TEXT NOT NULL, rights TEXT NOT NULL, contracts TEXT NOT NULL, "
    "external INTEGER NOT NULL, assignment TEXT, valid_until TEXT, status TEXT NOT NULL, "
    "end_reason TEXT, since TEXT, ended_at TEXT, code_issued_at TEXT, activated_at TEXT, "
    "position BIGINT NOT NULL",
}
KEYS = {
    "keys": ("aggregate_id",),
    "platforms": ("platform",),
    "organisations": ("organisation",),
    "contracts": ("platform", "contract"),
    "coverage": ("platform", "organisation", "contract"),
    "advisors": ("platform", "organisation"),
    "grants": ("grant_id",),
    "agreements": ("platform", "organisation"),
    "users": ("user_id",),
}
INDEXES = {
    "grants_grantee": "grants (platform, grantee)",
    "grants_grantor": "grants (platform, grantor)",
    "grants_pending": "grants (status, expires_at)",
    "users_organisation": "users (platform, organisation)",
    "users_valid_until": "users (status, valid_until)",
}


VERSION = "access-2"
"""Bump when the tables or the handlers change meaning: stored views of another version are
dropped and replayed from the log on start."""
TRACKING = (
    "CREATE TABLE IF NOT EXISTS view_tracking (name TEXT PRIMARY KEY, "
    "position BIGINT NOT NULL, generation BIGINT NOT NULL, applied BIGINT NOT NULL, "
    "version TEXT NOT NULL)"
)


def create_tables(cursor: Cursor, prefix: str) -> None:
    """Create the tracking table and the view tables under `prefix` if they are missing."""
    cursor.execute(TRACKING)
    for table, columns in SCHEMA.items():
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {prefix}{table} ({columns})")
    if prefix == "view_":
        create_indexes_and_views(cursor)


def create_indexes_and_views(cursor: Cursor) -> None:
    for name, target in INDEXES.items():
        cursor.execute(f"CREATE INDEX IF NOT EXISTS view_{name} ON view_{target}")
    cursor.execute(
        "CREATE VIEW IF NOT EXISTS view_portal_access AS "
        "SELECT platform, grantee AS organisation, grantor AS portal, rights, 'grant' AS via, "
        "active_since AS since FROM view_grants WHERE status = 'active'"
    ) if not _is_postgres(cursor) else cursor.execute(
        "CREATE OR REPLACE VIEW view_portal_access AS "
        "SELECT platform, grantee AS organisation, grantor AS portal, rights, 'grant' AS via, "
        "active_since AS since FROM view_grants WHERE status = 'active'"
    )


def _is_postgres(cursor: Cursor) -> bool:
    return cursor._database.is_postgres


def drop_if_outdated(cursor: Cursor) -> bool:
    """Drop view tables written by another view version (or an older tracking layout)."""
    try:
        cursor.execute("SAVEPOINT probe")
        rows = cursor.execute("SELECT name, version FROM view_tracking").fetchall()
        cursor.execute("RELEASE SAVEPOINT probe")
    except Exception:  # noqa: BLE001 - a missing table or column both mean "outdated"
        cursor.execute("ROLLBACK TO SAVEPOINT probe")
        rows = [("?", "?")]
    if all(version == VERSION for _, version in rows):
        return False
    drop_tables(cursor, "view_")
    drop_tables(cursor, "rebuild_")
    cursor.execute("DROP TABLE IF EXISTS view_tracking")
    return True


def drop_tables(cursor: Cursor, prefix: str) -> None:
    if prefix == "view_":
        cursor.execute("DROP VIEW IF EXISTS view_portal_access")
    for table in SCHEMA:
        cursor.execute(f"DROP TABLE IF EXISTS {prefix}{table}")


def tracking(cursor: Cursor, name: str) -> tuple[int, int, int]:
    """(position, generation, events applied) of a view; zeros before its first batch."""
    row = cursor.execute(
        "SELECT position, generation, applied FROM view_tracking WHERE name = :name",
        {"name": name},
    ).fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def advance(cursor: Cursor, name: str, old: int, new: int, generation: int, count: int) -> bool:
    """Move the tracking position from `old` to `new`; False if someone else moved it."""
    if old == 0 and tracking(cursor, name) == (0, 0, 0):
        cursor.execute(
            "INSERT INTO view_tracking VALUES (:name, :new, :generation, :count, :version)",
            {
                "name": name,
                "new": new,
                "generation": generation,
                "count": count,
                "version": VERSION,
            },
        )
        return True
    cursor.execute(
        "UPDATE view_tracking SET position = :new, applied = applied + :count "
        "WHERE name = :name AND position = :old AND generation = :generation",
        {"name": name, "new": new, "old": old, "generation": generation, "count": count},
    )
    return cursor.rowcount == 1


def write_changes(
    cursor: Cursor, prefix: str, state: AccessState, dirty: dict[str, set[Any]]
) -> None:
    """Upsert the rows behind the dirty keys (delete coverage rows that disappeared)."""
    for table in TABLES:
        keys = dirty[table]
        if not keys:
            continue
        rows = [row for row in (view_row(state, table, key) for key in keys) if row is not None]
        if table == "coverage":
            gone = [
                dict(zip(KEYS[table], key, strict=True))
                for key in keys
                if key[2] not in state.coverage.get(key[:2], set())
            ]
            cursor.executemany(
                f"DELETE FROM {prefix}coverage WHERE platform = :platform "  # noqa: S608
                "AND organisation = :organisation AND contract = :contract",
                gone,
            )
        cursor.upsert_many(f"{prefix}{table}", KEYS[table], rows)


def view_row(state: AccessState, table: str, key: Any) -> dict[str, Any] | None:
    if table == "keys":
        return {"aggregate_id": str(key), "natural_key": json.dumps(state.keys[key])}
    if table == "platforms":
        return {"platform": key, "settings": json.dumps(state.platforms[key], sort_keys=True)}
    if table == "organisations":
        return {"organisation": key, "name": state.organisations[key]}
    if table == "contracts":
        contract = state.contracts[key]
        return {
            "platform": key[0],
            "contract": key[1],
            "holder": contract["holder"],
            "covered": json.dumps(contract["covered"]),
            "name": contract["name"],
        }
    if table == "coverage":
        present = key[2] in state.coverage.get(key[:2], set())
        return dict(zip(KEYS[table], key, strict=True)) if present else None
    if table == "advisors":
        advisor = state.advisors[key]
        return {
            "platform": key[0],
            "organisation": key[1],
            "licensed": int(advisor["licensed"]),
            "licence": advisor["licence"],
            "changed_at": advisor["changed_at"],
        }
    if table == "agreements":
        return {"platform": key[0], "organisation": key[1], **state.agreements[key]}
    if table == "users":
        row = dict(vars(state.users[key]))
        row.update(
            contracts=json.dumps(row["contracts"]),
            is_master=int(row["is_master"]),
            external=int(row["external"]),
        )
        return row
    return dict(vars(state.grants[key]))


def load_state(cursor: Cursor, prefix: str, name: str) -> tuple[AccessState, int]:
    """The state stored in the tables, with its position; and the tracking generation."""
    state = AccessState()
    for aggregate, key in _select(cursor, prefix, "keys", "aggregate_id, natural_key"):
        value = json.loads(key)
        state.keys[UUID(aggregate)] = tuple(value) if isinstance(value, list) else value
    for slug, settings in _select(cursor, prefix, "platforms", "platform, settings"):
        state.platforms[slug] = json.loads(settings)
    for ref, org_name in _select(cursor, prefix, "organisations", "organisation, name"):
        state.organisations[ref] = org_name
    for platform, contract, holder, covered, title in _select(
        cursor, prefix, "contracts", "platform, contract, holder, covered, name"
    ):
        state.contracts[(platform, contract)] = {
            "holder": holder,
            "covered": json.loads(covered),
            "name": title,
        }
    for platform, organisation, contract in _select(
        cursor, prefix, "coverage", "platform, organisation, contract"
    ):
        state.coverage[(platform, organisation)].add(contract)
    for platform, organisation, licensed, licence, changed_at in _select(
        cursor, prefix, "advisors", "platform, organisation, licensed, licence, changed_at"
    ):
        state.advisors[(platform, organisation)] = {
            "licensed": bool(licensed),
            "licence": licence,
            "changed_at": changed_at,
        }
    for platform, organisation, reference, signed_on, email, master in _select(
        cursor,
        prefix,
        "agreements",
        "platform, organisation, reference, signed_on, notification_email, master_user_id",
    ):
        state.agreements[(platform, organisation)] = {
            "reference": reference,
            "signed_on": signed_on,
            "notification_email": email,
            "master_user_id": master,
        }
    for values in _select(cursor, prefix, "users", ", ".join(USER_COLUMNS)):
        row = UserRow(**dict(zip(USER_COLUMNS, values, strict=True)))
        row.contracts = json.loads(str(row.contracts))
        row.is_master, row.external = bool(row.is_master), bool(row.external)
        state.add_user(row)
    for values in _select(cursor, prefix, "grants", ", ".join(GRANT_COLUMNS)):
        state.add_grant(GrantRow(**dict(zip(GRANT_COLUMNS, values, strict=True))))
    state.position, generation, _ = tracking(cursor, name)
    return state, generation


def _select(cursor: Cursor, prefix: str, table: str, columns: str) -> list[tuple[Any, ...]]:
    return cursor.execute(f"SELECT {columns} FROM {prefix}{table}").fetchall()  # noqa: S608


def swap_in(cursor: Cursor, name: str, rebuilt: str) -> None:
    """Replace the live tables by the rebuilt ones and move tracking over, in one transaction."""
    position, _, applied = tracking(cursor, rebuilt)
    _, generation, _ = tracking(cursor, name)
    drop_tables(cursor, "view_")
    for table in SCHEMA:
        cursor.execute(f"ALTER TABLE rebuild_{table} RENAME TO view_{table}")
    create_indexes_and_views(cursor)
    cursor.execute(
        "DELETE FROM view_tracking WHERE name IN (:name, :rebuilt)",
        {"name": name, "rebuilt": rebuilt},
    )
    cursor.execute(
        "INSERT INTO view_tracking VALUES (:name, :position, :generation, :applied, :version)",
        {
            "name": name,
            "position": position,
            "generation": generation + 1,
            "applied": applied,
            "version": VERSION,
        },
    )
