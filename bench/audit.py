"""Point-in-time audit queries and hash-chain verification against raw PostgreSQL, same run.

    python -m bench.audit [--events 10000] [--requests 2000] [--repeats 5] [--seed 7] [--keep]
        [--database-url postgresql://postgres@127.0.0.1:5432/toegang_bench_audit]

Fills a fresh PostgreSQL database with the history of one organisation (`ORGANISATION`) of
about `--events` events, simulated over the past three years: advisors requested as grantees,
confirmed (or left to expire, or withdrawn while pending), their rights changed between view
and edit, revoked and requested again; and, on the same platform (it accepts eHerkenning and
credentials), the organisation's user fiches created by its master user, activated, replaced
(view and edit), revoked or expired at their end date. Unrelated organisations add about
two fifths as many events as noise, on that platform and on another. Then:

1. catches up the audit projection (`open_audit(settings, catch_up=True)`) and counts the
   organisation's access intervals;
2. times `--requests` point-in-time queries for the organisation at random instants of its
   history, four ways taking turns at each instant: the interval SELECT with psycopg directly
   (the floor), `AuditService.access_at` in this process, and over HTTP (httpx, keep-alive)
   a bare FastAPI endpoint taking the same query and `GET /v1/audit/access` of
   `create_app(settings, tokens, roles=("projections",))`, both served by uvicorn in a process
   of their own with the same settings. Prints p50, p95, p99 and mean, the ratios, and the
   p99 target (< 50 ms);
3. times `ChainVerifier.verify()` over the whole log against a raw psycopg read of the same
   rows in the same batches, and that read with the SHA-256 links computed (best of
   `--repeats`, taking turns). Prints the rates and the ratios.

The database is dropped at the end unless `--keep`.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import astuple, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as midnight
from typing import Any, Protocol
from unittest import mock
from uuid import UUID

import httpx
import psycopg
from eventsourcing.domain import Aggregate, CanCreateTimestamp
from eventsourcing.persistence import StoredEvent
from fastapi import FastAPI
from psycopg import sql

from bench.check_endpoint import UVICORN, serve
from bench.rebuild import fresh_database
from services.app import create_app
from services.audit.chain import GENESIS, link
from services.audit.service import AuditService, open_audit
from services.audit.timefmt import instant
from services.audit.verify import BATCH
from services.audit.views import ACCESS_COLUMNS
from services.grants.application import GrantsApplication
from services.grants.domain.actor import service_actor
from services.grants.domain.advisor import Advisor
from services.grants.domain.agreement import Agreement
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.domain.platform_user import PlatformUser
from services.grants.store import eventsourcing_env
from services.grants.tokens import ConfirmationTokens
from services.settings import Settings
from tests.support import TOKENS, actor, free_port, platform_settings

PORTAL, OTHER = "bench-portal", "bench-other"
ORGANISATION = "kvk:40000000"
STAFF = service_actor("bench")
SPAN = timedelta(days=3 * 365)
TTL = timedelta(days=7)
SAVE_EVERY = 1000
NOISE_ORGANISATIONS = 12
GRANT_EVENTS, USER_EVENTS = 20, 170
"""Events of the organisation per grant story, and per user fiche kept going."""
AUDITOR = {"Authorization": "Bearer auditor-token"}
ACCESS_SQL = (
    f"SELECT {', '.join(ACCESS_COLUMNS)} FROM audit_intervals "  # noqa: S608
    "WHERE platform = %(platform)s AND organisation = %(organisation)s "
    "AND valid_from <= %(at)s AND (valid_to IS NULL OR valid_to > %(at)s) "
    "ORDER BY kind, holder, subject_id"
)
RAW_LOG_SQL = (
    "SELECT notification_id, originator_id, originator_version, topic, state "
    "FROM {} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
)


# --- the simulated history ------------------------------------------------------------------


class SimulatedClock:
    """The time of the event being simulated; domain events take it as their timestamp."""

    def __init__(self, now: datetime) -> None:
        self.now = now


@contextmanager
def event_times(clock: SimulatedClock) -> Iterator[None]:
    """Time every domain event created in the block by `clock` instead of the wall clock."""
    with mock.patch.object(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: clock.now)):
        yield


class Story(Protocol):
    def step(self, history: History) -> timedelta | None:
        """Act at `history.clock.now`; answer when to act next (None: the story ends)."""


class History:
    """A discrete-event simulation of many stories, saved through the application in batches."""

    def __init__(self, app: GrantsApplication, rng: random.Random, clock: SimulatedClock):
        self.app, self.rng, self.clock = app, rng, clock
        self.queue: list[tuple[datetime, int, Story]] = []
        self.sequence = itertools.count()
        self.batch: dict[UUID, Aggregate] = {}
        self.counted: dict[UUID, int] = {}
        self.ours = self.noise = 0
        self.first: datetime | None = None
        self.last: datetime | None = None

    @property
    def now(self) -> datetime:
        return self.clock.now

    def days(self, low: float, high: float) -> timedelta:
        return timedelta(days=self.rng.uniform(low, high))

    def secret(self) -> str:
        return f"{self.rng.getrandbits(256):064x}"

    def schedule(self, delay: timedelta, story: Story) -> None:
        heapq.heappush(self.queue, (self.now + delay, next(self.sequence), story))

    def touch(self, ours: bool, *aggregates: Aggregate) -> None:
        """Queue aggregates for the next save; count their new events as ours or noise."""
        for aggregate in aggregates:
            pending = len(aggregate.pending_events)
            new = pending - self.counted.get(aggregate.id, 0)
            self.counted[aggregate.id], self.batch[aggregate.id] = pending, aggregate
            if ours:
                self.ours += new
            else:
                self.noise += new
        if ours:
            self.first = self.first or self.now
            self.last = self.now

    def save(self) -> None:
        if self.batch:
            self.app.save(*self.batch.values())
        self.batch.clear()
        self.counted.clear()

    def run(self, target: int) -> None:
        """Play the stories in time order until the organisation's history holds `target`."""
        while self.queue and self.ours < target:
            self.clock.now, _, story = heapq.heappop(self.queue)
            later = story.step(self)
            if later is not None:
                self.schedule(later, story)
            if sum(self.counted.values()) >= SAVE_EVERY:
                self.save()
        self.save()


class GrantStory:
    """One employer-advisor pair: request, confirm or expire, change rights, revoke, again."""

    def __init__(self, platform: str, grantor: str, advisor: Advisor, ours: bool) -> None:
        self.platform, self.grantor, self.advisor, self.ours = platform, grantor, advisor, ours
        self.grant: Grant | None = None
        self.token = ""
        self.next: Callable[[History, Grant], timedelta | None] = self.request

    def person(self, history: History) -> dict[str, Any]:
        return actor(self.grantor, person=f"person-{history.rng.randrange(4)}")

    def step(self, history: History) -> timedelta | None:
        if self.grant is None:
            record = self.person(history)
            self.grant = Grant(self.platform, self.grantor, self.advisor.organisation, record)
            self.advisor.link_client(
                grantor=self.grantor, grant_id=str(self.grant.id), actor=record
            )
        later = self.next(history, self.grant)
        history.touch(self.ours, self.grant, self.advisor)
        return later

    def request(self, history: History, grant: Grant) -> timedelta:
        now, record, self.token = history.now, self.person(history), history.secret()
        rights = history.rng.choice(("view", "edit"))
        grant.request(rights=rights, basis="advisor", actor=record, now=now, expires_at=now + TTL)
        grant.issue_confirmation(
            confirmation_id=self.token[:32],
            token_hash=self.token,
            sent_to="hr@example.org",
            expires_at=now + TTL,
            actor=record,
        )
        roll = history.rng.random()
        if roll < 0.85:
            self.next = self.confirm
            return history.days(0.01, 3)
        if roll < 0.95:
            self.next = self.expire
            return TTL + history.days(0.05, 2)
        self.next = self.revoke
        return history.days(0.05, 5)

    def confirm(self, history: History, grant: Grant) -> timedelta:
        link_actor = {"method": "confirmation_link", "client": "bench"}
        grant.confirm(token_hash=self.token, actor=link_actor, now=history.now)
        self.next = self.change if history.rng.random() < 0.75 else self.revoke
        return history.days(5, 120)

    def change(self, history: History, grant: Grant) -> timedelta:
        rights = "edit" if grant.rights == "view" else "view"
        grant.change_rights(rights=rights, actor=self.person(history), now=history.now)
        self.next = self.change if history.rng.random() < 0.6 else self.revoke
        return history.days(5, 120)

    def revoke(self, history: History, grant: Grant) -> timedelta | None:
        grant.revoke(actor=self.person(history), reason="bench", now=history.now)
        self.next = self.request
        return history.days(3, 180) if history.rng.random() < 0.85 else None

    def expire(self, history: History, grant: Grant) -> timedelta:
        assert grant.expire_if_due(history.now, service_actor("toegang"))
        self.next = self.request
        return history.days(1, 30)


@dataclass
class Office:
    """An organisation's agreement on a credential platform and its master user."""

    agreement: Agreement
    master: dict[str, Any]
    ours: bool

    @classmethod
    def open(cls, history: History, platform: str, organisation: str, ours: bool) -> Office:
        agreement = Agreement(
            platform, organisation, "AGR-1", "hr@example.org", date(2020, 1, 1), STAFF
        )
        user = new_user(history, agreement, fiche(1, "edit"), is_master=True, actor=STAFF)
        agreement.appoint_master_user(user_id=str(user.id), actor=STAFF)
        history.touch(ours, agreement, user)
        return cls(agreement, {"method": "credentials", "user_id": str(user.id)}, ours)


def fiche(number: int, rights: str, valid_until: date | None = None) -> dict[str, Any]:
    return {
        "name": f"Gebruiker {number}",
        "email": f"user{number}@example.org",
        "rights": rights,
        "contracts": "all" if number % 3 else ["C-1"],
        "external": valid_until is not None,
        "assignment": "jaarrekening" if valid_until is not None else None,
        "valid_until": valid_until,
    }


def new_user(
    history: History,
    agreement: Agreement,
    card: dict[str, Any],
    is_master: bool,
    actor: dict[str, Any],
) -> PlatformUser:
    """A user fiche under the agreement with its first access code (as `new_user` does)."""
    number = agreement.next_user_number()
    login = f"{agreement.organisation.split(':')[1]}-{number:03d}"
    user = PlatformUser(
        agreement.platform, agreement.organisation, number, login, agreement.reference, card,
        is_master, actor,
    )  # fmt: skip
    agreement.add_user(user_id=str(user.id), login=login)
    user.issue_credentials(
        code_id=history.secret()[:16],
        code_hash=history.secret(),
        expires_at=history.now + TTL,
        actor=actor,
    )
    return user


class UserStory:
    """One user fiche: created, activated, replaced, then revoked (or expired at its end
    date, for an external consultant); a successor follows after a while."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.user: PlatformUser | None = None
        self.ends: datetime | None = None
        self.next: Callable[[History, PlatformUser], timedelta | None] = self.activate

    def step(self, history: History) -> timedelta | None:
        if self.user is None:
            self.user = self.create(history)
            later: timedelta | None = history.days(0.02, 3)
        else:
            later = self.next(history, self.user)
        history.touch(self.office.ours, self.office.agreement, self.user)
        if later is not None and self.ends is not None and history.now + later >= self.ends:
            self.next = self.expire
            return self.ends - history.now + history.days(0, 1.5)
        return later

    def create(self, history: History) -> PlatformUser:
        valid_until = None
        if history.rng.random() < 0.25:
            valid_until = (history.now + history.days(60, 400)).date()
            self.ends = datetime.combine(valid_until + timedelta(days=1), midnight(), UTC)
        number = self.office.agreement.next_user_number()
        card = fiche(number, history.rng.choice(("view", "edit")), valid_until)
        return new_user(history, self.office.agreement, card, False, self.office.master)

    def activate(self, history: History, user: PlatformUser) -> timedelta:
        code = user.code_hash or ""
        user.activate(code_hash=code, now=history.now, actor=service_actor(user.login))
        self.next = self.replace
        return history.days(10, 150)

    def replace(self, history: History, user: PlatformUser) -> timedelta:
        rights = "edit" if user.fiche["rights"] == "view" else "view"
        user.replace_profile(fiche={**user.fiche, "rights": rights}, actor=self.office.master)
        self.next = self.replace if history.rng.random() < 0.6 else self.revoke
        return history.days(10, 150)

    def revoke(self, history: History, user: PlatformUser) -> None:
        user.revoke(reason="left", actor=self.office.master)
        self.succeed(history, user)

    def expire(self, history: History, user: PlatformUser) -> None:
        assert user.expire_if_due(history.now.date(), service_actor("toegang"))
        self.succeed(history, user)

    def succeed(self, history: History, user: PlatformUser) -> None:
        self.office.agreement.remove_user(user_id=str(user.id))
        history.schedule(history.days(1, 60), UserStory(self.office))


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
    """Simulate the history (see the module docstring) and store it; answer what was made."""
    app = GrantsApplication(eventsourcing_env(settings), tokens=ConfirmationTokens(b"k" * 32))
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


# --- point-in-time queries -----------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float
    mean: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
        ms = 1000.0
        return cls(cuts[49] * ms, cuts[94] * ms, cuts[98] * ms, statistics.fmean(seconds) * ms)


Call = Callable[[str], int]
"""One point-in-time query at an instant; answers the number of rows."""


def timed(calls: dict[str, Call], instants: list[str], warmup: int) -> dict[str, list[float]]:
    """Seconds per call, the calls taking turns at each instant (so that whatever else the
    machine does falls on all of them alike), after `warmup` untimed rounds."""
    for at in instants[:warmup]:
        for call in calls.values():
            call(at)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for at in instants:
        for name, call in calls.items():
            started = time.perf_counter()
            call(at)
            samples[name].append(time.perf_counter() - started)
    return samples


def raw_select(conn: psycopg.Connection[tuple[Any, ...]]) -> Call:
    """The interval SELECT with psycopg on one autocommit connection."""

    def select(at: str) -> int:
        params = {"platform": PORTAL, "organisation": ORGANISATION, "at": at}
        return len(conn.execute(ACCESS_SQL, params).fetchall())

    return select


def in_process(audit: AuditService) -> Call:
    """`AuditService.access_at` on its own connection, no HTTP."""

    def access_at(at: str) -> int:
        return len(audit.access_at(PORTAL, ORGANISATION, datetime.fromisoformat(at))["access"])

    return access_at


def over_http(client: httpx.Client) -> Call:
    """A GET of /v1/audit/access on a keep-alive httpx client."""

    def get(at: str) -> int:
        params = {"platform": PORTAL, "organisation": ORGANISATION, "at": at}
        response = client.get("/v1/audit/access", params=params)
        assert response.status_code == 200, response.text
        return len(response.content)

    return get


def audit_app() -> FastAPI:
    """The app under test (`uvicorn --factory`): the projections role on TOEGANG_DATABASE_URL."""
    return create_app(Settings(), TOKENS, roles=("projections",))


def bare_app() -> FastAPI:
    """The baseline (`uvicorn --factory`): the same route and query, answering nothing."""
    app = FastAPI()

    @app.get("/v1/audit/access")
    async def access(platform: str, organisation: str, at: datetime) -> dict[str, Any]:
        """Parse the same query, answer the same shape, look nothing up."""
        return {
            "platform": platform,
            "organisation": organisation,
            "at": instant(at),
            "access": [],
            "position": 0,
        }

    return app


def wait_ready(client: httpx.Client, head: int) -> None:
    """Wait until the served audit view reached `head` and its first chain check is done (it
    shares the query connection, so timing during it would time the check)."""
    deadline = time.monotonic() + 120
    moment = instant(datetime.now(UTC))
    params: dict[str, str | int] = {
        "platform": PORTAL,
        "organisation": ORGANISATION,
        "at": moment,
        "min_position": head,
    }
    while time.monotonic() < deadline:
        caught = client.get("/v1/audit/access", params=params)
        chain = client.get("/readyz").json().get("audit_chain", {})
        if caught.status_code == 200 and chain.get("checked"):
            assert chain["intact"], chain
            return
        time.sleep(0.2)
    raise RuntimeError("the audit view did not catch up")


def point_in_time(
    settings: Settings, head: int, instants: list[str], warmup: int
) -> tuple[dict[str, list[float]], float]:
    """Serve the bare and the audit endpoint (uvicorn, a process each, same settings), then
    time the four ways of asking; answer the samples and the mean rows per answer."""
    url = settings.database_url or ""
    env = {**os.environ, "TOEGANG_DATABASE_URL": url}
    with ExitStack() as stack:
        clients = {}
        for name, factory in (("bare", "bench.audit:bare_app"), ("audit", "bench.audit:audit_app")):
            port = free_port()
            process = serve([*UVICORN, "--factory", factory], port, env)
            stack.callback(process.wait, 30)
            stack.callback(process.terminate)
            client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUDITOR, timeout=30)
            clients[name] = stack.enter_context(client)
        wait_ready(clients["audit"], head)
        conn = stack.enter_context(psycopg.connect(url, autocommit=True))
        audit = open_audit(settings)
        stack.callback(audit.close)
        select = raw_select(conn)
        calls = {
            "raw": select,
            "service": in_process(audit),
            "bare": over_http(clients["bare"]),
            "audit": over_http(clients["audit"]),
        }
        samples = timed(calls, instants, warmup)
        rows = statistics.fmean(select(at) for at in instants)
    return samples, rows


# --- chain verification ----------------------------------------------------------------------


def raw_log_read(url: str, table: str, hash_links: bool) -> tuple[int, float]:
    """Read the log's rows in position order, `BATCH` at a time (optionally chaining their
    SHA-256 digests as the verifier does); answer how many and the seconds taken."""
    statement = sql.SQL(RAW_LOG_SQL).format(sql.Identifier(table))
    with psycopg.connect(url, autocommit=True) as conn:
        started, count, after, digest = time.perf_counter(), 0, 0, GENESIS
        while rows := conn.execute(statement, (after, BATCH)).fetchall():
            count, after = count + len(rows), rows[-1][0]
            if hash_links:
                for row in rows:
                    digest = link(digest, row[0], stored(row))
        return count, time.perf_counter() - started


def stored(row: tuple[Any, ...]) -> StoredEvent:
    return StoredEvent(
        originator_id=row[1], originator_version=row[2], topic=row[3], state=bytes(row[4])
    )


def verify_rates(settings: Settings, url: str, head: int, repeats: int) -> dict[str, float]:
    """Events/s of the raw read, the raw read with digests, and `ChainVerifier.verify`: the
    best of `repeats` turns (the least disturbed by whatever else runs on the machine)."""
    audit = open_audit(settings)
    table = audit.trail.table
    seconds: dict[str, list[float]] = {"raw": [], "hashed": [], "verify": []}
    try:
        for _ in range(repeats):
            for name, hashing in (("raw", False), ("hashed", True)):
                count, elapsed = raw_log_read(url, table, hashing)
                assert count == head
                seconds[name].append(elapsed)
            started = time.perf_counter()
            report = audit.verifier.verify()
            seconds["verify"].append(time.perf_counter() - started)
            assert report.ok, report.as_dict()
            assert report.events == head, report.as_dict()
    finally:
        audit.close()
    return {name: head / min(values) for name, values in seconds.items()}


# --- the run ---------------------------------------------------------------------------------


def drop_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def intervals(url: str) -> dict[str, int]:
    """The organisation's intervals by kind (on the benchmarked platform), and in all."""
    statement = (
        "SELECT kind, count(*) FROM audit_intervals "
        "WHERE platform = %s AND organisation = %s GROUP BY kind"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        counts: dict[str, int] = dict(conn.execute(statement, (PORTAL, ORGANISATION)).fetchall())
        row = conn.execute(
            "SELECT count(DISTINCT position) FROM audit_parties WHERE organisation = %s",
            (ORGANISATION,),
        ).fetchone()
        total = conn.execute("SELECT count(*) FROM audit_intervals").fetchone()
    assert row is not None
    assert total is not None
    return {**counts, "history": int(row[0]), "everyone": int(total[0])}


def random_instants(filled: Filled, count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    span = filled.last - filled.first
    return [instant(filled.first + span * rng.random()) for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5, help="verification runs (best)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/toegang_bench_audit"
    )
    args = parser.parse_args()
    fresh_database(args.database_url)
    try:
        run(args)
    finally:
        if not args.keep:
            drop_database(args.database_url)


def run(args: argparse.Namespace) -> None:
    settings, url = Settings(database_url=args.database_url), args.database_url
    started = time.perf_counter()
    filled = fill(settings, args.events, args.seed)
    print(
        f"filled {filled.head:,} events ({filled.ours:,} about {ORGANISATION}, {filled.noise:,} "
        f"other) in {time.perf_counter() - started:.1f} s; history "
        f"{filled.first:%Y-%m-%d} .. {filled.last:%Y-%m-%d}"
    )
    started = time.perf_counter()
    open_audit(settings, catch_up=True).close()
    caught = time.perf_counter() - started
    counts = intervals(url)
    print(
        f"audit catch-up: {filled.head:,} events in {caught:.1f} s "
        f"({filled.head / caught:,.0f} events/s); {ORGANISATION}: {counts['history']:,} events "
        f"in its history, {counts.get('grant', 0) + counts.get('user', 0):,} intervals on "
        f"{PORTAL} ({counts.get('grant', 0):,} grant, {counts.get('user', 0):,} user); "
        f"{counts['everyone']:,} intervals in all"
    )
    instants = random_instants(filled, args.requests, args.seed)
    warmup = min(200, args.requests)
    samples, rows = point_in_time(settings, filled.head, instants, warmup)
    report_latency(args.requests, rows, {name: Latency.of(s) for name, s in samples.items()})
    rates = verify_rates(settings, url, filled.head, args.repeats)
    report_verify(filled.head, args.repeats, rates)


def report_latency(requests: int, rows: float, latency: dict[str, Latency]) -> None:
    raw, service, bare, ours = (latency[n] for n in ("raw", "service", "bare", "audit"))
    print(
        f"point-in-time access of {ORGANISATION} on {PORTAL}: {requests:,} sequential queries "
        f"each way at random instants of its history (taking turns), {rows:.1f} rows per answer"
    )
    print(f"  {'':<40} {'p50':>8} {'p95':>8} {'p99':>8} {'mean':>8}")
    lines = (
        ("raw psycopg SELECT (same WHERE)", raw),
        ("AuditService.access_at (in process)", service),
        ("bare FastAPI GET (uvicorn, httpx)", bare),
        ("GET /v1/audit/access (uvicorn, httpx)", ours),
    )
    for label, figures in lines:
        print(
            f"  {label:<40} {figures.p50:>6.2f}ms {figures.p95:>6.2f}ms {figures.p99:>6.2f}ms "
            f"{figures.mean:>6.2f}ms"
        )
    ratios = (
        ("ratio GET / bare FastAPI GET", ours, bare),
        ("ratio GET / raw SELECT", ours, raw),
        ("ratio access_at (in process) / raw SELECT", service, raw),
    )
    for label, top, base in ratios:
        times = " ".join(
            f"{t / b:>7.2f}x" for t, b in zip(astuple(top), astuple(base), strict=True)
        )
        print(f"  {label:<40} {times}")
    verdict = "met" if ours.p99 < 50 else "MISSED"
    print(f"  target p99 < 50 ms: {verdict} ({ours.p99:.2f} ms)")


def report_verify(head: int, repeats: int, rates: dict[str, float]) -> None:
    print(
        f"hash-chain verification of the whole log ({head:,} events, batches of {BATCH:,}, "
        f"best of {repeats}, taking turns) vs raw psycopg read of the same rows"
    )
    print(f"  raw SELECT ... ORDER BY notification_id: {rates['raw']:>10,.0f} events/s")
    print(f"  raw read + SHA-256 links (floor):        {rates['hashed']:>10,.0f} events/s")
    print(f"  ChainVerifier.verify():                  {rates['verify']:>10,.0f} events/s")
    print(f"  ratio verify / raw read:                 {rates['verify'] / rates['raw']:>10.2f}")
    print(f"  ratio verify / raw read + links:         {rates['verify'] / rates['hashed']:>10.2f}")


if __name__ == "__main__":
    main()
