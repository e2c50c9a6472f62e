"""Records what has become due as explicit events: pending grant requests and user fiches
past their date, and the revocation of open grants whose advisor's licence was withdrawn.

Candidates come from the view tables (pending grants by expiry, active grants and users by
valid_until, active grants whose end date is near and not yet reminded, open advisor grants
of unlicensed advisors); each is re-checked on its aggregates by the use case,
so a stale view can never expire or revoke too much. Checks do not wait for the sweeper: they
deny from the withdrawal's (or the expiry's) moment on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from services.eventlog.database import Cursor, ViewDatabase
from services.grants.grant_use_cases import GrantUseCases

log = logging.getLogger("toegang.sweeper")


class UserExpiry(Protocol):
    """The credential platforms' use case the sweeper records a passed valid_until with."""

    def expire_user(self, user_id: str) -> dict[str, Any]: ...


class Sweepable(Protocol):
    """What the sweeper records through: the grant and user use cases, and the clock."""

    @property
    def grants(self) -> GrantUseCases: ...

    @property
    def users(self) -> UserExpiry: ...

    @property
    def clock(self) -> Callable[[], datetime]: ...


CANDIDATES = {
    "ended": "SELECT grant_id FROM view_grants WHERE (status = 'pending' AND expires_at <= :now)"
    " OR (status = 'active' AND valid_until < :today)",
    "reminders": "SELECT grant_id FROM view_grants WHERE status = 'active'"
    " AND valid_until >= :today AND valid_until <= :horizon"
    " AND (reminded_for IS NULL OR reminded_for <> valid_until)",
    "users": "SELECT user_id FROM view_users WHERE status = 'active' AND valid_until < :today",
    "withdrawn": "SELECT g.grant_id FROM view_grants g JOIN view_advisors a"
    " ON a.platform = g.platform AND a.organisation = g.grantee"
    " WHERE a.licensed = 0 AND g.basis = 'advisor' AND g.status IN ('pending', 'active')",
}
"""The candidates of each kind, by the comparisons of `time_rules` (each query takes the
same named values: `now`, `today` and the reminder `horizon`)."""


class ExpirySweeper:
    """Periodically append GrantRequestExpired, GrantExpired, GrantEndReminderDue,
    PlatformUserExpired and the GrantRevoked of withdrawn licences where they are due."""

    def __init__(self, app: Sweepable, database: ViewDatabase) -> None:
        self.app, self.database = app, database

    def sweep(self) -> int:
        """Record what is due now; answer how many aggregates were looked at.

        The queries preselect by the comparisons of `time_rules`; each aggregate decides.
        """
        with self.database.transaction() as cursor:
            due = self._candidates(cursor, self.app.clock())
        grants, users = self.app.grants, self.app.users
        steps = (
            (due["ended"], grants.expire_grant_request),
            (due["reminders"], grants.remind_grant_end),
            (due["users"], users.expire_user),
            (due["withdrawn"], grants.revoke_after_licence_withdrawal),
        )
        for ids, record in steps:
            for (aggregate_id,) in ids:
                record(aggregate_id)
        return sum(len(ids) for ids, _ in steps)

    def _candidates(self, cursor: Cursor, now: datetime) -> dict[str, list[Any]]:
        today = now.date().isoformat()
        horizon = (now.date() + timedelta(days=self.app.grants.reminder_days)).isoformat()
        at = {"now": now.isoformat(), "today": today, "horizon": horizon}
        return {name: cursor.execute(query, at).fetchall() for name, query in CANDIDATES.items()}

    def run(self, stop: threading.Event, interval: float = 60.0) -> None:
        """Sweep every `interval` seconds until `stop` is set; failures are logged."""
        while not stop.wait(interval):
            try:
                self.sweep()
            except Exception:
                log.exception("expiry sweep failed; will retry")
