"""The oracle for point-in-time access: replay the log up to an instant into a fresh state.

Slow (the whole log per question) but obviously right: it applies the events recorded up to
`at` to the access projection's own `AccessState` and reads who was active then. The audit
intervals must always agree with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from services.audit.timefmt import instant, parse_instant
from services.projections.state import AccessState


def replay_access_at(
    events_with_positions: Iterable[tuple[Any, int]],
    platform: str,
    organisation: str,
    at: datetime,
) -> list[dict[str, Any]]:
    """Who had access to `organisation`'s data on `platform` at `at`, by replaying the log.

    Each answer: kind, subject_id, holder, rights, since; ordered by kind and holder like
    `services.audit.views.access_at`. A naive `at` is taken as UTC.
    """
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    state = AccessState()
    for event, position in events_with_positions:
        if event.timestamp <= at:
            state.apply(event, position)
            state.take_changes()  # only the state at `at` is asked for
    today = at.astimezone(UTC).date().isoformat()
    grants = [
        _answer("grant", row.grant_id, row.grantee, row.rights, row.active_since)
        for row in state.grants.values()
        if (row.platform, row.grantor, row.status) == (platform, organisation, "active")
        and (row.valid_until is None or row.valid_until >= today)
    ]
    users = [
        _answer("user", row.user_id, row.login, row.rights, row.since)
        for row in state.users.values()
        if (row.platform, row.organisation, row.status) == (platform, organisation, "active")
        and (row.valid_until is None or row.valid_until >= today)
    ]
    return sorted(grants + users, key=lambda a: (a["kind"], a["holder"], a["subject_id"]))


def _answer(
    kind: str, subject_id: str, holder: str, rights: str | None, since: str | None
) -> dict[str, Any]:
    return {
        "kind": kind,
        "subject_id": subject_id,
        "holder": holder,
        "rights": rights,
        "since": instant(parse_instant(since)) if since else None,
    }
