"""The access API's examples: the README walk-throughs' questions, as the views answered them.

The advisor's portals and the employer's and advisor's lists are read just after the grant
walk-through's confirmation (view rights, active); Jan's checks are step 3 of the credential
walk-through, its user list step 5. People, ids, positions and instants are those of
`services.grants.examples`; the reasons' texts are the default locale's (nl).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.eventlog.event_ids import SEQUENCE_SPAN, event_id
from services.grants import examples as ex
from services.grants.domain import catalogue_access as access
from services.projections.changes import AccessChange, Holder

PORTALS_IN: dict[str, Any] = {"actor": ex.ADVISOR_ACTOR, "min_position": ex.CONFIRMED}
PORTALS_OUT: dict[str, Any] = {
    "portals": [{"organisation": ex.EMPLOYER, "rights": "view", "via": "grant"}],
    "next_after": None,
    "position": ex.CONFIRMED,
}

_JAN_ASKS: dict[str, Any] = {
    "actor": ex.JAN_ACTOR,
    "organisation": ex.BELGIAN_EMPLOYER,
    "action": "view",
    "contract": ex.CONTRACT,
}
"""Jan's first question of step 3: may he view contract G-2024-001?"""
CHECK_IN: dict[str, Any] = {**_JAN_ASKS, "min_position": ex.CONSULTANT_ADDED}
_ALLOWED: dict[str, Any] = {"allowed": True, "rights": "view", "via": "user", "reasons": []}
CHECK_OUT: dict[str, Any] = {**_ALLOWED, "position": ex.CONSULTANT_ADDED}

BATCH_IN: dict[str, Any] = {
    "checks": [
        _JAN_ASKS,
        {**_JAN_ASKS, "action": "edit"},
        {**_JAN_ASKS, "contract": ex.OTHER_CONTRACT},
    ],
    "min_position": ex.CONSULTANT_ADDED,
}
"""Step 3's three questions in one batch."""
_VIEW_ONLY: dict[str, Any] = {
    "code": "rights_insufficient",
    "message": "Uw gebruikersfiche geeft alleen het recht 'raadplegen'.",
    "remedy": "Vraag de master user van uw organisatie uw fiche te wijzigen naar "
    "'raadplegen en invoeren'.",
}
_OTHER_CONTRACT: dict[str, Any] = {
    "code": "contract_out_of_scope",
    "message": "Het gevraagde contract hoort niet bij de contracten waarvoor deze toegang geldt.",
    "remedy": "Kies een van de contracten van de werkgever op dit portaal, of vraag toegang tot "
    "dit contract.",
}
BATCH_OUT: dict[str, Any] = {
    "results": [
        {**_ALLOWED, "problem": None},
        {**_ALLOWED, "allowed": False, "reasons": [_VIEW_ONLY], "problem": None},
        {**_ALLOWED, "allowed": False, "reasons": [_OTHER_CONTRACT], "problem": None},
    ],
    "position": ex.CONSULTANT_ADDED,
}

_GRANT: dict[str, Any] = {
    "grant_id": ex.GRANT_ID,
    "grantor": ex.EMPLOYER,
    "grantor_name": ex.EMPLOYER_NAME,
    "grantee": ex.ADVISOR,
    "grantee_name": ex.ADVISOR_NAME,
    "rights": "view",
    "status": "active",
    "requested_at": ex.REQUESTED_AT.isoformat(),
    "expires_at": ex.LINK_EXPIRES_AT.isoformat(),
    "valid_until": None,
    "active_since": ex.CONFIRMED_AT.isoformat(),
    "ended_at": None,
    "end_reason": None,
}
"""The walk-through's grant once confirmed, as both lists show it."""
ORGANISATION_GRANTS_OUT: dict[str, Any] = {
    "organisation": ex.EMPLOYER,
    "name": ex.EMPLOYER_NAME,
    "covered": True,
    "given": [_GRANT],
    "received": [],
    "position": ex.CONFIRMED,
}
ADVISOR_CLIENTS_OUT: dict[str, Any] = {
    "advisor": ex.ADVISOR,
    "name": ex.ADVISOR_NAME,
    "licensed": True,
    "clients": [_GRANT],
    "next_after": None,
    "position": ex.CONFIRMED,
}


def _user(user_id: str, login: str, name: str, since: datetime, **fiche: Any) -> dict[str, Any]:
    internal = {"contracts": "all", "external": False, "assignment": None, "valid_until": None}
    return {
        "user_id": user_id,
        "login": login,
        "name": name,
        "is_master": False,
        "rights": "edit",
        **internal,
        "status": "active",
        "end_reason": None,
        "since": since.isoformat(),
        "ended_at": None,
        "agreement": ex.AGREEMENT,
        "activated": False,
        **fiche,
    }


def _since(second: int, micro: int) -> datetime:
    return datetime(2026, 12, 3, 9, 54, second, micro, tzinfo=UTC)


ORGANISATION_USERS_OUT: dict[str, Any] = {
    "organisation": ex.BELGIAN_EMPLOYER,
    "agreement": ex.AGREEMENT,
    "users": [
        _user(ex.MASTER_ID, ex.MASTER_LOGIN, ex.MASTER_NAME, _since(22, 480278), is_master=True),
        _user(
            ex.CONSULTANT_ID,
            ex.CONSULTANT_LOGIN,
            ex.CONSULTANT_NAME,
            _since(22, 526998),
            external=True,
            assignment=ex.ASSIGNMENT,
            valid_until=ex.VALID_UNTIL,
        ),
        _user(ex.JAN_ID, ex.JAN_LOGIN, ex.JAN_NAME, _since(22, 514849)),
    ],
    "position": ex.JAN_CHANGED,
}
"""Step 5: the master user's list after Jan's new fiche (the consultant not yet revoked)."""


def _grant_change(
    position: int, kind: Any, before: str | None, after: str | None, at: datetime
) -> dict[str, Any]:
    """A change of the walk-through's grant, as the feed answers it."""
    change = AccessChange(
        seq=position * SEQUENCE_SPAN,
        holder=Holder(ex.PLATFORM, ex.EMPLOYER, "organisation", ex.ADVISOR, "grant"),
        rights_before=before,
        rights_after=after,
        cause_type=kind.type,
        event_id=event_id(ex.GRANT_ID, position - ex.OPENED + 1),
        position=position,
        at=at.isoformat(),
    )
    return change.as_record()


ACCESS_CHANGES_OUT: dict[str, Any] = {
    "changes": [
        _grant_change(ex.CONFIRMED, access.GRANT_CONFIRMED, None, "view", ex.CONFIRMED_AT),
        _grant_change(ex.CHANGED, access.GRANT_RIGHTS_CHANGED, "view", "edit", ex.CHANGED_AT),
        _grant_change(ex.REVOKED, access.GRANT_REVOKED, "edit", None, ex.REVOKED_AT),
    ],
    "next_after": ex.REVOKED * SEQUENCE_SPAN,
    "position": ex.REVOKED,
}
"""The grant walk-through's changes: confirmed (view), raised to edit, revoked."""
