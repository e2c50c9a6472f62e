"""What a report needs from the audit store besides the history: the platform of each event,
the names of the organisations it mentions, the platforms' names and languages.

Names come from the recorded events (`OrganisationRegistered`, `OrganisationRenamed`,
`PlatformConfigured`, `PlatformReconfigured`), read like every history entry, so the report
shows nothing `audit:read` does not already see.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from services import messages
from services.audit import views
from services.audit.report import render_report
from services.audit.report_facts import ERASED, REFERENCE
from services.audit.service import AuditService, HistoryFilter


class UnknownOrganisation(ValueError):
    """The organisation was never registered and no event concerns it: nothing to report."""


@dataclass
class ReportData:
    """The history, intervals and names one report is drawn from."""

    entries: list[dict[str, Any]]
    intervals: list[dict[str, Any]]
    names: dict[str, str] = field(default_factory=dict)
    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)


def organisation_names(audit: AuditService, refs: set[str]) -> dict[str, str]:
    """The latest recorded name of each organisation number that has one."""
    found = views.naming_positions(audit.queries, sorted(refs))
    entries = audit.trail.entries([position for position, _ in found])
    by_position = dict(found)
    names: dict[str, str] = {}
    for entry in entries:
        name = entry["data"].get("name")
        if isinstance(name, str) and name and name != ERASED:
            names[by_position[entry["position"]]] = name
    return names


def platform_settings(audit: AuditService, slugs: set[str]) -> dict[str, dict[str, Any]]:
    """The current settings (name, locale, …) of each platform, as last recorded."""
    settings: dict[str, dict[str, Any]] = {}
    for slug in sorted(slugs):
        position = views.platform_settings_position(audit.queries, slug)
        for entry in audit.trail.entries([position] if position is not None else []):
            settings[slug] = dict(entry["data"].get("settings") or {})
    return settings


def gather(audit: AuditService, organisation: str, platform: str | None) -> ReportData:
    """The report's data; raises UnknownOrganisation when there is nothing at all."""
    query = HistoryFilter(platform=platform, organisation=organisation)
    on = views.platforms_of_events(audit.queries, organisation)
    entries = [
        {**e, "facts": e["data"], "platform": on.get(e["position"])}
        for e in audit.all_history(query)
    ]
    intervals = views.intervals_of(audit.queries, platform, organisation)
    if not entries and not intervals:
        raise UnknownOrganisation(organisation)
    mentioned = set(REFERENCE.findall(json.dumps([entries, intervals], default=str)))
    slugs = {i["platform"] for i in intervals} | {e["platform"] for e in entries if e["platform"]}
    names = organisation_names(audit, mentioned | {organisation})
    return ReportData(entries, intervals, names, platform_settings(audit, slugs))


def language_of(data: ReportData, platform: str | None, fallback: str) -> str:
    """The platform's locale (the only platform's, without `platform`), else `fallback`."""
    slugs = [platform] if platform else list(data.platforms)
    locales = {data.platforms.get(slug, {}).get("locale") for slug in slugs}
    if len(locales) == 1 and (locale := locales.pop()) in messages.LANGUAGES:
        return str(locale)
    return fallback


def report_html(
    audit: AuditService,
    organisation: str,
    platform: str | None,
    *,
    language: str | None,
    fallback_language: str,
    time_zone: str,
) -> str:
    """The HTML report of one organisation, in `language` (None: the platform's, else the
    fallback); raises UnknownOrganisation for an organisation the store does not know."""
    data = gather(audit, organisation, platform)
    chain = audit.verify()
    return render_report(
        organisation=organisation,
        platform=platform,
        generated_at=datetime.now(UTC),
        intervals=data.intervals,
        entries=data.entries,
        chain={**chain.as_dict(), "head": chain.head},
        language=language or language_of(data, platform, fallback_language),
        time_zone=time_zone,
        names=data.names,
        platform_names={s: str(v["name"]) for s, v in data.platforms.items() if v.get("name")},
    )
