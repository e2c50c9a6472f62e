"""`toegang projections rebuild audit|status`: the audit view rebuilt from the log in place.

The audit tables are dropped and replayed by the audit projection itself (its own tables,
batches and tracking), so a rebuild builds exactly what a first start builds. Until it has
caught up, audit queries see the history up to the position it reached.
"""

from __future__ import annotations

from services.audit.projection import AUDIT_VERSION, NAME, AuditProjection, drop_tables
from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.projections.rebuild import Progress, Status, View


def rebuild_audit(
    event_log: EventLog,
    database: ViewDatabase,
    progress: Progress,
    batch_size: int = 5000,
    fresh: bool = True,
) -> int:
    """Replay the log into the audit tables; answer the position reached. `fresh` drops
    them first; without it, a rebuild left behind continues where it stopped."""
    if fresh:
        with database.transaction() as cursor:
            drop_tables(cursor)
    projection = AuditProjection(event_log, database, batch_size)
    projection.load()
    head = event_log.head()
    while projection.process_batch():
        progress(projection.position, max(head, projection.position))
    return projection.position


def audit_status(event_log: EventLog, database: ViewDatabase) -> Status:
    """The audit view's position, lag and events applied (a view without generations)."""
    head = event_log.head()
    with database.transaction() as cursor:
        rows = cursor.fetch_if_present("SELECT position, applied, version FROM audit_tracking")
    position, applied, version = (rows or [(0, 0, f"{AUDIT_VERSION} (not built yet)")])[0]
    return [
        {
            "view": NAME,
            "position": int(position),
            "lag": head - int(position),
            "applied": int(applied),
            "generation": "-",
            "version": version,
        }
    ]


AUDIT_VIEW = View(NAME, rebuild_audit, audit_status)
