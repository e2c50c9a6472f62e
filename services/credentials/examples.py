"""The credential walk-through of the README as the OpenAPI examples of its routes.

Its people, ids and positions are in `services.grants.examples` (the access views show them
too); this module holds the bodies of the credential routes and their answers, as
`toegang serve` gave them (the announcement's and the document's random ids fixed).
"""

from __future__ import annotations

from typing import Any

from services.grants import examples as ex

NOTIFICATION_EMAIL = "pensioen@troiscles.example"

AGREEMENT_IN: dict[str, Any] = {
    "reference": ex.AGREEMENT,
    "notification_email": NOTIFICATION_EMAIL,
    "signed_on": "2024-03-01",
    "language": "fr",
}
_AGREEMENT: dict[str, Any] = {
    "platform": ex.CREDENTIAL_PLATFORM,
    "organisation": ex.BELGIAN_EMPLOYER,
}
AGREEMENT_OUT: dict[str, Any] = {
    **_AGREEMENT,
    "reference": ex.AGREEMENT,
    "revoked": [],
    "position": ex.SIGNED,
}
NEW_AGREEMENT_IN: dict[str, Any] = {
    **AGREEMENT_IN,
    "reference": ex.NEW_AGREEMENT,
    "signed_on": "2026-11-01",
}
NEW_AGREEMENT_OUT: dict[str, Any] = {
    **_AGREEMENT,
    "reference": ex.NEW_AGREEMENT,
    "revoked": [ex.MASTER_ID, ex.JAN_ID],
    "position": 55,
}
"""Step 7: the new agreement revokes every user of the old one (the consultant was already)."""

MASTER_USER_IN: dict[str, Any] = {
    "name": ex.MASTER_NAME,
    "email": "marie.dubois@troiscles.example",
    "language": "fr",
}
MASTER_OUT: dict[str, Any] = {
    "user_id": ex.MASTER_ID,
    "login": ex.MASTER_LOGIN,
    "position": ex.APPOINTED,
}

JAN_IN: dict[str, Any] = {
    "actor": ex.MASTER_ACTOR,
    "name": ex.JAN_NAME,
    "email": ex.JAN_EMAIL,
    "rights": "view",
    "contracts": [ex.CONTRACT],
    "external": False,
}
"""Step 2: an internal user, view rights on one contract."""
JAN_OUT: dict[str, Any] = {"user_id": ex.JAN_ID, "login": ex.JAN_LOGIN, "position": ex.JAN_ADDED}
CONSULTANT_IN: dict[str, Any] = {
    "actor": ex.MASTER_ACTOR,
    "name": ex.CONSULTANT_NAME,
    "email": "an@consult.example",
    "rights": "edit",
    "contracts": "all",
    "external": True,
    "assignment": ex.ASSIGNMENT,
    "valid_until": ex.VALID_UNTIL,
}
"""Step 2: an external consultant, with an assignment and an end date."""
JAN_FICHE_IN: dict[str, Any] = {
    **JAN_IN,
    "rights": "edit",
    "contracts": "all",
    "assignment": None,
    "valid_until": None,
}
"""Step 4: a complete new fiche, edit rights on all contracts."""
JAN_CHANGED_OUT: dict[str, Any] = {**JAN_OUT, "position": ex.JAN_CHANGED}

USER_REVOKE_IN: dict[str, Any] = {"actor": ex.MASTER_ACTOR, "reason": "opdracht afgelopen"}
CONSULTANT_REVOKED_OUT: dict[str, Any] = {
    "user_id": ex.CONSULTANT_ID,
    "status": "revoked",
    "position": 48,
}

ANNOUNCEMENT_IN: dict[str, Any] = {
    "subject": {"nl": "Nieuwe functies", "fr": "Nouvelles fonctions"},
    "body": {"nl": "Vanaf maandag ...", "fr": "À partir de lundi ..."},
}
ANNOUNCEMENT_OUT: dict[str, Any] = {
    "position": 49,
    "announcement_id": "b5f902aa-52da-4fa8-bdbc-102f68c3929b",
    "document_id": None,
}
DOCUMENT_IN: dict[str, Any] = {"kind": "invoice", "title": "Factuur 2026-11"}
DOCUMENT_OUT: dict[str, Any] = {
    "position": 50,
    "announcement_id": None,
    "document_id": "0ed98b14-947b-4675-918b-226cf3e8910c",
}

MASTER_ACTION_IN: dict[str, Any] = {"actor": ex.MASTER_ACTOR}
REISSUED_OUT: dict[str, Any] = {**JAN_OUT, "position": 51}
"""A new access code mailed to Jan (after step 6)."""
ACTIVATE_IN: dict[str, Any] = {"login": ex.JAN_LOGIN, "code": "AQGK-U7WW-ARGD-3MQ4"}
"""Jan's login with the one-time code of that mail (the platform's login service asks)."""
ACTIVATED_OUT: dict[str, Any] = {**JAN_OUT, "position": 52}
