"""A self-contained HTML audit report per organisation: who had access when, and the log.

One section per platform, each with an inline SVG timeline (one lane per holder, one bar per
access interval, coloured by rights) and its events; the organisation's own events (which
belong to no platform) come last; a legend says what the colours, lines and routes mean.
Every text is the chosen language's (`[report]` in services/locales), times read to the
second in the platform's zone with the UTC offset, and organisation numbers carry their
names. The page loads nothing from elsewhere, and every value is escaped, since holders and
facts are untrusted input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from services import messages
from services.audit.report_chart import COLOURS, Chart, Words, chart
from services.audit.report_facts import Fact, actor_label, facts_of, named, previous_rights
from services.audit.report_time import PLATFORM_ZONE, show_time, zone
from services.audit.timefmt import parse_instant

ROUTES = ("own", "chain", "confirmation_link", "master_user", "user", "staff", "system")
INTERVAL_ROUTES = ("grant", "credentials", "master_user")

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Row:
    """One event of the table, as the auditor reads it."""

    position: int
    time: str
    type: str
    event: str
    actor: str
    route: str
    facts: list[Fact]


@dataclass(frozen=True)
class Section:
    """One platform's part of the report (`platform` None: the organisation's own events)."""

    platform: str | None
    label: str
    chart: Chart | None
    rows: list[Row]
    holders: int
    current: int


def current(intervals: list[dict[str, Any]], now: datetime) -> int:
    """How many holders hold access at `now`."""
    return len(
        {
            (i["kind"], i["holder"])
            for i in intervals
            if parse_instant(i["valid_from"]) <= now
            and (not i["valid_to"] or parse_instant(i["valid_to"]) > now)
        }
    )


def rows_of(entries: list[dict[str, Any]], words: Words) -> list[Row]:
    """The table rows of some events: times, actors with names, facts as labelled values."""
    t, names = words.texts, words.names
    return [
        Row(
            position=e["position"],
            time=show_time(parse_instant(e["time"]), words.where),
            type=e["type"],
            event=t.get(f"event_{e['type']}", e["type"]),
            actor=actor_label(e["actor"], t, names),
            route=t.get(f"actor_{e['actor']['route']}", e["actor"]["route"]),
            facts=facts_of(e["facts"], before, t, names, words.where),
        )
        for e, before in zip(entries, previous_rights(entries), strict=True)
    ]


def sections(
    platform: str | None,
    intervals: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    now: datetime,
    words: Words,
    platform_names: Mapping[str, str],
) -> list[Section]:
    """One section per platform, by slug, then the organisation's own events (if any)."""

    def on(p: str | None) -> list[dict[str, Any]]:
        return [e for e in entries if e.get("platform", platform) == p]

    found = {i["platform"] for i in intervals} | {e.get("platform", platform) for e in entries}
    slugs = [platform] if platform else sorted(p for p in found if p)
    own = [Section(None, "", None, rows_of(on(None), words), 0, 0)] if on(None) else []
    per_platform = [
        Section(
            slug,
            f"{platform_names[slug]} ({slug})" if slug in platform_names else slug,
            chart(mine, now, words),
            rows_of(on(slug), words),
            len({(i["kind"], i["holder"]) for i in mine}),
            current(mine, now),
        )
        for slug in slugs
        for mine in [[i for i in intervals if i.get("platform", platform) == slug]]
    ]
    return [*per_platform, *own]


def sayer(texts: Mapping[str, str]) -> Callable[..., str]:
    """`say(key, **facts)`: the text of `key` with its placeholders filled."""

    def say(key: str, **facts: Any) -> str:
        return texts[key].format(**facts)

    return say


def render_report(
    *,
    organisation: str,
    platform: str | None,
    generated_at: datetime,
    intervals: list[dict[str, Any]],
    entries: list[dict[str, Any]],
    chain: dict[str, Any],
    language: str = "en",
    time_zone: str | tzinfo = PLATFORM_ZONE,
    names: Mapping[str, str] | None = None,
    platform_names: Mapping[str, str] | None = None,
) -> str:
    """The audit report for one organisation as one self-contained HTML page.

    Intervals and entries carry their `platform` (an entry of the organisation itself None;
    absent: `platform`); `names` maps organisation numbers to names, `platform_names`
    platform slugs to theirs.
    """
    texts = messages.report_texts(language)
    where = zone(time_zone) if isinstance(time_zone, str) else time_zone
    words = Words(texts, dict(names or {}), where)
    parts = sections(platform, intervals, entries, generated_at, words, platform_names or {})
    return templates.get_template("report.html").render(
        language=language,
        t=texts,
        say=sayer(texts),
        organisation=named(organisation, words.names),
        platform=parts[-1].label if platform and parts else platform,
        zone=str(where),
        generated=show_time(generated_at, where),
        sections=parts,
        events=len(entries),
        chain=chain,
        colours=COLOURS,
        routes=ROUTES,
        interval_routes=INTERVAL_ROUTES,
    )
