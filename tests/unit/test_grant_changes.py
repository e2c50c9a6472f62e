"""The Grant aggregate in memory: changing rights, revoking, expiry and the status at an instant."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from services.grants.domain.base import InvalidRights
from services.grants.domain.grant import Grant, GrantNotOpen
from tests.unit.grant_support import ACTOR, EMPLOYER, TTL, active, issue, names, opened, requested

# --- changing and revoking --------------------------------------------------------------------


def test_change_rights_to_the_same_rights_records_nothing(now: datetime) -> None:
    grant, _ = active(now)
    grant.collect_events()
    grant.change_rights("view", actor=EMPLOYER, now=now)
    assert grant.collect_events() == []


def test_change_rights_records_the_new_rights(now: datetime) -> None:
    grant, _ = active(now)
    grant.collect_events()
    grant.change_rights("edit", actor=EMPLOYER, now=now)
    events = grant.collect_events()
    assert names(events) == ["RightsChanged"]
    assert grant.rights == "edit"
    assert grant.status == "active"


def test_change_rights_on_a_pending_grant_is_allowed(now: datetime) -> None:
    grant = requested(now)
    grant.change_rights("edit", actor=EMPLOYER, now=now)
    assert grant.rights == "edit"
    assert grant.status == "pending"


def test_change_rights_refuses_unknown_rights(now: datetime) -> None:
    grant, _ = active(now)
    grant.collect_events()
    with pytest.raises(InvalidRights):
        grant.change_rights("owner", actor=EMPLOYER, now=now)
    assert grant.collect_events() == []


def test_revoke_records_who_why_and_the_rights_it_ended(now: datetime) -> None:
    grant, _ = active(now, rights="edit")
    grant.collect_events()
    grant.revoke(actor=EMPLOYER, reason="adviseur gewisseld", now=now)
    events = grant.collect_events()
    assert names(events) == ["Revoked"]
    revoked: Any = events[0]
    assert revoked.actor == EMPLOYER
    assert revoked.reason == "adviseur gewisseld"
    assert revoked.rights == "edit"
    assert grant.status == "revoked"
    assert not grant.is_open(now)


def change_or_revoke(grant: Grant, operation: str, now: datetime) -> None:
    if operation == "change":
        grant.change_rights("edit", actor=EMPLOYER, now=now)
    else:
        grant.revoke(actor=EMPLOYER, reason="again", now=now)


@pytest.mark.parametrize("operation", ["change", "revoke"])
def test_change_or_revoke_on_a_revoked_grant_is_not_open(now: datetime, operation: str) -> None:
    grant, _ = active(now)
    grant.revoke(actor=EMPLOYER, reason="first", now=now)
    grant.collect_events()
    with pytest.raises(GrantNotOpen) as raised:
        change_or_revoke(grant, operation, now)
    assert raised.value.code == "grant_not_open"
    assert grant.collect_events() == []


@pytest.mark.parametrize("operation", ["change", "revoke"])
def test_change_or_revoke_on_an_expired_request_is_not_open(now: datetime, operation: str) -> None:
    grant = requested(now)
    grant.collect_events()
    later = now + TTL
    with pytest.raises(GrantNotOpen):
        change_or_revoke(grant, operation, later)
    assert grant.collect_events() == []


def test_change_or_revoke_on_a_never_requested_grant_is_not_open(now: datetime) -> None:
    grant = opened()
    with pytest.raises(GrantNotOpen):
        grant.change_rights("view", actor=EMPLOYER, now=now)
    with pytest.raises(GrantNotOpen):
        grant.revoke(actor=EMPLOYER, reason="nothing", now=now)


# --- expiry and status ------------------------------------------------------------------------


def test_expire_if_due_records_the_expiry_once(now: datetime) -> None:
    grant = requested(now)
    grant.collect_events()
    assert not grant.expire_if_due(now=now + TTL - timedelta(seconds=1), actor=ACTOR)
    assert grant.collect_events() == []
    assert grant.expire_if_due(now=now + TTL, actor=ACTOR)
    assert names(grant.collect_events()) == ["RequestExpired"]
    assert grant.status == "expired"
    assert grant.token_hash is None
    assert not grant.expire_if_due(now=now + TTL * 2, actor=ACTOR)
    assert grant.collect_events() == []


@pytest.mark.parametrize("state", ["new", "active", "revoked"])
def test_expire_if_due_ignores_grants_that_are_not_pending(now: datetime, state: str) -> None:
    if state == "new":
        grant = opened()
    else:
        grant, _ = active(now)
        if state == "revoked":
            grant.revoke(actor=EMPLOYER, reason="x", now=now)
    grant.collect_events()
    assert not grant.expire_if_due(now=now + timedelta(days=365), actor=ACTOR)
    assert grant.collect_events() == []
    assert grant.status == state


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(0), "pending"),
        (TTL - timedelta(microseconds=1), "pending"),
        (TTL, "expired"),
        (TTL + timedelta(days=1), "expired"),
    ],
)
def test_status_at_a_pending_grant(now: datetime, offset: timedelta, expected: str) -> None:
    grant = requested(now)
    assert grant.status_at(now + offset) == expected
    assert grant.is_open(now + offset) is (expected == "pending")
    assert grant.status == "pending"


def test_status_at_follows_the_confirmation_expiry_not_the_request_expiry(now: datetime) -> None:
    grant = requested(now)
    issue(grant, now, ttl=timedelta(days=1))
    assert grant.status_at(now + timedelta(days=2)) == "expired"
