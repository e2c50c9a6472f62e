"""Audit history index and access intervals, on SQLite and PostgreSQL.

The property: for random command sequences, `access_at` over the projected intervals equals a
replay of the log up to the same instant (`replay_access_at`, the access projection's own
state) at every event's time, between events, at every `valid_until` cut-off and after.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import eventsourcing.domain
import pytest
from eventsourcing.application import AggregateNotFoundError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.audit import projection as audit_projection
from services.audit.projection import AuditProjection
from services.audit.replay import replay_access_at
from services.audit.timefmt import day_after, instant, parse_instant
from services.audit.views import access_at, history_positions, intervals_of
from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog, open_event_log
from services.eventlog.store import eventsourcing_env
from services.grants.domain.advisor import Advisor
from services.grants.domain.agreement import Agreement
from services.grants.domain.base import DomainError
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.tokens import ConfirmationTokens
from services.settings import Settings
from tests.support import Clock, World, platform_settings, random_kbo, random_slug
from tests.world import build_world

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


@pytest.fixture
def parts(fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parts]:
    """Events are stamped by the test clock, so moving it on records events after cut-offs."""
    clock = Clock()
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", clock)
    env = eventsourcing_env(fresh_settings)
    app = ToegangApplication(env, tokens=ConfirmationTokens(os.urandom(32)), clock=clock)
    log, database = open_event_log(fresh_settings), ViewDatabase(fresh_settings)
    yield Parts(app, clock, log, database)
    log.close()
    database.close()
    app.close()


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


PARTIES = ("advisor", "group", "stranger")
RIGHTS = st.sampled_from(["view", "edit"])
FICHES = st.tuples(RIGHTS, st.booleans(), st.sampled_from([None, 0, 1, 2, 30]))
CHOOSE = st.integers(0, 9)
GRANT_OPS = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(PARTIES), RIGHTS),
    st.tuples(st.just("confirm"), st.sampled_from(PARTIES)),
    st.tuples(st.just("confirm"), st.sampled_from(PARTIES)),
    st.tuples(st.just("change"), st.sampled_from(PARTIES), RIGHTS),
    st.tuples(st.just("revoke"), st.sampled_from(PARTIES)),
    st.tuples(st.just("withdraw")),
    st.tuples(st.just("reinstate")),
)
USER_OPS = st.one_of(
    st.tuples(st.just("add_user"), FICHES),
    st.tuples(st.just("add_user"), FICHES),
    st.tuples(st.just("replace_user"), CHOOSE, FICHES),
    st.tuples(st.just("replace_user"), CHOOSE, FICHES),
    st.tuples(st.just("revoke_user"), CHOOSE),
    st.tuples(st.just("expire_user"), CHOOSE),
    st.tuples(st.just("agreement")),
    st.tuples(st.just("master")),
)
operations = st.lists(
    st.one_of(
        GRANT_OPS,
        GRANT_OPS,
        USER_OPS,
        USER_OPS,
        st.tuples(st.just("later"), st.sampled_from([1, 13, 24, 96])),
        st.tuples(st.just("project"), st.integers(1, 7)),
    ),
    min_size=10,
    max_size=40,
)


@dataclass
class Driver:
    """Carries out generated operations through the application's use cases."""

    parts: Parts
    world: World
    office: Office
    projection: AuditProjection

    def __call__(self, kind: str, *args: Any) -> None:
        """Run one operation; a refused command appends nothing and the audit must not care."""
        with contextlib.suppress(DomainError, AggregateNotFoundError):
            getattr(self, kind)(*args)

    def _grant(self, party: str) -> UUID:
        return Grant.create_id(self.world.platform, self.world.employer, getattr(self.world, party))

    def _user(self, choice: int) -> str:
        users = self.office.users
        if not users:
            raise AggregateNotFoundError("no user yet")
        return users[choice % len(users)]

    def request(self, party: str, rights: str) -> None:
        world = self.world
        grantee = getattr(world, party)
        self.parts.app.grants.request_grant(
            world.platform, world.employer, grantee, rights, world.employer_actor()
        )

    def confirm(self, party: str) -> None:
        confirm(self.parts.app, self._grant(party))

    def change(self, party: str, rights: str) -> None:
        self.parts.app.grants.change_rights(
            str(self._grant(party)), rights, self.world.employer_actor()
        )

    def revoke(self, party: str) -> None:
        self.parts.app.grants.revoke_grant(
            str(self._grant(party)), self.world.employer_actor(), "t"
        )

    def withdraw(self) -> None:
        self.parts.app.reference.withdraw_licence(self.world.platform, self.world.advisor, "staff")

    def reinstate(self) -> None:
        self.parts.app.reference.register_advisor(
            self.world.platform, self.world.advisor, "AFM-2", "s"
        )

    def add_user(self, terms: tuple[str, bool, int | None]) -> None:
        office = self.office
        made = self.parts.app.users.create_user(
            office.platform, office.organisation, office.master_actor(), fiche(office, *terms)
        )
        office.users.append(made["user_id"])

    def replace_user(self, choice: int, terms: tuple[str, bool, int | None]) -> None:
        office, user = self.office, self._user(choice)
        self.parts.app.users.replace_user(
            office.platform, office.organisation, user, office.master_actor(), fiche(office, *terms)
        )

    def revoke_user(self, choice: int) -> None:
        office, user = self.office, self._user(choice)
        self.parts.app.users.revoke_user(
            office.platform, office.organisation, user, office.master_actor(), "left"
        )

    def expire_user(self, choice: int) -> None:
        self.parts.app.users.expire_user(self._user(choice))

    def agreement(self) -> None:
        new_agreement(self.parts.app, self.office)

    def master(self) -> None:
        appoint_master(self.parts.app, self.office)

    def later(self, hours: int) -> None:
        self.parts.clock.advance(timedelta(hours=hours))

    def project(self, batch_size: int) -> None:
        self.projection.batch_size = batch_size
        self.projection.process_batch()


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


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_access_at_equals_a_replay_of_the_log(parts: Parts, ops: list[tuple[Any, ...]]) -> None:
    random.seed(os.urandom(16))  # hypothesis seeds `random` alike per example: ids would repeat
    start = parts.log.head()
    projection = parts.projection(batch_size=5)  # a restart on what earlier examples stored
    world, office = build_world(parts.app), build_office(parts.app)
    drive = Driver(parts, world, office, projection)
    for kind, *args in ops:
        drive(kind, *args)
    projection.batch_size = 1000
    projection.catch_up()
    assert projection.position == parts.log.head()
    pairs = [
        (world.platform, world.employer),
        (world.platform, world.advisor),
        (office.platform, office.organisation),
    ]
    assert_agrees(parts, parts.events(start), pairs)


def is_a(name: str) -> Callable[[Any], bool]:
    return lambda event: type(event).__qualname__ == name


def positions_of(
    events: list[tuple[Any, int]], *aggregates: UUID, also: Callable[[Any], bool] | None = None
) -> list[int]:
    """Positions of the events of `aggregates`, and of the events for which `also` holds."""
    wanted = set(aggregates)
    return [p for e, p in events if e.originator_id in wanted or (also and also(e))]


@dataclass
class History:
    """A grant world and an office with a user, and the log they wrote."""

    parts: Parts
    world: World
    office: Office
    user: str
    events: list[tuple[Any, int]]

    def find(self, **filters: Any) -> list[int]:
        return history_positions(self.parts.database, limit=1000, **filters)

    def grant(self, party: str) -> UUID:
        world = self.world
        return Grant.create_id(world.platform, world.employer, getattr(world, party))

    def expected(self, *aggregates: UUID, also: Callable[[Any], bool] | None = None) -> list[int]:
        return positions_of(self.events, *aggregates, also=also)


@pytest.fixture
def history(parts: Parts) -> History:
    app, world = parts.app, build_world(parts.app)
    for party, rights in ((world.advisor, "view"), (world.group, "edit")):
        app.grants.request_grant(
            world.platform, world.employer, party, rights, world.employer_actor()
        )
    office = build_office(app)
    terms = fiche(office, "view", True, None)
    made = app.users.create_user(office.platform, office.organisation, office.master_actor(), terms)
    parts.projection().catch_up()
    return History(parts, world, office, made["user_id"], parts.events())


def test_history_positions_of_a_platform_and_of_each_party(history: History) -> None:
    w, find, expected = history.world, history.find, history.expected
    contract, linked = Contract.create_id(w.platform, w.contract), is_a("Advisor.ClientLinked")
    coverage = {ref: Coverage.create_id(w.platform, ref) for ref in (w.employer, w.group)}
    advisor = Advisor.create_id(w.platform, w.advisor)
    to_advisor, to_group = history.grant("advisor"), history.grant("group")
    on_platform = [Platform.create_id(w.platform), advisor, contract, *coverage.values()]
    assert find(platform=w.platform) == expected(*on_platform, to_advisor, to_group)
    organisation = Organisation.create_id
    assert find(organisation=w.advisor) == expected(organisation(w.advisor), advisor, to_advisor)
    assert find(organisation=w.group) == expected(
        organisation(w.group), contract, coverage[w.group], to_group
    )
    employer = [contract, coverage[w.employer], to_advisor, to_group]
    assert find(organisation=w.employer) == expected(
        organisation(w.employer), *employer, also=linked
    )
    # with an organisation, its own platform-less events (registration, renames) come along
    on_employers_platform = find(platform=w.platform, organisation=w.employer)
    assert on_employers_platform == expected(organisation(w.employer), *employer, also=linked)
    assert find(grant_id=str(to_advisor)) == expected(to_advisor, also=linked)
    assert find(organisation=w.stranger) == expected(organisation(w.stranger))


def test_history_positions_of_a_user_organisation_and_a_user(history: History) -> None:
    office, user, find, expected = history.office, history.user, history.find, history.expected
    platform, ref = office.platform, office.organisation
    own = [
        Organisation.create_id(ref),
        Contract.create_id(platform, office.contract),
        Coverage.create_id(platform, ref),
        Agreement.create_id(platform, ref),
    ]
    added = is_a("AgreementRegister.OrganisationAdded")
    assert find(organisation=ref) == expected(*own, UUID(office.master), UUID(user), also=added)
    names_user = lambda event: getattr(event, "user_id", None) == user  # noqa: E731
    assert find(user_id=user) == expected(UUID(user), also=names_user)
    assert find(platform=platform, user_id=user) == find(user_id=user)


def test_history_positions_by_time_range_ascending_and_in_pages(history: History) -> None:
    events, find = history.events, history.find
    start, end = events[5][0].timestamp, events[12][0].timestamp
    assert find(start=start, end=end) == [p for _, p in events[5:12]]
    assert find(start=start, end=end, after=events[7][1]) == [p for _, p in events[8:12]]
    assert find(start=start) == [p for _, p in events[5:]]
    assert find(end=end) == [p for _, p in events[:12]]
    employer, pages, after = history.world.employer, [], 0
    while page := history_positions(
        history.parts.database, organisation=employer, after=after, limit=3
    ):
        pages.append(page)
        after = page[-1]
    assert [p for page in pages for p in page] == find(organisation=employer)
    assert len(pages) > 2 and all(len(page) == 3 for page in pages[:-1])
    assert find() == sorted(find()) == [p for _, p in events]


def test_a_restarted_projection_continues_without_applying_anything_twice(
    parts: Parts, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, world = parts.app, build_world(parts.app)
    app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", world.employer_actor()
    )
    first = parts.projection(batch_size=4)
    assert first.catch_up() == parts.log.head()
    second = parts.projection()
    assert second.position == first.position and second.catch_up() == 0
    grant_id = Grant.create_id(world.platform, world.employer, world.advisor)
    confirm(app, grant_id)
    app.grants.change_rights(str(grant_id), "edit", world.employer_actor())
    head = parts.log.head()
    assert second.catch_up() == head - first.position
    assert first.process_batch() == 0  # behind the stored position: reloads, writes nothing
    assert first.position == head and first.catch_up() == 0
    assert parts.count("SELECT COUNT(*) FROM audit_events") == head
    assert parts.count("SELECT applied FROM audit_tracking") == head
    assert parts.count("SELECT COUNT(*) FROM audit_intervals") == 2
    timeline = intervals_of(parts.database, world.platform, world.employer)
    monkeypatch.setattr(audit_projection, "AUDIT_VERSION", "audit-test")
    renewed = parts.projection()  # another version: the tables are dropped and replayed
    assert renewed.position == 0 and renewed.catch_up() == head
    assert intervals_of(parts.database, world.platform, world.employer) == timeline
    assert parts.count("SELECT applied FROM audit_tracking") == head


def test_a_grant_interval_records_approval_and_keeps_since_across_rights_changes(
    parts: Parts,
) -> None:
    app, world = parts.app, build_world(parts.app)
    app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", world.employer_actor()
    )
    grant_id = Grant.create_id(world.platform, world.employer, world.advisor)
    confirm(app, grant_id, "mail-link")
    parts.clock.advance(timedelta(hours=1))
    changed = app.grants.change_rights(str(grant_id), "edit", world.employer_actor())["position"]
    parts.clock.advance(timedelta(hours=1))
    app.grants.revoke_grant(str(grant_id), world.employer_actor(), "done")
    parts.projection().catch_up()
    first, second = intervals_of(parts.database, world.platform, world.employer)
    assert (first["rights"], second["rights"]) == ("view", "edit")
    assert first["approved_by"] == {"method": "confirmation_link", "client": "mail-link"}
    assert second["approved_by"]["legal_subject"] == world.employer
    assert first["since"] == second["since"] == first["valid_from"]
    assert first["valid_to"] == second["valid_from"] and first["to_position"] == changed
    assert second["valid_to"] is not None and second["to_position"] == parts.log.head()
    assert {first["route"], second["route"], first["holder"]} == {"grant", world.advisor}
    assert first["scope"] is None and first["kind"] == "grant"
    during = parse_instant(second["valid_from"]) + timedelta(minutes=1)
    answers = access_at(parts.database, world.platform, world.employer, during)
    assert [(a["kind"], a["holder"], a["rights"]) for a in answers] == [
        ("grant", world.advisor, "edit")
    ]


def user_interval(parts: Parts, office: Office, login: str) -> dict[str, Any]:
    rows = intervals_of(parts.database, office.platform, office.organisation)
    return next(row for row in rows if row["holder"] == login)


def holders(parts: Parts, office: Office, at: datetime) -> list[str]:
    answers = access_at(parts.database, office.platform, office.organisation, at)
    return [answer["holder"] for answer in answers]


def test_a_user_loses_access_at_midnight_after_valid_until_without_any_event(
    parts: Parts,
) -> None:
    app, office = parts.app, build_office(parts.app)
    cut = parse_instant(day_after(app.clock().date()) or "")
    terms = fiche(office, "view", False, 0)
    made = app.users.create_user(office.platform, office.organisation, office.master_actor(), terms)
    projection = parts.projection()
    projection.catch_up()
    user = user_interval(parts, office, made["login"])
    assert (user["valid_to"], user["to_position"]) == (instant(cut), None)
    assert (user["scope"], user["route"]) == ([office.contract], "credentials")
    assert user["approved_by"] == office.master_actor()
    master = intervals_of(parts.database, office.platform, office.organisation)[0]
    assert (master["route"], master["scope"], master["valid_to"]) == ("master_user", "all", None)
    assert master["approved_by"] == {"method": "service", "client": "staff"}
    assert made["login"] in holders(parts, office, cut - MICRO)
    assert made["login"] not in holders(parts, office, cut)
    parts.clock.advance(timedelta(days=2))
    app.users.expire_user(made["user_id"])
    projection.catch_up()
    expired = positions_of(parts.events(), also=is_a("PlatformUser.Expired"))
    ended = user_interval(parts, office, made["login"])
    assert (ended["valid_to"], [ended["to_position"]]) == (instant(cut), expired)
    assert_agrees(parts, parts.events(), [(office.platform, office.organisation)])


def test_an_event_before_the_cut_off_pulls_the_end_earlier(parts: Parts) -> None:
    app, office = parts.app, build_office(parts.app)
    terms = fiche(office, "edit", True, 1)
    made = app.users.create_user(office.platform, office.organisation, office.master_actor(), terms)
    parts.clock.advance(timedelta(hours=1))
    app.users.revoke_user(
        office.platform, office.organisation, made["user_id"], office.master_actor(), "left"
    )
    parts.projection().catch_up()
    revoked = [(e, p) for e, p in parts.events() if is_a("PlatformUser.Revoked")(e)]
    ended = user_interval(parts, office, made["login"])
    assert [(ended["valid_to"], ended["to_position"])] == [
        (instant(e.timestamp), p) for e, p in revoked
    ]
    assert made["login"] not in holders(parts, office, revoked[0][0].timestamp)
    assert_agrees(parts, parts.events(), [(office.platform, office.organisation)])


def test_instants_are_fixed_width_utc_text_and_parse_back() -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert instant(moment) == "2026-03-01T09:30:00.000000Z"
    assert instant(datetime(5, 1, 1)) == "0005-01-01T00:00:00.000000Z"
    assert parse_instant("2026-03-01T10:30:00+01:00") == moment
    assert parse_instant("2026-03-01T09:30:00Z") == parse_instant("2026-03-01T09:30:00") == moment
    assert instant(parse_instant("2026-03-01T11:30:00.5+02:00")) == "2026-03-01T09:30:00.500000Z"
    assert day_after(date(2026, 2, 28)) == "2026-03-01T00:00:00.000000Z"
    assert day_after(date.max) is None
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_instant("yesterday")
    stamps = [moment + timedelta(microseconds=n) * 10**k for n in (1, 7) for k in range(12)]
    assert sorted(map(instant, stamps)) == [instant(s) for s in sorted(stamps)]
