"""How the audit report writes moments: to the second, in the platform's time zone, with the
offset from UTC shown, so `2026-12-04 01:50:07 +01:00` is unambiguous in every language.

Each rule is one pure function; the zone comes from the standard library (`zoneinfo`).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PLATFORM_ZONE = "Europe/Amsterdam"
"""The zone of the platforms' portals (Dutch pension providers) when none is given."""


def zone(name: str) -> tzinfo:
    """The time zone called `name` (an IANA name such as Europe/Amsterdam, or UTC).

    Raises ValueError for a name the system's zone database does not know.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def local(moment: datetime, where: tzinfo) -> datetime:
    """`moment` on the clocks of `where`, microseconds dropped; a naive moment is UTC."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(where).replace(microsecond=0)


def offset(moment: datetime) -> str:
    """The UTC offset of an aware moment as `+01:00` (`+00:00` for UTC itself)."""
    text = moment.strftime("%z") or "+0000"
    return f"{text[:3]}:{text[3:5]}"


def show_time(moment: datetime, where: tzinfo) -> str:
    """`moment` as the report writes it: `YYYY-MM-DD HH:MM:SS +HH:MM` in `where`."""
    shown = local(moment, where)
    return f"{shown:%Y-%m-%d %H:%M:%S} {offset(shown)}"


def tick_label(moment: datetime, where: tzinfo, pattern: str) -> str:
    """An axis tick's label: `moment` in `where` formatted by a strftime `pattern`."""
    return local(moment, where).strftime(pattern)
