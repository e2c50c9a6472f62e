"""A self-contained HTML audit report per organisation: who had access when, and the log.

The page holds an inline SVG timeline (one lane per holder, one bar per access interval,
coloured by rights), the event table and the state of the hash chain. It loads nothing
from elsewhere: no scripts, stylesheets, fonts or images. Every value is escaped, since
holders and facts are untrusted input.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services.audit.timefmt import parse_instant

COLOURS = {"view": "#1f77b4", "edit": "#e6550d"}
GROUPS = {"grant": "Organisations (grants)", "user": "Users"}
ERASED = "[erased]"
EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday: weekly ticks fall on Mondays
STEPS = [(timedelta(seconds=n), "%H:%M:%S") for n in (1, 2, 5, 10, 15, 30)]
STEPS += [(timedelta(minutes=m), "%m-%d %H:%M") for m in (1, 5, 15, 30, 60, 120, 180, 360, 720)]
STEPS += [(timedelta(days=d), "%Y-%m-%d") for d in (1, 2, 7, 14)]
LABEL_W, PLOT_W, TOP, LANE_H, BAR_H, GROUP_H = 230, 900, 34, 28, 16, 26
LAYOUT = dict(label_w=LABEL_W, width=LABEL_W + PLOT_W + 48, top=TOP, lane_h=LANE_H, bar_h=BAR_H)

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


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


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def show_time(moment: datetime) -> str:
    """`moment` as people read it in the report: YYYY-MM-DD HH:MM UTC."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def _span(intervals: list[dict[str, Any]], now: datetime) -> tuple[datetime, datetime]:
    """The charted period: first start to last end (open ends run to now), with a margin."""
    starts = [parse_instant(i["valid_from"]) for i in intervals]
    ends = [parse_instant(i["valid_to"]) if i["valid_to"] else now for i in intervals]
    first, last = min(starts, default=now), max([*ends, now])
    margin = max((last - first) / 40, timedelta(seconds=1))
    return first - margin, last + margin


def _ticks(first: datetime, last: datetime) -> list[tuple[datetime, str]]:
    """At most about ten axis ticks: months over long spans, else a fitting round step."""
    span = last - first
    if span > STEPS[-1][0] * 10:
        months = next(m for m in (1, 2, 3, 6, 12, 24, 60, 120) if span.days / 30.4 / m <= 10)
        index = (first.year * 12 + first.month - 1) // months * months
        ticks = []
        while (at := datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)) <= last:
            ticks.append((at, at.strftime("%Y-%m")))
            index += months
        return [(t, label) for t, label in ticks if t >= first]
    step, fmt = next((step, fmt) for step, fmt in STEPS if span / step <= 10)
    origin = EPOCH + (first - EPOCH) // step * step
    marks = (origin + step * n for n in range(math.ceil((last - origin) / step) + 1))
    return [(t, t.strftime(fmt)) for t in marks if first <= t <= last]


@dataclass(frozen=True)
class Axis:
    """Maps moments in the charted period to x coordinates in the SVG."""

    first: datetime
    last: datetime

    def x(self, moment: datetime) -> float:
        """The x coordinate of `moment`."""
        return round(LABEL_W + (moment - self.first) / (self.last - self.first) * PLOT_W, 1)


def _bar(interval: dict[str, Any], axis: Axis, now: datetime) -> Bar:
    """The rectangle for one interval, at least three pixels wide so an instant shows."""
    start = parse_instant(interval["valid_from"])
    end = parse_instant(interval["valid_to"]) if interval["valid_to"] else now
    until = show_time(end) if interval["valid_to"] else "now (still open)"
    rights, holder = interval["rights"], interval["holder"]
    tooltip = f"{holder}: {rights} via {interval['route']}\n{show_time(start)} – {until}"
    width = max(3.0, round(axis.x(end) - axis.x(start), 1))
    colour = COLOURS.get(rights, "#777777")
    return Bar(axis.x(start), width, rights, colour, holder, tooltip, not interval["valid_to"])


def _lanes(intervals: list[dict[str, Any]], axis: Axis, now: datetime) -> tuple[list[Lane], float]:
    """One lane per (kind, holder), grouped by kind; returns the lanes and the chart height."""
    bars: dict[tuple[str, str], list[Bar]] = {}
    for interval in intervals:
        key = (interval["kind"], interval["holder"])
        bars.setdefault(key, []).append(_bar(interval, axis, now))
    order = [*GROUPS, *sorted({kind for kind, _ in bars} - set(GROUPS))]
    lanes: list[Lane] = []
    y: float = TOP
    for kind, holder in sorted(bars, key=lambda k: (order.index(k[0]), k[1].casefold(), k[1])):
        title = None if lanes and lanes[-1].kind == kind else GROUPS.get(kind, kind)
        y += GROUP_H if title else 0
        label = holder if len(holder) <= 30 else holder[:29] + "…"
        lanes.append(Lane(kind, holder, label, y, bars[kind, holder], title))
        y += LANE_H
    return lanes, y + 8


def _facts(facts: dict[str, Any], prefix: str = "") -> list[tuple[str, str, bool]]:
    """Facts flattened to (dotted key, compact text, erased?) triples."""
    shown: list[tuple[str, str, bool]] = []
    for key, value in facts.items():
        if isinstance(value, dict) and value:
            shown += _facts(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            shown.append((f"{prefix}{key}", value, value == ERASED))
        else:
            shown.append((f"{prefix}{key}", json.dumps(value, separators=(",", ":")), False))
    return shown


def _current(intervals: list[dict[str, Any]], now: datetime) -> int:
    """How many holders hold access at `now`."""
    return len(
        {
            (i["kind"], i["holder"])
            for i in intervals
            if parse_instant(i["valid_from"]) <= now
            and (not i["valid_to"] or parse_instant(i["valid_to"]) > now)
        }
    )


def render_report(
    *,
    organisation: str,
    platform: str | None,
    generated_at: datetime,
    intervals: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    chain: dict[str, Any],
) -> str:
    """The audit report for one organisation as one self-contained HTML page."""
    now = as_utc(generated_at)
    axis = Axis(*_span(intervals, now))
    lanes, height = _lanes(intervals, axis, now)
    rows = [
        {**e, "shown_time": show_time(parse_instant(e["time"])), "shown_facts": _facts(e["facts"])}
        for e in entries
    ]
    return templates.get_template("report.html").render(
        organisation=organisation,
        platform=platform,
        generated=show_time(now),
        holders=len(lanes),
        current=_current(intervals, now),
        rows=rows,
        chain=chain,
        lanes=lanes,
        ticks=[(axis.x(t), label) for t, label in _ticks(axis.first, axis.last)],
        colours=COLOURS,
        layout={**LAYOUT, "height": height, "now_x": axis.x(now)},
    )
