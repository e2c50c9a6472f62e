"""The report's timeline: one lane per holder, one bar per access interval, coloured by rights.

Positions are computed here (pure functions over the intervals); the template only draws them.
Axis ticks fall on round UTC steps and are labelled on the platform's clocks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from services.audit.report_facts import named, rights_word
from services.audit.report_time import show_time, tick_label
from services.audit.timefmt import parse_instant

COLOURS = {"view": "#1f77b4", "edit": "#e6550d"}
GROUPS = ("grant", "user")
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday: weekly ticks fall on Mondays
STEPS = [(timedelta(seconds=n), "%H:%M:%S") for n in (1, 2, 5, 10, 15, 30)]
STEPS += [(timedelta(minutes=m), "%m-%d %H:%M") for m in (1, 5, 15, 30, 60, 120, 180, 360, 720)]
STEPS += [(timedelta(days=d), "%Y-%m-%d") for d in (1, 2, 7, 14)]
LABEL_W, PLOT_W, TOP, LANE_H, BAR_H, GROUP_H = 300, 830, 34, 28, 16, 26
LAYOUT = dict(label_w=LABEL_W, width=LABEL_W + PLOT_W + 48, top=TOP, lane_h=LANE_H, bar_h=BAR_H)


@dataclass(frozen=True)
class Bar:
    """One access interval drawn as a rectangle."""

    x: float
    width: float
    rights: str
    colour: str
    holder: str
    tooltip: str
    open: bool


@dataclass(frozen=True)
class Lane:
    """One holder's row in the chart; `title` is set on the first lane of a kind."""

    kind: str
    holder: str
    label: str
    y: float
    bars: list[Bar]
    title: str | None


@dataclass(frozen=True)
class Chart:
    """What the template draws of one platform's intervals."""

    lanes: list[Lane]
    ticks: list[tuple[float, str]]
    layout: dict[str, float]


def span(intervals: list[dict[str, Any]], now: datetime) -> tuple[datetime, datetime]:
    """The charted period: first start to last end (open ends run to now), with a margin."""
    starts = [parse_instant(i["valid_from"]) for i in intervals]
    ends = [parse_instant(i["valid_to"]) if i["valid_to"] else now for i in intervals]
    first, last = min(starts, default=now), max([*ends, now])
    margin = max((last - first) / 40, timedelta(seconds=1))
    return first - margin, last + margin


def month_ticks(first: datetime, last: datetime) -> list[tuple[datetime, str]]:
    """Ticks on the first of every few months (at most about ten) over a long span."""
    months = next(m for m in (1, 2, 3, 6, 12, 24, 60, 120) if (last - first).days / 30.4 / m <= 10)
    index = (first.year * 12 + first.month - 1) // months * months
    ticks = []
    while (at := datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)) <= last:
        ticks.append((at, at.strftime("%Y-%m")))
        index += months
    return [(t, label) for t, label in ticks if t >= first]


def ticks(first: datetime, last: datetime, where: tzinfo) -> list[tuple[datetime, str]]:
    """At most about ten axis ticks: months over long spans, else a fitting round step."""
    if last - first > STEPS[-1][0] * 10:
        return month_ticks(first, last)
    step, pattern = next((step, p) for step, p in STEPS if (last - first) / step <= 10)
    origin = EPOCH + (first - EPOCH) // step * step
    marks = (origin + step * n for n in range(math.ceil((last - origin) / step) + 1))
    return [(t, tick_label(t, where, pattern)) for t in marks if first <= t <= last]


@dataclass(frozen=True)
class Axis:
    """Maps moments in the charted period to x coordinates in the SVG."""

    first: datetime
    last: datetime

    def x(self, moment: datetime) -> float:
        """The x coordinate of `moment`."""
        return round(LABEL_W + (moment - self.first) / (self.last - self.first) * PLOT_W, 1)


@dataclass(frozen=True)
class Words:
    """What the chart says, in the report's language: texts, organisation names, the zone."""

    texts: Mapping[str, str]
    names: Mapping[str, str]
    where: tzinfo


def bar(interval: dict[str, Any], axis: Axis, now: datetime, words: Words) -> Bar:
    """The rectangle for one interval, at least three pixels wide so an instant shows."""
    start = parse_instant(interval["valid_from"])
    end = parse_instant(interval["valid_to"]) if interval["valid_to"] else now
    t = words.texts
    until = show_time(end, words.where) if interval["valid_to"] else t["still_open"]
    rights, holder = interval["rights"], named(interval["holder"], words.names)
    route = t.get(f"route_{interval['route']}", interval["route"])
    tooltip = f"{holder}: {rights_word(rights, t)} ({route})\n"
    tooltip += f"{show_time(start, words.where)} – {until}"
    width = max(3.0, round(axis.x(end) - axis.x(start), 1))
    colour = COLOURS.get(rights, "#777777")
    return Bar(
        axis.x(start), width, rights, colour, interval["holder"], tooltip, not interval["valid_to"]
    )


def lanes(
    intervals: list[dict[str, Any]], axis: Axis, now: datetime, words: Words
) -> tuple[list[Lane], float]:
    """One lane per (kind, holder), grouped by kind; returns the lanes and the chart height."""
    bars: dict[tuple[str, str], list[Bar]] = {}
    for interval in intervals:
        key = (interval["kind"], interval["holder"])
        bars.setdefault(key, []).append(bar(interval, axis, now, words))
    order = [*GROUPS, *sorted({kind for kind, _ in bars} - set(GROUPS))]
    drawn: list[Lane] = []
    y: float = TOP
    for kind, holder in sorted(bars, key=lambda k: (order.index(k[0]), k[1].casefold(), k[1])):
        title = None if drawn and drawn[-1].kind == kind else words.texts.get(f"group_{kind}", kind)
        y += GROUP_H if title else 0
        shown = named(holder, words.names)
        text = shown if len(shown) <= 42 else shown[:41] + "…"
        drawn.append(Lane(kind, shown, text, y, bars[kind, holder], title))
        y += LANE_H
    return drawn, y + 8


def chart(intervals: list[dict[str, Any]], now: datetime, words: Words) -> Chart:
    """The lanes, ticks and layout of one platform's timeline."""
    axis = Axis(*span(intervals, now))
    drawn, height = lanes(intervals, axis, now, words)
    marks = [(axis.x(t), text) for t, text in ticks(axis.first, axis.last, words.where)]
    return Chart(drawn, marks, {**LAYOUT, "height": height, "now_x": axis.x(now)})
