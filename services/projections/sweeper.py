"""Records what has become due as explicit events: pending grant requests and user fiches
past their date, and the revocation of open grants whose advisor's licence was withdrawn.

Candidates come from the view tables (pending grants by expiry, users by valid_until, open
advisor grants of unlicensed advisors); each is re-checked on its aggregates by the use case,
so a stale view can never expire or revoke too much. Checks do not wait for the sweeper: they
deny from the withdrawal's (or the expiry's) moment on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from services.eventlog.database import ViewDatabase
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


class ExpirySweeper:
    """Periodically append GrantRequestExpired, PlatformUserExpired and the GrantRevoked of
    withdrawn licences where they are due."""

    def __init__(self, app: Sweepable, database: ViewDatabase) -> None:
        self.app, self.database = app, database

    def sweep(self) -> int:
        """Expire what is due now; answer how many aggregates were looked at.

        The queries preselect by the comparisons of `time_rules`; each aggregate decides.
        """
        now = self.app.clock()
        with self.database.transaction() as cursor:
            grants = cursor.execute(
                "SELECT grant_id FROM view_grants WHERE status = 'pending' AND expires_at <= :now",
                {"now": now.isoformat()},
            ).fetchall()
            users = cursor.execute(
                "SELECT user_id FROM view_users WHERE status = 'active' AND valid_until < :today",
                {"today": now.date().isoformat()},
            ).fetchall()
            withdrawn = cursor.execute(
                "SELECT g.grant_id FROM view_grants g JOIN view_advisors a"
                " ON a.platform = g.platform AND a.organisation = g.grantee"
                " WHERE a.licensed = 0 AND g.basis = 'advisor'"
                " AND g.status IN ('pending', 'active')"
            ).fetchall()
        for (grant_id,) in grants:
            self.app.grants.expire_grant_request(grant_id)
        for (user_id,) in users:
            self.app.users.expire_user(user_id)
        for (grant_id,) in withdrawn:
            self.app.grants.revoke_after_licence_withdrawal(grant_id)
        return len(grants) + len(users) + len(withdrawn)

    def run(self, stop: threading.Event, interval: float = 60.0) -> None:
        """Sweep every `interval` seconds until `stop` is set; failures are logged."""
        while not stop.wait(interval):
            try:
                self.sweep()
            except Exception:
                log.exception("expiry sweep failed; will retry")
