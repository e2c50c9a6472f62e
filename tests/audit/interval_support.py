"""What the audit interval tests share: one store with its projection (Parts), a credential office
with its agreement and master user, user fiches, confirming a grant, the replay oracle compared
at every interesting instant, and the expected history positions.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from services.audit.projection import AuditProjection
from services.audit.replay import replay_access_at
from services.audit.timefmt import day_after, parse_instant
from services.audit.views import access_at
from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.grants.domain.grant import Grant
from tests.support import Clock, platform_settings, random_kbo, random_slug

MICRO = timedelta(microseconds=1)
COMPARED = ("kind", "subject_id", "holder", "rights", "since")


@dataclass
class Parts:
    """One store with its application, clock, log reader, view database and projection."""

    app: ToegangApplication
    clock: Clock
    log: EventLog
    database: ViewDatabase

    def projection(self, batch_size: int = 1000) -> AuditProjection:
        projection = AuditProjection(self.log, self.database, batch_size)
        projection.load()
        return projection

    def events(self, after: int = 0) -> list[tuple[Any, int]]:
        return [(self.log.decode(n), n.id) for n in self.log.read(after, 10**9)]

    def count(self, statement: str) -> int:
        with self.database.transaction() as cursor:
            row = cursor.execute(statement).fetchone()
        return int(row[0]) if row else 0


@dataclass
class Office:
    """An organisation with an agreement and a master user on a credential platform."""

    platform: str = field(default_factory=random_slug)
    organisation: str = field(default_factory=random_kbo)
    contract: str = field(default_factory=lambda: f"GR-{random.getrandbits(32)}")
    master: str = ""
    users: list[str] = field(default_factory=list)
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    def master_actor(self) -> dict[str, Any]:
        return {"method": "credentials", "user_id": self.master}


def build_office(app: ToegangApplication) -> Office:
    """A credential platform with an organisation, its contract, agreement and master user."""
    office = Office(clock=app.clock)
    settings = {**platform_settings(), "login": ["credentials"], "locale": "fr"}
    app.reference.configure_platform(office.platform, settings, "test")
    app.reference.register_organisation(office.organisation, "Bureau", "bureau@example.be", "test")
    app.reference.register_contract(
        office.platform, office.contract, office.organisation, [], "G", "t"
    )
    new_agreement(app, office)
    return office


def new_agreement(app: ToegangApplication, office: Office) -> None:
    """Sign a new agreement (every user of the old one is revoked) and appoint a master."""
    reference = f"EXT-{random.getrandbits(32)}"
    app.agreements.sign_agreement(
        office.platform, office.organisation, reference, "lijst@example.be", app.clock().date(), "s"
    )
    appoint_master(app, office)


def appoint_master(app: ToegangApplication, office: Office) -> None:
    """A new master user; the previous one is revoked."""
    office.master = app.agreements.appoint_master_user(
        office.platform, office.organisation, "Meester", "meester@example.be", "staff"
    )["user_id"]


def fiche(office: Office, rights: str, every: bool, days: int | None) -> dict[str, Any]:
    """A complete internal fiche; `days` after the office clock's today, or no end date."""
    until = None if days is None else office.clock().date() + timedelta(days=days)
    contracts: Any = "all" if every else [office.contract]
    return {
        "name": "Gebruiker",
        "email": "gebruiker@example.be",
        "rights": rights,
        "contracts": contracts,
        "external": False,
        "assignment": None,
        "valid_until": until,
    }


def confirm(app: ToegangApplication, grant_id: UUID, client: str = "test") -> None:
    """Confirm a grant with the token its mail carried."""
    grant: Grant = app.store.repository.get(grant_id)
    app.grants.confirm_grant(app.tokens.derive(grant.id, grant.confirmation_id or ""), client)


def instants(events: list[tuple[Any, int]]) -> list[datetime]:
    """Every event's time, the midpoints between them, each valid_until cut-off (and just
    before it), and times after the last event."""
    times = sorted({event.timestamp for event, _ in events})
    found = set(times) | {a + (b - a) / 2 for a, b in itertools.pairwise(times)}
    for event, _ in events:
        until = (getattr(event, "fiche", None) or {}).get("valid_until")
        cut = day_after(until) if isinstance(until, date) else None
        if cut:
            found |= {parse_instant(cut), parse_instant(cut) - MICRO}
    found |= {times[-1] + timedelta(seconds=1), times[-1] + timedelta(days=400)}
    return sorted(found)


def projected(parts: Parts, platform: str, organisation: str, at: datetime) -> list[Any]:
    return [
        {k: row[k] for k in COMPARED}
        for row in access_at(parts.database, platform, organisation, at)
    ]


def assert_agrees(
    parts: Parts, events: list[tuple[Any, int]], pairs: list[tuple[str, str]]
) -> None:
    """access_at from the tables equals the replay oracle at every interesting instant."""
    for at in instants(events):
        for platform, organisation in pairs:
            expected = replay_access_at(events, platform, organisation, at)
            assert projected(parts, platform, organisation, at) == expected, (at, organisation)


def is_a(name: str) -> Callable[[Any], bool]:
    return lambda event: type(event).__qualname__ == name


def positions_of(
    events: list[tuple[Any, int]], *aggregates: UUID, also: Callable[[Any], bool] | None = None
) -> list[int]:
    """Positions of the events of `aggregates`, and of the events for which `also` holds."""
    wanted = set(aggregates)
    return [p for e, p in events if e.originator_id in wanted or (also and also(e))]
