"""Instants as fixed-width UTC text, so string comparison in SQL is chronological.

`2026-03-01T09:30:00.000000Z`: always 27 characters, always UTC, always microseconds; the same
order on SQLite and PostgreSQL whatever the collation, because every character sits in the
same place in every value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def instant(dt: datetime) -> str:
    """`dt` as `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC (a naive datetime is taken as UTC)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def parse_instant(text: str) -> datetime:
    """An aware UTC datetime from ISO 8601 text with an offset or `Z` (naive text is UTC).

    Raises ValueError for text that is not ISO 8601.
    """
    parsed = datetime.fromisoformat(text.strip())
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def day_after(day: date) -> str | None:
    """The instant access with a `valid_until` of `day` ends: 00:00 UTC of the next day.

    None when there is no next day to end on (`date.max`): such access never ends by date.
    """
    try:
        return instant(datetime.combine(day + timedelta(days=1), time(), UTC))
    except OverflowError:
        return None
