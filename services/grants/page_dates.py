"""Dates and times written for people, in the language of the page and the employer's time
zone: `9 december 2026, 01:51`, `9 December 2026`, `9 décembre 2026, 01:51`.

There is no time-zone setting per platform; the grantor's register tells the country (KvK:
the Netherlands, KBO: Belgium), so the page writes times as the employer's clock shows them.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.messages import page_texts

ZONES = {"kvk": "Europe/Amsterdam", "kbo": "Europe/Brussels"}
"""The time zone of each organisation register's country."""
DEFAULT_ZONE = "Europe/Amsterdam"


@functools.cache
def zone_named(name: str) -> tzinfo:
    """The zone, or UTC where the system has no time-zone data."""
    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        return UTC


def zone_of(organisation: str) -> tzinfo:
    """The time zone of an organisation's country, from its number (`kvk:…`, `kbo:…`)."""
    register = organisation.partition(":")[0]
    return zone_named(ZONES.get(register, DEFAULT_ZONE))


def human_day(day: date, language: str) -> str:
    """`9 december 2026` (nl), `9 December 2026` (en), `9 décembre 2026` (fr)."""
    dates = page_texts("dates", language)
    text: str = dates["day"].format(
        day=day.day, month=dates["months"][day.month - 1], year=day.year
    )
    return text


def human_moment(moment: datetime, language: str, zone: tzinfo) -> str:
    """`9 december 2026, 01:51`: the moment on the clock of `zone`."""
    local = moment.astimezone(zone)
    dates = page_texts("dates", language)
    text: str = dates["moment"].format(
        day=local.day,
        month=dates["months"][local.month - 1],
        year=local.year,
        time=local.strftime("%H:%M"),
    )
    return text
