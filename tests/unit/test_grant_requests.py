"""The Grant aggregate in memory, its identity, the happy path from request to confirmation, and
requesting again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from services.grants.domain.base import InvalidRights
from services.grants.domain.grant import ConfirmationUsed, Grant, GrantExists
from services.grants.tokens import hash_token
from tests.unit.grant_support import (
    ACTOR,
    EMPLOYER,
    GRANTEE,
    GRANTOR,
    PLATFORM,
    TTL,
    active,
    issue,
    names,
    opened,
    requested,
)

# --- identity ---------------------------------------------------------------------------------


def test_grant_id_is_deterministic_and_directional() -> None:
    first = Grant.create_id(PLATFORM, GRANTOR, GRANTEE)
    assert first == Grant.create_id(PLATFORM, GRANTOR, GRANTEE)
    assert isinstance(first, UUID)
    assert first != Grant.create_id(PLATFORM, GRANTEE, GRANTOR)
    assert first != Grant.create_id("pme-werkgeversportaal", GRANTOR, GRANTEE)
    assert opened().id == first


def test_opened_grant_is_new_and_holds_nothing(now: datetime) -> None:
    grant = opened()
    assert grant.status == "new"
    assert grant.status_at(now) == "new"
    assert not grant.is_open(now)
    assert grant.rights is None
    assert grant.token_hash is None
    assert names(grant.collect_events()) == ["Opened"]


# --- the happy path ---------------------------------------------------------------------------


def test_request_records_a_pending_grant(now: datetime) -> None:
    grant = requested(now, rights="edit")
    assert grant.status == "pending"
    assert grant.rights == "edit"
    assert grant.basis == "advisor"
    assert grant.expires_at == now + TTL
    assert grant.is_open(now)
    events = grant.collect_events()
    assert names(events) == ["Opened", "Requested"]
    requested_event: Any = events[1]
    assert requested_event.actor == EMPLOYER
    assert requested_event.rights == "edit"
    assert requested_event.expires_at == now + TTL


def test_issue_confirmation_stores_only_the_hash(now: datetime) -> None:
    grant = requested(now)
    grant.collect_events()
    issued = issue(grant, now, ttl=timedelta(days=2))
    assert grant.token_hash == issued.token_hash == hash_token(issued.token)
    assert grant.confirmation_id == issued.confirmation_id
    assert grant.sent_to == "hr@example.nl"
    assert grant.expires_at == now + timedelta(days=2)
    events = grant.collect_events()
    assert names(events) == ["ConfirmationIssued"]
    assert issued.token not in repr(vars(events[0]))
    assert grant.awaits_token(issued.token_hash, now)
    assert not grant.awaits_token(hash_token("something else"), now)
    assert not grant.awaits_token(issued.token_hash, now + timedelta(days=2))


def test_confirm_activates_the_grant(now: datetime) -> None:
    grant = requested(now)
    issued = issue(grant, now)
    grant.collect_events()
    grant.confirm(issued.token_hash, actor=EMPLOYER, now=now + timedelta(days=6))
    assert grant.status == "active"
    assert grant.token_hash is None
    assert grant.used_token_hashes == [issued.token_hash]
    assert names(grant.collect_events()) == ["Confirmed"]
    # an active grant does not run out with the link
    assert grant.status_at(now + timedelta(days=365)) == "active"
    assert grant.is_open(now + timedelta(days=365))
    assert not grant.awaits_token(issued.token_hash, now)


# --- requesting again -------------------------------------------------------------------------


def test_request_while_pending_raises_grant_exists(now: datetime) -> None:
    grant = requested(now)
    grant.collect_events()
    with pytest.raises(GrantExists) as raised:
        grant.request(rights="edit", basis="advisor", actor=EMPLOYER, now=now, expires_at=now + TTL)
    assert raised.value.code == "grant_exists"
    assert grant.rights == "view"
    assert grant.collect_events() == []


def test_request_while_active_raises_grant_exists(now: datetime) -> None:
    grant, _ = active(now)
    later = now + timedelta(days=100)
    with pytest.raises(GrantExists):
        grant.request(
            rights="view", basis="advisor", actor=EMPLOYER, now=later, expires_at=later + TTL
        )
    assert grant.status == "active"


def test_request_with_unknown_rights_is_refused_before_anything_is_recorded(
    now: datetime,
) -> None:
    grant = opened()
    grant.collect_events()
    with pytest.raises(InvalidRights):
        grant.request(
            rights="admin", basis="advisor", actor=EMPLOYER, now=now, expires_at=now + TTL
        )
    assert grant.status == "new"
    assert grant.collect_events() == []


def test_request_after_revoke_reopens_the_same_aggregate(now: datetime) -> None:
    grant, first = active(now)
    grant.revoke(actor=EMPLOYER, reason="contract ended", now=now)
    grant.collect_events()
    later = now + timedelta(days=1)
    grant.request(
        rights="edit", basis="group_company", actor=EMPLOYER, now=later, expires_at=later + TTL
    )
    assert names(grant.collect_events()) == ["Requested"]
    assert grant.id == Grant.create_id(PLATFORM, GRANTOR, GRANTEE)
    assert grant.status == "pending"
    assert grant.rights == "edit"
    assert grant.basis == "group_company"
    second = issue(grant, later)
    with pytest.raises(ConfirmationUsed):
        grant.confirm(first.token_hash, actor=EMPLOYER, now=later)
    grant.confirm(second.token_hash, actor=EMPLOYER, now=later)
    assert grant.status == "active"
    assert grant.used_token_hashes == [first.token_hash, second.token_hash]


def test_request_on_a_pending_but_expired_pair_records_the_expiry_first(now: datetime) -> None:
    grant = requested(now)
    issue(grant, now)
    grant.collect_events()
    later = now + TTL + timedelta(minutes=1)
    grant.request(rights="edit", basis="advisor", actor=EMPLOYER, now=later, expires_at=later + TTL)
    events = grant.collect_events()
    assert names(events) == ["RequestExpired", "Requested"]
    expired_event: Any = events[0]
    assert expired_event.at == later
    assert grant.status == "pending"
    assert grant.rights == "edit"
    assert grant.expires_at == later + TTL
    assert grant.token_hash is None


def test_request_after_a_recorded_expiry_records_only_the_request(now: datetime) -> None:
    grant = requested(now)
    later = now + TTL
    assert grant.expire_if_due(now=later, actor=ACTOR)
    grant.collect_events()
    grant.request(rights="view", basis="advisor", actor=EMPLOYER, now=later, expires_at=later + TTL)
    assert names(grant.collect_events()) == ["Requested"]
    assert grant.status_at(later) == "pending"
