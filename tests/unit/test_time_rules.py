"""The time rules, asked with datetimes, dates and the ISO strings the view rows keep."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.grants.domain.time_rules import (
    end_reminder_due,
    grant_status_at,
    request_lapsed,
    user_status_on,
    validity_ended,
)

NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_a_link_runs_out_at_its_expiry_instant_included() -> None:
    assert not request_lapsed(NOON, NOON - timedelta(microseconds=1))
    assert request_lapsed(NOON, NOON)
    assert not request_lapsed(None, NOON)


def test_iso_strings_give_the_same_answers_as_datetimes() -> None:
    for now in (NOON - timedelta(seconds=1), NOON, NOON + timedelta(seconds=1)):
        assert request_lapsed(NOON.isoformat(), now.isoformat()) == request_lapsed(NOON, now)


def test_access_lasts_through_its_last_valid_day() -> None:
    last_day = date(2026, 12, 31)
    assert not validity_ended(last_day, last_day)
    assert validity_ended(last_day, last_day + timedelta(days=1))
    assert validity_ended("2026-12-31", "2027-01-01")
    assert not validity_ended(None, last_day)


def test_only_a_pending_grant_expires_by_time() -> None:
    later = NOON + timedelta(days=1)
    assert grant_status_at("pending", NOON, later) == "expired"
    assert grant_status_at("pending", later, NOON) == "pending"
    for status in ("active", "revoked", "new"):
        assert grant_status_at(status, NOON, later) == status


def test_only_an_active_user_expires_by_time() -> None:
    assert user_status_on("active", "2026-12-01", "2026-12-02") == "expired"
    assert user_status_on("active", "2026-12-02", "2026-12-02") == "active"
    assert user_status_on("revoked", "2026-12-01", "2026-12-02") == "revoked"


def test_an_active_grant_ends_the_day_after_its_valid_until() -> None:
    last_day = date(2026, 12, 31)
    assert grant_status_at("active", None, NOON, last_day, last_day) == "active"
    assert grant_status_at("active", None, NOON, last_day, last_day + timedelta(1)) == "ended"
    assert grant_status_at("active", None, "x", "2026-12-31", "2027-01-01") == "ended"
    assert grant_status_at("active", None, NOON, None, last_day) == "active"
    for status in ("pending", "revoked", "expired"):
        assert grant_status_at(status, None, NOON, last_day, last_day + timedelta(1)) == status


def test_the_end_reminder_is_due_from_n_days_before_once_per_end_date() -> None:
    last_day = date(2026, 12, 31)
    before = last_day - timedelta(days=14)
    assert not end_reminder_due(last_day, None, before - timedelta(days=1), 14)
    assert end_reminder_due(last_day, None, before, 14)
    assert end_reminder_due(last_day, None, last_day, 14)
    assert not end_reminder_due(last_day, None, last_day + timedelta(days=1), 14)  # ended
    assert not end_reminder_due(last_day, last_day, before, 14)  # reminded already
    assert end_reminder_due(last_day, last_day - timedelta(days=3), before, 14)  # a new end
    assert not end_reminder_due(None, None, before, 14)
