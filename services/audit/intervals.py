"""Access intervals: continuous stretches of unchanged access to one organisation's data.

A subject is a grant (the grantor's data, held by the grantee) or a platform user (the user's
organisation's data, held by the login). Its `Access` follows its own events only, exactly as
`services.projections.state.AccessState` does; an interval is open while the subject is active
with the same terms (rights, scope, end date). A change of terms closes the interval at the
event's time and opens the next one with the same `since`; revocation, expiry or a passed
`valid_until` ends it. An interval is valid on `valid_from <= at < valid_to`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from services.audit.timefmt import day_after, instant
from services.grants.app_base import as_plain
from services.grants.domain import catalogue_access as access
from services.grants.domain import catalogue_credentials as credentials

Row = dict[str, Any]


@dataclass(frozen=True)
class Access:
    """What the log says about one subject's access, as of its latest event."""

    kind: str  # "grant" | "user"
    platform: str
    organisation: str  # whose data
    holder: str  # the grantee, or the user's login
    route: str  # "grant" | "credentials" | "master_user"
    status: str = "new"
    rights: str | None = None
    since: str | None = None
    scope: str | None = None  # users: their contracts as JSON text
    valid_until: str | None = None  # the fiche's or the grant's last day (ISO date)

    @property
    def ends(self) -> str | None:
        """The instant a `valid_until` ends the access (None: no end date)."""
        return day_after(date.fromisoformat(self.valid_until)) if self.valid_until else None

    def active_at(self, at: str) -> bool:
        """Whether the subject gives access at instant `at` (given no later event)."""
        ends = self.ends
        return self.status == "active" and (ends is None or at < ends)

    def terms(self) -> tuple[str | None, str | None, str | None]:
        """What an interval keeps unchanged: rights, scope and end."""
        return (self.rights, self.scope, self.ends)

    def to_json(self) -> str:
        """The access as JSON text (stored with the aggregate's context)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Access:
        """An access back from `to_json` text."""
        return cls(**json.loads(text))


def _fiche(fiche: dict[str, Any]) -> dict[str, Any]:
    valid_until = fiche.get("valid_until")
    if isinstance(valid_until, date):
        valid_until = valid_until.isoformat()
    return {
        "rights": fiche["rights"],
        "scope": json.dumps(as_plain(fiche["contracts"])),
        "valid_until": valid_until,
    }


def _day(event: Any) -> str | None:
    """A grant event's `valid_until` as an ISO date (None: none, or an older event)."""
    valid_until = getattr(event, "valid_until", None)
    return valid_until.isoformat() if isinstance(valid_until, date) else None


def _grant_opened(event: Any, _: str) -> Access:
    return Access("grant", event.platform, event.grantor, event.grantee, "grant")


def _user_granted(event: Any, at: str) -> Access:
    route = "master_user" if event.is_master else "credentials"
    return Access(
        "user",
        event.platform,
        event.organisation,
        event.login,
        route,
        status="active",
        since=at,
        **_fiche(event.fiche),
    )


CREATED: dict[type[Any], Callable[[Any, str], Access]] = {
    access.GRANT_OPENED.cls: _grant_opened,
    credentials.PLATFORM_USER_GRANTED.cls: _user_granted,
}
CHANGED: dict[type[Any], Callable[[Access, Any, str], Access]] = {
    access.GRANT_REQUESTED.cls: lambda a, e, _: replace(
        a, status="pending", rights=e.rights, since=None, valid_until=_day(e)
    ),
    access.GRANT_CONFIRMED.cls: lambda a, _, at: replace(a, status="active", since=at),
    access.GRANT_RIGHTS_CHANGED.cls: lambda a, e, _: replace(
        a, rights=e.rights, valid_until=_day(e) or a.valid_until
    ),
    access.GRANT_EXPIRED.cls: lambda a, _e, _at: replace(a, status="expired"),
    access.GRANT_REQUEST_EXPIRED.cls: lambda a, _e, _at: replace(a, status="expired"),
    access.GRANT_REVOKED.cls: lambda a, _e, _at: replace(a, status="revoked"),
    credentials.PLATFORM_USER_PROFILE_REPLACED.cls: lambda a, e, _: replace(a, **_fiche(e.fiche)),
    credentials.PLATFORM_USER_REVOKED.cls: lambda a, _e, _at: replace(a, status="revoked"),
    credentials.PLATFORM_USER_EXPIRED.cls: lambda a, _e, _at: replace(a, status="expired"),
}


def access_after(event: Any, access: Access | None) -> Access | None:
    """The subject's access after `event` (None for events of aggregates that are no subject)."""
    cls = type(event)
    at = instant(event.timestamp)
    if cls in CREATED:
        return CREATED[cls](event, at)
    change = CHANGED.get(cls)
    return change(access, event, at) if change and access is not None else access


def advance(
    current: Row | None, access: Access, event: Any, position: int
) -> tuple[list[Row], Row | None]:
    """Close and open intervals for one event of a subject now at `access`.

    Answers the interval rows written (closed or opened) and the interval open afterwards.
    An open interval past its end date is closed by the subject's next event, whatever it is:
    its `valid_to` stays the end date, its `to_position` becomes that event's.
    """
    at = instant(event.timestamp)
    changed: list[Row] = []
    if current is not None:
        lapsed = current["valid_to"] is not None and current["valid_to"] <= at
        if lapsed or not access.active_at(at) or _terms(current) != access.terms():
            ended = {**current, "to_position": position}
            if not lapsed:
                ended["valid_to"] = at
            changed.append(ended)
            current = None
    if current is None and access.active_at(at):
        current = opened(access, event, at, position)
        changed.append(current)
    return changed, current


def _terms(row: Row) -> tuple[str | None, str | None, str | None]:
    return (row["rights"], row["scope"], row["valid_to"])  # an open row ends at its end date


def opened(access: Access, event: Any, at: str, position: int) -> Row:
    """A new interval from `at`, approved by the actor of the event that opens it."""
    subject_id = str(event.originator_id)
    actor = getattr(event, "actor", None)
    return {
        "interval_id": f"{subject_id}:{position}",
        "platform": access.platform,
        "organisation": access.organisation,
        "kind": access.kind,
        "subject_id": subject_id,
        "holder": access.holder,
        "rights": access.rights,
        "scope": access.scope,
        "route": access.route,
        "approved_by": json.dumps(as_plain(actor), sort_keys=True) if actor else None,
        "since": access.since,
        "valid_from": at,
        "valid_to": access.ends,
        "from_position": position,
        "to_position": None,
    }
