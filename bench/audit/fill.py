"""Building the history: who is registered, which stories play, and storing it all."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as midnight

from bench.audit.common import ORGANISATION, OTHER, PORTAL, SPAN, STAFF
from bench.audit.grants import GrantStory
from bench.audit.history import History, SimulatedClock, Story, event_times
from bench.audit.users import Office, UserStory
from services.bootstrap.application import ToegangApplication
from services.eventlog.store import eventsourcing_env
from services.grants.domain.advisor import Advisor
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.tokens import ConfirmationTokens
from services.settings import Settings
from tests.support import platform_settings

NOISE_ORGANISATIONS = 12
GRANT_EVENTS, USER_EVENTS = 20, 170
"""Events of the organisation per grant story, and per user fiche kept going."""


def register(history: History, platform: str, organisation: str, ours: bool, contract: str) -> None:
    """An employer: registration, a contract it holds and its coverage."""
    history.touch(
        ours,
        Organisation(ref=organisation, name="Werkgever", contact_email="hr@e.org", actor=STAFF),
    )
    deal = Contract(platform, contract, organisation, [organisation], "C", STAFF)
    coverage = Coverage(platform=platform, organisation=organisation, actor=STAFF)
    coverage.add_contract(contract=contract, actor=STAFF)
    history.touch(ours, deal, coverage)


class Advisors:
    """Registered advisors: each registered as an organisation, then per platform on demand."""

    def __init__(self, history: History, count: int) -> None:
        self.history = history
        self.refs = [f"kvk:{30_000_000 + number:08d}" for number in range(count)]
        self.registered: dict[tuple[str, str], Advisor] = {}
        for ref in self.refs:
            history.touch(
                False, Organisation(ref=ref, name="Adviseur", contact_email="a@e.org", actor=STAFF)
            )

    def on(self, platform: str, ref: str) -> Advisor:
        if (platform, ref) not in self.registered:
            advisor = Advisor(platform, ref, f"AFM-{ref[4:]}", STAFF)
            self.registered[platform, ref] = advisor
            self.history.touch(False, advisor)
        return self.registered[platform, ref]


def cast(history: History, events: int) -> None:
    """Register everyone at the start; the stories begin over the first 60 % of the span.

    The organisation: a grant story per advisor (about 20 events each over the span) and a
    few user fiches at a time; the noise: a quarter as many stories among other employers.
    """
    portal = {**platform_settings(), "login": ["eherkenning", "credentials"]}
    history.touch(False, Platform(slug=PORTAL, settings=portal, actor=STAFF))
    history.touch(False, Platform(slug=OTHER, settings=platform_settings(), actor=STAFF))
    grants, users = max(4, events // GRANT_EVENTS), max(2, events // USER_EVENTS)
    advisors = Advisors(history, grants)
    register(history, PORTAL, ORGANISATION, True, "C-1")
    stories: list[Story] = [
        GrantStory(PORTAL, ORGANISATION, advisors.on(PORTAL, ref), True) for ref in advisors.refs
    ]
    office = Office.open(history, PORTAL, ORGANISATION, True)
    stories += [UserStory(office) for _ in range(users)]
    for number in range(NOISE_ORGANISATIONS):
        stories += noise(history, number, advisors, grants // 4, users // 4)
    for story in stories:
        history.schedule(SPAN * 0.6 * history.rng.random(), story)


def noise(
    history: History, number: int, advisors: Advisors, grants: int, users: int
) -> list[Story]:
    """An unrelated employer's share of the noise, on either platform."""
    platform, ref = (PORTAL, OTHER)[number % 2], f"kvk:{50_000_000 + number:08d}"
    register(history, platform, ref, False, f"N-{number}")
    picks = history.rng.sample(advisors.refs, k=min(len(advisors.refs), grants // 12 + 1))
    stories: list[Story] = [
        GrantStory(platform, ref, advisors.on(platform, a), False) for a in picks
    ]
    if platform == PORTAL:
        office = Office.open(history, PORTAL, ref, False)
        stories += [UserStory(office) for _ in range(users // 6 + 1)]
    return stories


@dataclass
class Filled:
    head: int
    ours: int
    noise: int
    first: datetime
    last: datetime


def fill(settings: Settings, events: int, seed: int) -> Filled:
    """Simulate the history (see the package docstring) and store it; answer what was made."""
    app = ToegangApplication(eventsourcing_env(settings), tokens=ConfirmationTokens(b"k" * 32))
    today = datetime.combine(datetime.now(UTC).date(), midnight(), UTC)
    clock = SimulatedClock(today - SPAN)  # the same history all day long, for a given seed
    history = History(app, random.Random(seed), clock)
    with event_times(clock):
        cast(history, events)
        history.run(events)
    head = app.position()
    app.close()
    assert history.first is not None
    assert history.last is not None
    return Filled(head, history.ours, history.noise, history.first, history.last)
