"""Records expiries as explicit events: pending grant requests and user fiches past their date.

Candidates come from the view tables (pending grants by expiry, users by valid_until); each is
re-checked on its aggregate by the use case, so a stale view can never expire too much.
"""

from __future__ import annotations

import logging
import threading

from services.grants.application import GrantsApplication
from services.projections.db import ViewDatabase

log = logging.getLogger("toegang.sweeper")


class ExpirySweeper:
    """Periodically append GrantRequestExpired and PlatformUserExpired where they are due."""

    def __init__(self, app: GrantsApplication, database: ViewDatabase) -> None:
        self.app, self.database = app, database

    def sweep(self) -> int:
        """Expire what is due now; answer how many aggregates were looked at."""
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
        for (grant_id,) in grants:
            self.app.expire_grant_request(grant_id)
        for (user_id,) in users:
            self.app.expire_user(user_id)
        return len(grants) + len(users)

    def run(self, stop: threading.Event, interval: float = 60.0) -> None:
        """Sweep every `interval` seconds until `stop` is set; failures are logged."""
        while not stop.wait(interval):
            try:
                self.sweep()
            except Exception:
                log.exception("expiry sweep failed; will retry")
