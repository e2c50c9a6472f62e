"""Builders and constants shared by the Grant aggregate's unit tests: a grant opened, requested,
with a link issued, or active.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from services.grants.domain.grant import Grant
from services.grants.tokens import ConfirmationTokens, IssuedToken

PLATFORM = "befrank-werkgeversportaal"
GRANTOR = "kvk:11111111"
GRANTEE = "kvk:22222222"
ACTOR = {"method": "service", "client": "test"}
EMPLOYER = {
    "method": "eherkenning",
    "legal_subject": GRANTOR,
    "acting_subject": "pseudo-1",
    "intermediary": None,
    "service_id": "urn:etoegang:DV:00000001:services:1",
    "loa": "urn:etoegang:core:assurance-class:loa3",
}
TTL = timedelta(days=7)
TOKENS = ConfirmationTokens(b"k" * 32)


def names(events: Sequence[object]) -> list[str]:
    """The event class names, e.g. ['Requested', 'ConfirmationIssued']."""
    return [type(event).__name__ for event in events]


def opened() -> Grant:
    grant = Grant(platform=PLATFORM, grantor=GRANTOR, grantee=GRANTEE, actor=ACTOR)
    return grant


def requested(now: datetime, rights: str = "view") -> Grant:
    grant = opened()
    grant.request(rights=rights, basis="advisor", actor=EMPLOYER, now=now, expires_at=now + TTL)
    return grant


def issue(grant: Grant, now: datetime, ttl: timedelta = TTL) -> IssuedToken:
    issued = TOKENS.issue(grant.id)
    grant.issue_confirmation(
        confirmation_id=issued.confirmation_id,
        token_hash=issued.token_hash,
        sent_to="hr@example.nl",
        expires_at=now + ttl,
        actor=ACTOR,
    )
    return issued


def active(now: datetime, rights: str = "view") -> tuple[Grant, IssuedToken]:
    grant = requested(now, rights)
    issued = issue(grant, now)
    grant.confirm(issued.token_hash, actor=EMPLOYER, now=now + timedelta(hours=1))
    return grant, issued
