"""The time rules, each written once: the aggregates, the view rows and the sweeper ask them here.

Values compare as they come: datetimes with datetimes, dates with dates, or the ISO 8601
strings the view rows keep (one format and offset, so their order is the order in time).
The sweeper's SQL only preselects candidates by the same comparisons; the aggregate decides.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypeVar

Moment = TypeVar("Moment", datetime, date, str)
Day = TypeVar("Day", date, str)


def request_lapsed(expires_at: Moment | None, now: Moment) -> bool:
    """A confirmation link (or access code) runs out at `expires_at`, that instant included."""
    return expires_at is not None and now >= expires_at


def validity_ended(valid_until: Moment | None, today: Moment) -> bool:
    """Access valid until a date lasts through that day and ends the day after."""
    return valid_until is not None and valid_until < today


def grant_status_at(
    status: str,
    expires_at: Moment | None,
    now: Moment,
    valid_until: Day | None = None,
    today: Day | None = None,
) -> str:
    """A grant's status as of `now` (and `today`, its day): a pending request whose link ran
    out is `expired`; an active grant past its valid_until has `ended`."""
    if status == "pending" and request_lapsed(expires_at, now):
        return "expired"
    if status == "active" and today is not None and validity_ended(valid_until, today):
        return "ended"
    return status


def end_reminder_due(
    valid_until: date | None, reminded_for: date | None, today: date, days: int
) -> bool:
    """The reminder of a grant's end date is due from `days` days before it until it ends,
    once per end date (a changed end date is reminded again)."""
    if valid_until is None or reminded_for == valid_until or validity_ended(valid_until, today):
        return False
    return today >= valid_until - timedelta(days=days)


def user_status_on(status: str, valid_until: Moment | None, today: Moment) -> str:
    """A user fiche's status on `today`: an active fiche past its valid_until is `expired`."""
    if status == "active" and validity_ended(valid_until, today):
        return "expired"
    return status
