"""Listings from the access state: an employer's grants, an advisor's clients."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from services.grants.domain.platform_user import NotMasterUser
from services.projections.login import PlatformUnknown, Portal
from services.projections.records import GrantRow
from services.projections.state import AccessState


def summary(state: AccessState, row: GrantRow, now: datetime) -> dict[str, Any]:
    return {
        "grant_id": row.grant_id,
        "grantor": row.grantor,
        "grantor_name": state.organisations.get(row.grantor),
        "grantee": row.grantee,
        "grantee_name": state.organisations.get(row.grantee),
        "rights": row.rights,
        "status": row.status_at(now),
        "requested_at": row.requested_at,
        "expires_at": row.expires_at,
        "valid_until": row.valid_until,
        "active_since": row.active_since,
        "ended_at": row.ended_at,
        "end_reason": row.end_reason,
    }


def _rows(grants: Iterable[GrantRow]) -> list[GrantRow]:
    return sorted((row for row in grants if row.status != "new"), key=lambda row: row.position)


def organisation_grants(
    state: AccessState, platform: str, organisation: str, now: datetime
) -> dict[str, Any]:
    """Grants given and received by an organisation on a platform, with their status now."""
    _known(state, platform)
    return {
        "organisation": organisation,
        "name": state.organisations.get(organisation),
        "covered": state.is_covered(platform, organisation),
        "given": [summary(state, r, now) for r in _rows(state.grants_from(platform, organisation))],
        "received": [
            summary(state, r, now) for r in _rows(state.grants_to(platform, organisation))
        ],
    }


def advisor_clients(
    state: AccessState,
    platform: str,
    advisor: str,
    now: datetime,
    after: str | None = None,
    limit: int = 1000,
) -> dict[str, Any]:
    """The employers whose grants to this advisor are active or awaiting confirmation, by
    organisation number: `limit` of them after `after`, and where the next page starts."""
    _known(state, platform)
    registration = state.advisors.get((platform, advisor))
    licensed = registration is None or bool(registration["licensed"])
    rows = [
        row
        for row in _rows(state.grants_to(platform, advisor))
        if licensed or row.basis != "advisor"  # ended by the withdrawal, before the sweeper
    ]
    clients = sorted(
        (r for r in rows if r.status_at(now) in ("active", "pending")), key=lambda r: r.grantor
    )
    start = bisect.bisect_right([r.grantor for r in clients], after) if after else 0
    page = clients[start : start + limit]
    more = start + limit < len(clients)
    return {
        "advisor": advisor,
        "name": state.organisations.get(advisor),
        "licensed": registration["licensed"] if registration else None,
        "clients": [summary(state, r, now) for r in page],
        "next_after": page[-1].grantor if more else None,
    }


def portal_page(portals: list[Portal], after: str | None, limit: int) -> dict[str, Any]:
    """A login's portals, its own first and then by organisation number: `limit` of them
    after the organisation `after`, and where the next page starts."""
    own = {p.organisation for p in portals if p.via == "own"}
    ordered = sorted(portals, key=lambda p: (p.organisation not in own, p.organisation))
    keys = [(p.organisation not in own, p.organisation) for p in ordered]
    start = bisect.bisect_right(keys, (after not in own, after)) if after else 0
    page = ordered[start : start + limit]
    more = start + limit < len(ordered)
    return {
        "portals": [vars(p) for p in page],
        "next_after": page[-1].organisation if more else None,
    }


def _known(state: AccessState, platform: str) -> None:
    if platform not in state.platforms:
        raise PlatformUnknown.of(platform)


def organisation_users(
    state: AccessState, platform: str, organisation: str, master: str, now: datetime
) -> dict[str, Any]:
    """The master user's list of the organisation's users: status, rights, scope, expiry."""
    _known(state, platform)
    user = state.users.get(master)
    agreement = state.agreements.get((platform, organisation))
    if (
        user is None
        or agreement is None
        or agreement["master_user_id"] != master
        or (user.status != "active")
    ):
        raise NotMasterUser("only the organisation's master user on this platform may")
    today = now.date().isoformat()
    rows = sorted(
        (state.users[u] for u in state.users_of.get((platform, organisation), ())),
        key=lambda row: row.position,
    )
    return {
        "organisation": organisation,
        "agreement": agreement["reference"],
        "users": [
            {
                "user_id": r.user_id,
                "login": r.login,
                "name": r.name,
                "is_master": r.is_master,
                "rights": r.rights,
                "contracts": r.contracts,
                "external": r.external,
                "assignment": r.assignment,
                "valid_until": r.valid_until,
                "status": r.status_on(today),
                "end_reason": r.end_reason,
                "since": r.since,
                "ended_at": r.ended_at,
                "agreement": r.agreement,
                "activated": bool(r.activated_at),
            }
            for r in rows
        ],
    }
