"""The examples of the OpenAPI document: the README walk-throughs, as the service answered them.

The values are the README's (its route-B, credential and audit walk-throughs, after
`toegang demo`); the answers were copied from a run of those walk-throughs against
`toegang serve`, in that order, with the random ids and the instants fixed. Each value is
written once: this module holds what the grants schemas show and what the other contexts
show of the same walk-throughs (the projections and credentials read both walk-throughs'
organisations, actors and users from here, as their schemas build on the grants' ones).
`tests/schemas/test_examples.py` checks every example against its route's model and schema.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

DV = "urn:etoegang:DV:00000001003214345000:services"
LOA3 = "urn:etoegang:core:assurance-class:loa3"

# --- Route B (eHerkenning): the grant walk-through ------------------------------------------

PLATFORM = "befrank-werkgeversportaal"
EMPLOYER = "kvk:12345678"
EMPLOYER_NAME = "Bakkerij De Korenschoof B.V."
EMPLOYER_EMAIL = "hr@korenschoof.example"
ADVISOR = "kvk:87654321"
ADVISOR_NAME = "Van Dijk Pensioenadvies"
LICENCE = "AFM-12345678"

ACTOR: dict[str, Any] = {
    "method": "eherkenning",
    "legal_subject": EMPLOYER,
    "acting_subject": "demo-person",
    "intermediary": None,
    "service_id": f"{DV}:2",
    "loa": LOA3,
}
"""The README's ACTOR: a person of the employer, with the `employer_edit` service."""
ADVISOR_ACTOR: dict[str, Any] = {**ACTOR, "legal_subject": ADVISOR, "service_id": f"{DV}:3"}
"""A person of the advisor logging in with the `advisor` service."""

PLATFORM_IN: dict[str, Any] = {
    "name": "BeFrank werkgeversportaal",
    "login": ["eherkenning"],
    "min_loa": "EH3",
    "services": {f"{DV}:1": "employer_view", f"{DV}:2": "employer_edit", f"{DV}:3": "advisor"},
    "chain_authorisation": "sufficient",
    "locale": "nl",
}

DEMO_POSITION = 26
"""The log's head after `toegang demo` (setting the demo's values again adds no event)."""
OPENED, REQUESTED, ISSUED, CONFIRMED, CHANGED, REVOKED = range(27, 33)
"""The grant walk-through's events, in log order."""
LICENCE_WITHDRAWN = 56
"""The advisor's licence withdrawn, after both walk-throughs."""


def _at(day: int, hour: int, minute: int, second: int, micro: int) -> datetime:
    return datetime(2026, 12, day, hour, minute, second, micro, tzinfo=UTC)


OPENED_AT = _at(3, 9, 54, 20, 206410)
REQUESTED_AT = _at(3, 9, 54, 20, 206792)
LINK_EXPIRES_AT = _at(10, 9, 54, 20, 206602)
ISSUED_AT = _at(3, 9, 54, 20, 207224)
CONFIRMED_AT = _at(3, 9, 54, 21, 745396)
CHANGED_AT = _at(3, 9, 54, 21, 858370)
REVOKED_AT = _at(3, 9, 54, 21, 903835)

GRANT_ID = "bf183fc3-ec86-54c2-8766-21e3599ef8a3"
TOKEN = f"{GRANT_ID.replace('-', '')}.AQGKu-_b7WwArgD3_mq4qRka4sEGgLs4B_MPO9oeNqo"
"""The token of the mailed confirmation link (`<grant id>.<secret>`)."""
LINK_ACTOR: dict[str, Any] = {"method": "confirmation_link", "client": "token:2b34baae4018"}
REVOKE_REASON = "adviseur gewisseld"

GRANT_EVENTS: list[tuple[int, datetime, str, dict[str, Any], dict[str, Any]]] = [
    (OPENED, OPENED_AT, "GrantOpened", ACTOR,
     {"platform": PLATFORM, "grantor": EMPLOYER, "grantee": ADVISOR}),
    (REQUESTED, REQUESTED_AT, "GrantRequested", ACTOR,
     {"rights": "view", "basis": "advisor", "expires_at": LINK_EXPIRES_AT.isoformat()}),
    (ISSUED, ISSUED_AT, "GrantConfirmationIssued", ACTOR,
     {"sent_to": EMPLOYER_EMAIL, "expires_at": LINK_EXPIRES_AT.isoformat()}),
    (CONFIRMED, CONFIRMED_AT, "GrantConfirmed", LINK_ACTOR, {}),
    (CHANGED, CHANGED_AT, "GrantRightsChanged", ACTOR, {"rights": "edit"}),
    (REVOKED, REVOKED_AT, "GrantRevoked", ACTOR, {"reason": REVOKE_REASON, "rights": "edit"}),
]  # fmt: skip
"""The grant's history: position, time, type, actor and facts of each event."""

# --- The grants API's bodies -------------------------------------------------------------------

GRANT_REQUEST_IN: dict[str, Any] = {
    "grantor": EMPLOYER,
    "grantee": ADVISOR,
    "rights": "view",
    "actor": ACTOR,
}
GRANT_REQUESTED: dict[str, Any] = {
    "position": ISSUED,
    "grant_id": GRANT_ID,
    "status": "pending_confirmation",
}
CONFIRM_IN: dict[str, Any] = {"token": TOKEN}
GRANT_CONFIRMED: dict[str, Any] = {"position": CONFIRMED, "grant_id": GRANT_ID, "status": "active"}
RIGHTS_CHANGE_IN: dict[str, Any] = {"rights": "edit", "actor": ACTOR}
REVOKE_IN: dict[str, Any] = {"reason": REVOKE_REASON, "actor": ACTOR}
_GRANT: dict[str, Any] = {
    "grant_id": GRANT_ID,
    "platform": PLATFORM,
    "grantor": EMPLOYER,
    "grantee": ADVISOR,
    "valid_until": None,
}
RIGHTS_CHANGED: dict[str, Any] = {
    "position": CHANGED,
    **_GRANT,
    "rights": "edit",
    "status": "active",
}
GRANT_REVOKED: dict[str, Any] = {
    "position": REVOKED,
    **_GRANT,
    "rights": "edit",
    "status": "revoked",
}
GRANT_WITH_HISTORY: dict[str, Any] = {
    **_GRANT,
    "rights": "edit",
    "status": "revoked",
    "history": [
        {"position": p, "time": t.isoformat(), "type": kind, "actor": actor, "data": data}
        for p, t, kind, actor, data in GRANT_EVENTS
    ],
}
"""The grant's page at the end of the walk-through (`GET /v1/grants/{grant_id}`)."""

ORGANISATION_IN: dict[str, Any] = {"name": EMPLOYER_NAME, "contact_email": EMPLOYER_EMAIL}
ORGANISATION_OUT: dict[str, Any] = {"position": DEMO_POSITION, "organisation": EMPLOYER}
PLATFORM_OUT: dict[str, Any] = {"position": DEMO_POSITION, "platform": PLATFORM}
ADVISOR_IN: dict[str, Any] = {"licence": LICENCE}
ADVISOR_OUT: dict[str, Any] = {
    "position": DEMO_POSITION,
    "platform": PLATFORM,
    "organisation": ADVISOR,
}
LICENCE_WITHDRAWN_OUT: dict[str, Any] = {**ADVISOR_OUT, "position": LICENCE_WITHDRAWN}

# --- The credential platform (Ethias-style): the credential walk-through ----------------------

CREDENTIAL_PLATFORM = "ethias-extranet-aanvullend"
BELGIAN_EMPLOYER = "kbo:0403019261"
CONTRACT = "G-2024-001"
OTHER_CONTRACT = "G-2024-002"
AGREEMENT = "EXT-2024-17"
NEW_AGREEMENT = "EXT-2026-02"
MASTER_NAME = "Marie Dubois"
MASTER_ID = "9534431f-f21a-5bec-8c05-cb7b3fdb8ad4"
MASTER_LOGIN = "0403019261-001"
MASTER_ACTOR: dict[str, Any] = {"method": "credentials", "user_id": MASTER_ID}
"""The README's ACTOR of the credential walk-through: the master user."""
JAN_NAME = "Jan Peeters"
JAN_EMAIL = "jan.peeters@troiscles.example"
JAN_ID = "6b604756-66e3-589d-b92f-7e09d7a0d24b"
JAN_LOGIN = "0403019261-002"
JAN_ACTOR: dict[str, Any] = {"method": "credentials", "user_id": JAN_ID}
CONSULTANT_NAME = "An Claes"
CONSULTANT_ID = "ad897186-38d2-5972-ad65-72467067fef0"
CONSULTANT_LOGIN = "0403019261-003"
ASSIGNMENT = "Audit 2026"
VALID_UNTIL = "2030-06-30"

SIGNED, APPOINTED, JAN_ADDED, CONSULTANT_ADDED, JAN_CHANGED = 35, 39, 42, 45, 46
"""The credential walk-through's answered positions (after the grant walk-through)."""

CONTRACT_IN: dict[str, Any] = {
    "holder": BELGIAN_EMPLOYER,
    "covered": [],
    "name": "Groep Trois Clés",
}
CONTRACT_OUT: dict[str, Any] = {
    "position": DEMO_POSITION,
    "platform": CREDENTIAL_PLATFORM,
    "contract": CONTRACT,
}


def answered(example: dict[str, Any], status: int = 200) -> dict[int | str, dict[str, Any]]:
    """A route's `responses` showing `example` as its answer: for a route whose answer model
    is shared with another route, whose walk-through answer the model's own example shows."""
    return {status: {"content": {"application/json": {"example": example}}}}
