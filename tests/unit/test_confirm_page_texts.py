"""Dates for people on the confirmation page, and the state of a link told from its hash."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from services.grants.domain.grant import Grant
from services.grants.page_dates import human_day, human_moment, zone_of
from services.grants.tokens import hash_token

MOMENT = datetime(2026, 12, 9, 0, 51, 18, 969134, tzinfo=UTC)
ACTOR = {"method": "test"}


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("nl", "9 december 2026, 01:51"),
        ("en", "9 December 2026, 01:51"),
        ("fr", "9 décembre 2026, 01:51"),
    ],
)
def test_a_moment_is_written_in_the_language_on_the_employers_clock(
    language: str, written: str
) -> None:
    assert human_moment(MOMENT, language, zone_of("kvk:12345678")) == written
    assert human_moment(MOMENT, language, zone_of("kbo:0403019261")) == written


def test_summer_time_and_a_plain_date() -> None:
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert human_moment(summer, "nl", zone_of("kvk:12345678")) == "1 juli 2026, 12:00"
    assert human_day(date(2027, 3, 31), "fr") == "31 mars 2027"


def requested_grant(now: datetime) -> Grant:
    grant = Grant("portal", "kvk:11111111", "kvk:22222222", ACTOR)
    grant.request("view", "advisor", ACTOR, now, now + timedelta(days=7))
    return grant


def issue(grant: Grant, token: str, now: datetime) -> str:
    grant.issue_confirmation("c-" + token, hash_token(token), "a@b.c", now + timedelta(7), ACTOR)
    return hash_token(token)


def test_link_states_valid_used_expired_replaced_withdrawn_unknown() -> None:
    grant = requested_grant(MOMENT)
    first = issue(grant, "first", MOMENT)
    assert grant.link_state(first, MOMENT) == "valid"
    assert grant.link_state(hash_token("forged"), MOMENT) == "unknown"
    later = MOMENT + timedelta(days=8)
    assert grant.link_state(first, later) == "expired"
    grant.expire_if_due(later, ACTOR)
    grant.request("view", "advisor", ACTOR, later, later + timedelta(days=7))
    second = issue(grant, "second", later)
    assert grant.link_state(first, later) == "replaced"
    grant.confirm(second, ACTOR, later)
    assert grant.link_state(second, later) == "used"
    other = requested_grant(MOMENT)
    pending = issue(other, "pending", MOMENT)
    other.revoke(ACTOR, "no", MOMENT)
    assert other.link_state(pending, MOMENT) == "withdrawn"
