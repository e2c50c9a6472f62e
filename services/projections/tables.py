"""The access view tables: schema, writing changed rows, loading the state back, swapping.

Live tables are `view_*`; a rebuild fills `rebuild_*` and swaps them in. Positions live in
`view_tracking` (one row per view, plus one per rebuild in progress) with a generation that
changes on every swap, so a running projection notices and reloads.
"""

from __future__ import annotations

from services.eventlog.database import Cursor
from services.eventlog.tracking import TrackingTable

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
    "end_reason TEXT, position BIGINT NOT NULL, valid_until TEXT, reminded_for TEXT",
    "agreements": "platform TEXT, organisation TEXT, reference TEXT NOT NULL, "
    "signed_on TEXT NOT NULL, notification_email TEXT NOT NULL, master_user_id TEXT, "
    "PRIMARY KEY (platform, organisation)",
    "users": "user_id TEXT PRIMARY KEY, platform TEXT NOT NULL, organisation TEXT NOT NULL, "
    "login TEXT NOT NULL, agreement TEXT NOT NULL, is_master INTEGER NOT NULL, "
    "name TEXT, email TEXT, rights TEXT NOT NULL, contracts TEXT NOT NULL, "
    "external INTEGER NOT NULL, assignment TEXT, valid_until TEXT, status TEXT NOT NULL, "
    "end_reason TEXT, since TEXT, ended_at TEXT, code_issued_at TEXT, activated_at TEXT, "
    "position BIGINT NOT NULL",
    "told": "row_id TEXT PRIMARY KEY, rights TEXT NOT NULL",
    "access_changes": "seq BIGINT PRIMARY KEY, change_id TEXT NOT NULL, platform TEXT NOT NULL, "
    "organisation TEXT NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, route TEXT NOT NULL, "
    "rights_before TEXT, rights_after TEXT, cause_type TEXT NOT NULL, event_id TEXT NOT NULL, "
    "position BIGINT NOT NULL, at TEXT NOT NULL",
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
    "told": ("row_id",),
}
INDEXES = {
    "grants_grantee": "grants (platform, grantee)",
    "grants_grantor": "grants (platform, grantor)",
    "grants_pending": "grants (status, expires_at)",
    "grants_valid_until": "grants (status, valid_until)",
    "users_organisation": "users (platform, organisation)",
    "users_valid_until": "users (status, valid_until)",
    "access_changes_platform": "access_changes (platform, seq)",
}


VERSION = "access-5"
"""Bump when the tables or the handlers change meaning: stored views of another version are
dropped and replayed from the log on start."""
TRACKING = (
    "CREATE TABLE IF NOT EXISTS view_tracking (name TEXT PRIMARY KEY, "
    "position BIGINT NOT NULL, generation BIGINT NOT NULL, applied BIGINT NOT NULL, "
    "version TEXT NOT NULL)"
)

VIEW_TRACKING = TrackingTable("view_tracking")


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
    """Drop view tables written by another view version (or an older tracking layout);
    answer whether there were any (an empty store has none: nothing is dropped)."""
    rows = cursor.fetch_if_present("SELECT name, version FROM view_tracking")
    if rows is None and not any(_present(cursor, t) for t in ("view_tracking", "view_grants")):
        return False
    if rows is None:  # a missing column: an older tracking layout
        rows = [("?", "?")]
    if all(version == VERSION for _, version in rows):
        return False
    drop_tables(cursor, "view_")
    drop_tables(cursor, "rebuild_")
    cursor.execute("DROP TABLE IF EXISTS view_tracking")
    return True


def _present(cursor: Cursor, table: str) -> bool:
    return cursor.fetch_if_present(f"SELECT 1 FROM {table} LIMIT 1") is not None  # noqa: S608


def is_current(cursor: Cursor) -> bool:
    """Whether the stored views were written by this view version."""
    rows = cursor.execute("SELECT version FROM view_tracking").fetchall()
    return bool(rows) and all(version == VERSION for (version,) in rows)


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
    return VIEW_TRACKING.move(cursor, name, old, new, count, generation=generation)


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
