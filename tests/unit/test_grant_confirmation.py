"""The Grant aggregate in memory: the confirmations it refuses (wrong, used, expired, replaced or
revoked links).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from services.grants.domain.grant import ConfirmationExpired, ConfirmationInvalid, ConfirmationUsed
from services.grants.tokens import hash_token
from tests.unit.grant_support import EMPLOYER, TTL, active, issue, requested

# --- confirmation refusals --------------------------------------------------------------------


def test_confirm_with_a_wrong_hash_is_invalid(now: datetime) -> None:
    grant = requested(now)
    issue(grant, now)
    grant.collect_events()
    with pytest.raises(ConfirmationInvalid) as raised:
        grant.confirm(hash_token("not the token"), actor=EMPLOYER, now=now)
    assert raised.value.code == "confirmation_invalid"
    assert grant.status == "pending"
    assert grant.collect_events() == []


def test_confirm_before_any_link_was_issued_is_invalid(now: datetime) -> None:
    grant = requested(now)
    with pytest.raises(ConfirmationInvalid):
        grant.confirm(hash_token("anything"), actor=EMPLOYER, now=now)


def test_confirm_with_the_raw_token_instead_of_its_hash_is_invalid(now: datetime) -> None:
    grant = requested(now)
    issued = issue(grant, now)
    with pytest.raises(ConfirmationInvalid):
        grant.confirm(issued.token, actor=EMPLOYER, now=now)


def test_confirm_twice_with_the_same_hash_is_used(now: datetime) -> None:
    grant, issued = active(now)
    grant.collect_events()
    with pytest.raises(ConfirmationUsed) as raised:
        grant.confirm(issued.token_hash, actor=EMPLOYER, now=now + timedelta(hours=2))
    assert raised.value.code == "confirmation_used"
    assert grant.collect_events() == []
    assert grant.status == "active"


def test_a_used_hash_stays_used_after_revocation(now: datetime) -> None:
    grant, issued = active(now)
    grant.revoke(actor=EMPLOYER, reason="ended", now=now)
    with pytest.raises(ConfirmationUsed):
        grant.confirm(issued.token_hash, actor=EMPLOYER, now=now)


def test_confirm_after_expiry_is_expired_and_records_nothing(now: datetime) -> None:
    grant = requested(now)
    issued = issue(grant, now)
    grant.collect_events()
    for moment in (now + TTL, now + TTL + timedelta(seconds=1), now + timedelta(days=30)):
        with pytest.raises(ConfirmationExpired) as raised:
            grant.confirm(issued.token_hash, actor=EMPLOYER, now=moment)
        assert raised.value.code == "confirmation_expired"
    assert grant.collect_events() == []
    assert grant.status == "pending"
    assert grant.status_at(now + TTL) == "expired"
    assert grant.used_token_hashes == []


def test_confirm_one_second_before_expiry_still_works(now: datetime) -> None:
    grant = requested(now)
    issued = issue(grant, now)
    grant.confirm(issued.token_hash, actor=EMPLOYER, now=now + TTL - timedelta(seconds=1))
    assert grant.status == "active"


def test_a_reissued_link_replaces_the_previous_one(now: datetime) -> None:
    grant = requested(now)
    first = issue(grant, now)
    second = issue(grant, now)
    assert first.token_hash != second.token_hash
    with pytest.raises(ConfirmationInvalid):
        grant.confirm(first.token_hash, actor=EMPLOYER, now=now)
    grant.confirm(second.token_hash, actor=EMPLOYER, now=now)
    assert grant.status == "active"


def test_a_link_from_an_earlier_request_is_invalid_for_the_new_one(now: datetime) -> None:
    grant = requested(now)
    old = issue(grant, now)
    grant.revoke(actor=EMPLOYER, reason="mistake", now=now)
    grant.request(rights="view", basis="advisor", actor=EMPLOYER, now=now, expires_at=now + TTL)
    assert grant.token_hash is None
    with pytest.raises(ConfirmationInvalid):
        grant.confirm(old.token_hash, actor=EMPLOYER, now=now)


def test_a_revoked_pending_grant_cannot_be_confirmed(now: datetime) -> None:
    grant = requested(now)
    issued = issue(grant, now)
    grant.revoke(actor=EMPLOYER, reason="changed my mind", now=now)
    with pytest.raises(ConfirmationInvalid):
        grant.confirm(issued.token_hash, actor=EMPLOYER, now=now)
    assert grant.status == "revoked"
