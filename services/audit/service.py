"""The audit use cases: history, access at an instant, chain verification, report.

One object per process holds the audit projection (which keeps the audit tables current),
its own connection for queries, the trail reader and the chain verifier. The API and the
`toegang audit` commands both go through it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.audit import views
from services.audit.projection import AuditProjection
from services.audit.timefmt import instant
from services.audit.trail import AuditTrail
from services.audit.verify import ChainVerifier, Report
from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog, open_event_log
from services.settings import Settings

log = logging.getLogger("toegang.audit")
PAGE = 500


@dataclass(frozen=True)
class HistoryFilter:
    """Which events an auditor asks for; every field given must match."""

    platform: str | None = None
    organisation: str | None = None
    grant_id: str | None = None
    user_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def as_query(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


class AuditService:
    """History, point-in-time access, verification and reports over one event store."""

    def __init__(
        self,
        event_log: EventLog,
        projection: AuditProjection,
        queries: ViewDatabase,
        checks: ViewDatabase,
    ) -> None:
        self.log, self.projection, self.queries = event_log, projection, queries
        self.trail = AuditTrail(event_log, queries)
        self.verifier = ChainVerifier(checks, self.trail.table)  # its own connection: long reads
        self.last_check: tuple[datetime, Report] | None = None
        self._verifying = threading.Lock()

    @property
    def position(self) -> int:
        return self.projection.position

    def history(self, query: HistoryFilter, after: int = 0, limit: int = 100) -> dict[str, Any]:
        """One page of matching history entries in log order, with the cursor for the next."""
        positions = views.history_positions(
            self.queries, **query.as_query(), after=after, limit=limit
        )
        entries = self.trail.entries(positions)
        more = len(positions) == limit
        return {
            "entries": entries,
            "next_after": positions[-1] if more else None,
            "position": self.position,
        }

    def all_history(self, query: HistoryFilter) -> Iterator[dict[str, Any]]:
        """Every matching entry, page by page (for exports and reports)."""
        after: int | None = 0
        while after is not None:
            page = self.history(query, after, PAGE)
            yield from page["entries"]
            after = page["next_after"]

    def access_at(self, platform: str, organisation: str, at: datetime) -> dict[str, Any]:
        """Every grant and platform user with access to `organisation`'s data at `at`."""
        return {
            "platform": platform,
            "organisation": organisation,
            "at": instant(at),
            "access": views.access_at(self.queries, platform, organisation, at),
            "position": self.position,
        }

    def verify(self) -> Report:
        """Recompute the whole hash chain now; remember the outcome for readiness."""
        with self._verifying:
            report = self.verifier.verify()
        self.last_check = (datetime.now(UTC), report)
        if not report.ok:
            first = report.problems[0]
            log.error(
                "hash chain broken: %s at position %s (%d problems)",
                first.kind,
                first.position,
                len(report.problems),
            )
        return report

    def chain_status(self) -> dict[str, Any]:
        """The last verification, for /readyz (None before the first)."""
        if self.last_check is None:
            return {"checked": False}
        at, report = self.last_check
        first = vars(report.problems[0]) if report.problems else None
        return {"checked": True, "intact": report.ok, "at": instant(at), "first_problem": first}

    def watch_chain(self, stop: threading.Event, interval: float) -> None:
        """Verify at start and then every `interval` seconds; a failure is logged, never fatal."""
        while not stop.is_set():
            try:
                self.verify()
            except Exception:
                log.exception("hash chain verification could not run; will retry")
            stop.wait(interval)

    def close(self) -> None:
        self.queries.close()
        self.verifier.database.close()
        self.projection.database.close()


def open_audit(
    settings: Settings, catch_up: bool = False, event_log: EventLog | None = None
) -> AuditService:
    """The audit service on the configured store (this connects); `catch_up` first brings
    the audit tables up to the log's head (the commands do, the server's runner does too).
    A process that has the log open already passes it (one connection pool less)."""
    event_log = event_log or open_event_log(settings)
    projection = AuditProjection(
        event_log, ViewDatabase(settings, "audit"), settings.projection_batch_size
    )
    projection.load()
    if catch_up:
        projection.catch_up()
    return AuditService(
        event_log,
        projection,
        ViewDatabase(settings, "audit-queries"),
        ViewDatabase(settings, "audit-verify"),
    )
