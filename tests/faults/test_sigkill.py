"""SIGKILL during load: the embedded process on SQLite (mail over SMTP), and on PostgreSQL with
Kafka each distributed role in turn (grants, projections, relay, notifications).

A load thread requests, confirms (with the mailed token) and revokes grants and records every
acknowledged answer; failed requests while a process is down are fine. After the kill loop,
with the service running again: nothing acknowledged was lost, the access view equals a replay
of the log, `toegang audit verify` exits 0, every mail the log asks for arrived, and a repeat
carries the Message-ID of its original and stays within one per kill of the mailing process.

Kills per target: TOEGANG_FAULT_KILLS (default 3, CI); `python -m bench.kill_loop` runs long.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.grants.domain.grant import Grant
from services.projections import tables
from services.projections.runner import AccessProjection
from services.settings import Settings
from tests import client as api
from tests.e2e.cli import run
from tests.faults.broker import (
    ControlledBroker,
    GrantWorld,
    Served,
    expected_mail_keys,
    fixture_sink,
    log_head,
    mail_counts,
    mail_key,
    setup_world,
)
from tests.kafka.conftest import Sink
from tests.kafka.test_distributed import role_env
from tests.kafka.test_notifications import kafka_settings
from tests.mailbox import token_in
from tests.projection_support import replay, snapshot
from tests.support import TOKENS, wait_until

KILLS = int(os.environ.get("TOEGANG_FAULT_KILLS", "3"))
ROLES = ("grants", "projections", "relay", "notifications")
PAIRS = 10  # employer → group company pairs the load cycles through
SETTLE = 60.0  # seconds the views and the mail get to catch up after the last restart
STATUS = {"request": "pending", "confirm": "active", "revoke": "revoked"}
HISTORY = {
    "request": "GrantConfirmationIssued",
    "confirm": "GrantConfirmed",
    "revoke": "GrantRevoked",
}


@dataclass
class Pair:
    """What the load knows about one grant: acknowledged commands (command, position), and
    the commands sent since the last of them whose answer never came."""

    grantee: str
    grant_id: str
    state: str = "none"  # none | pending | active | revoked | unknown (ask the service)
    acks: list[tuple[str, int]] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)
    mails_seen: set[str] = field(default_factory=set)


class GrantTraffic:
    """A thread that requests, confirms (the mailed token) and revokes grants until stopped."""

    def __init__(self, target: Callable[[], str], world: GrantWorld, sink: Sink) -> None:
        self.target, self.world, self.sink = target, world, sink
        self.pairs = [
            Pair(g, str(Grant.create_id(world.platform, world.employer, g))) for g in world.groups
        ]
        self.acknowledged = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True, name="grant-traffic")

    def run(self, max_steps: int = 1_000_000) -> None:
        with httpx.Client(headers=api.WRITER, timeout=5) as client:
            for _ in range(max_steps):
                if self.stop.wait(0.01):
                    return
                self.step(client, random.choice(self.pairs))

    def step(self, client: httpx.Client, pair: Pair) -> None:
        """One command (or a look-up) that fits what the load knows about the pair."""
        world = self.world
        if pair.state == "unknown":
            self.sync(client, pair)
        elif pair.state in ("none", "revoked"):
            pair.mails_seen = set(self.confirmations(pair))
            body: dict[str, Any] = {"grantor": world.employer, "grantee": pair.grantee}
            path = f"/platforms/{world.platform}/grants"
            body |= {"rights": "view", "actor": world.actor()}
            self.send(client, pair, "request", path, body)
        elif pair.state == "pending" and (token := self.new_token(pair)):
            self.send(client, pair, "confirm", "/grants/confirm", {"token": token})
        elif pair.state == "active":
            revoke = {"actor": world.actor(), "reason": "einde"}
            self.send(client, pair, "revoke", f"/grants/{pair.grant_id}/revoke", revoke)

    def url(self, path: str) -> str:
        return f"{self.target()}/v1{path}"

    def send(
        self, client: httpx.Client, pair: Pair, command: str, path: str, body: dict[str, Any]
    ) -> None:
        """POST a command. Record an acknowledged answer; a lost or 5xx answer leaves the
        command unsure (it may have been recorded all the same), a refusal had no effect."""
        try:
            answer: httpx.Response | None = client.post(self.url(path), json=body)
        except httpx.HTTPError:
            answer = None
        if answer is not None and answer.is_success:
            pair.acks.append((command, int(answer.json()["position"])))
            pair.unsure.clear()
            pair.state = STATUS[command]
            self.acknowledged += 1
            return
        if answer is None or answer.status_code >= 500:
            pair.unsure.append(command)
        pair.state = "unknown"

    def sync(self, client: httpx.Client, pair: Pair) -> None:
        try:
            answer = client.get(self.url(f"/grants/{pair.grant_id}"))
        except httpx.HTTPError:
            return
        if answer.status_code == 404:
            pair.state = "none"
        elif answer.status_code == 200:
            pair.state = str(answer.json()["status"])

    def confirmations(self, pair: Pair) -> dict[str, Any]:
        """Confirmation mails for the pair's grant in the sink, by Message-ID key."""
        prefix = f"grant-confirmation.{pair.grant_id}."
        with self.sink.lock:
            mails = list(self.sink.messages)
        return {mail_key(m): m for m in mails if mail_key(m).startswith(prefix)}

    def new_token(self, pair: Pair) -> str | None:
        """The token of a confirmation mail that came after the pair's last request."""
        fresh = {k: m for k, m in self.confirmations(pair).items() if k not in pair.mails_seen}
        if not fresh:
            return None
        newest = max(fresh, key=lambda key: int(key.rpartition(".")[2]))
        return token_in(fresh[newest])

    def __enter__(self) -> GrantTraffic:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def lost_acknowledgements(url: str, traffic: GrantTraffic) -> list[str]:
    """Acknowledged commands missing from their grant's history, and grants whose status no
    command sent since the last acknowledged one explains."""
    problems = []
    with httpx.Client(base_url=url, headers=api.WRITER, timeout=10) as client:
        for pair in (p for p in traffic.pairs if p.acks):
            answer = client.get(f"/v1/grants/{pair.grant_id}")
            if answer.status_code != 200:
                problems.append(f"grant {pair.grant_id}: GET answers {answer.status_code}")
                continue
            grant = answer.json()
            history = {(step["position"], step["type"]) for step in grant["history"]}
            problems += [
                f"{command} of {pair.grant_id} acknowledged at {position} is not in its history"
                for command, position in pair.acks
                if (position, HISTORY[command]) not in history
            ]
            allowed = {STATUS[c] for c in [pair.acks[-1][0], *pair.unsure]}
            if grant["status"] not in allowed:
                problems.append(f"grant {pair.grant_id} is {grant['status']}, expected {allowed}")
    return problems


def view_position(settings: Settings) -> int:
    database = ViewDatabase(settings)
    try:
        with database.transaction() as cursor:
            cursor.execute(tables.TRACKING)
            return tables.tracking(cursor, "access")[0]
    finally:
        database.close()


def view_problem(settings: Settings) -> str | None:
    """Whether the stored access view reached the log's head and equals a fresh replay."""
    head = log_head(settings)
    deadline = time.monotonic() + SETTLE
    while view_position(settings) < head and time.monotonic() < deadline:
        time.sleep(0.5)
    event_log, database = open_event_log(settings), ViewDatabase(settings)
    try:
        stored = AccessProjection(event_log, database, writer=False)
        stored.load()
        if stored.position != head:
            return f"the access view is at {stored.position}, the log's head at {head}"
        if snapshot(stored.state) != snapshot(replay(settings)):
            return "the stored access view differs from a replay of the log"
        return None
    finally:
        event_log.close()
        database.close()


@dataclass
class MailTally:
    """Mails the log asks for against what the sink received, by Message-ID."""

    expected: int
    missing: int
    duplicates: int  # extra copies under the Message-ID of the original
    strays: list[str]  # mails no event asked for, or one event's mail under two Message-IDs


def tally_mail(settings: Settings, sink: Sink) -> MailTally:
    expected = expected_mail_keys(settings)
    deadline = time.monotonic() + SETTLE
    while not expected <= set(mail_counts(sink)) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1)  # a repeat sent on restart comes right after
    counts = mail_counts(sink)
    strays = sorted(set(counts) - expected)
    with sink.lock:
        mails = [m for m in sink.messages if mail_key(m).startswith("grant-confirmation.")]
    by_token: dict[str, set[str]] = {}
    for mail in mails:
        by_token.setdefault(token_in(mail), set()).add(mail_key(mail))
    strays += [f"one token under {sorted(ids)}" for ids in by_token.values() if len(ids) > 1]
    missing = len(expected - set(counts))
    return MailTally(len(expected), missing, sum(n - 1 for n in counts.values()), strays)


@dataclass
class KillReport:
    """What one kill loop came to."""

    kills: int
    acknowledged: int
    lost: list[str]
    views: str | None
    audit: str | None
    mail: MailTally
    seconds: float

    def summary(self) -> str:
        return (
            f"kills {self.kills}, acknowledged {self.acknowledged}, lost {len(self.lost)}, "
            f"mails expected {self.mail.expected}, missing {self.mail.missing}, "
            f"duplicates {self.mail.duplicates}, strays {len(self.mail.strays)}, "
            f"views {'= replay' if self.views is None else self.views}, "
            f"audit verify {'ok' if self.audit is None else self.audit}, {self.seconds:.0f} s"
        )


def audit_problem(cwd: Path, env: dict[str, str]) -> str | None:
    verified = run(["audit", "verify"], cwd, **env)
    if verified.returncode == 0:
        return None
    return f"toegang audit verify exited {verified.returncode}: {verified.stderr.strip()[-300:]}"


def kill_during_load(target: Served, traffic: GrantTraffic, wait: bool = True) -> None:
    """Once the load has made progress, SIGKILL the target at a random moment and start it
    again (without `wait`, in the background while the caller goes on)."""
    before = traffic.acknowledged
    wait_until(lambda: traffic.acknowledged > before, timeout=60)
    time.sleep(random.uniform(0.05, 0.6))
    target.kill()
    target.start(wait)


def settle(
    traffic: GrantTraffic, url: str, settings: Settings, sink: Sink, cwd: Path, env: dict[str, str]
) -> tuple[list[str], str | None, str | None, MailTally]:
    """The checks once the load has stopped and every process is running again."""
    lost = lost_acknowledgements(url, traffic)
    return lost, view_problem(settings), audit_problem(cwd, env), tally_mail(settings, sink)


def embedded_env(settings: Settings, sink: Sink) -> dict[str, str]:
    """`toegang serve` (embedded, SQLite in its data dir) mailing to the sink over SMTP."""
    return {
        "TOEGANG_DATA_DIR": str(settings.data_dir),
        "TOEGANG_API_TOKENS": json.dumps(TOKENS),
        "TOEGANG_TOKEN_KEY": "ab" * 32,
        "TOEGANG_PUBLIC_URL": "http://portal.test",
        "TOEGANG_SMTP_URL": sink.url,
        "TOEGANG_NOTIFY_BACKOFF": "0.1",
        "TOEGANG_READY_STALL_AFTER": "3",
    }


def embedded_kill_loop(workdir: Path, sink: Sink, kills: int) -> KillReport:
    """SIGKILL the embedded process `kills` times during load, then check what survived."""
    started = time.monotonic()
    settings = Settings(data_dir=workdir / "var")
    env = embedded_env(settings, sink)
    service = Served(workdir, None, env)
    service.start()
    try:
        world = setup_world(service.url, PAIRS)
        with GrantTraffic(lambda: service.url, world, sink) as traffic:
            for _ in range(kills):
                kill_during_load(service, traffic)
            before = traffic.acknowledged  # the load goes on after the last restart
            wait_until(lambda: traffic.acknowledged > before + PAIRS, timeout=60)
        checks = settle(traffic, service.url, settings, sink, workdir, env)
    finally:
        service.close()
    return KillReport(kills, traffic.acknowledged, *checks, time.monotonic() - started)


@pytest.fixture
def sink() -> Iterator[Sink]:
    yield from fixture_sink()


@pytest.fixture
def broker() -> Iterator[ControlledBroker]:
    with ControlledBroker() as controlled:
        yield controlled


def assert_survived(report: KillReport, mailing_kills: int) -> None:
    print(report.summary())
    assert report.lost == []
    assert report.views is None
    assert report.audit is None
    assert report.mail.missing == 0
    assert report.mail.strays == []
    assert report.mail.duplicates <= mailing_kills


def test_sigkill_of_the_embedded_process_during_load(sink: Sink, tmp_path: Path) -> None:
    report = embedded_kill_loop(tmp_path, sink, KILLS)
    assert report.acknowledged >= KILLS
    assert_survived(report, mailing_kills=KILLS)


def test_sigkill_of_each_distributed_role_during_load(
    fresh_postgres_settings: Settings, broker: ControlledBroker, sink: Sink, tmp_path: Path
) -> None:
    started = time.monotonic()
    settings = kafka_settings(fresh_postgres_settings, broker.bootstrap, sink)
    env = {**role_env(settings), "TOEGANG_READY_STALL_AFTER": "3"}
    env["TOEGANG_POSTGRES_POOL_SIZE"] = "2"  # four processes beside other test runs
    roles = {name: Served(tmp_path, name, env) for name in ROLES}
    with ExitStack() as running:
        for role in roles.values():
            role.start()
            running.callback(role.close)
        world = setup_world(roles["grants"].url, PAIRS)
        with GrantTraffic(lambda: roles["grants"].url, world, sink) as traffic:
            for _ in range(KILLS):
                for name in ROLES:  # the next kill need not wait until this role is back
                    kill_during_load(roles[name], traffic, wait=False)
            for role in roles.values():
                role.ready()
            before = traffic.acknowledged  # the load goes on with every role back
            wait_until(lambda: traffic.acknowledged > before + PAIRS, timeout=60)
        checks = settle(traffic, roles["grants"].url, settings, sink, tmp_path, env)
    seconds = time.monotonic() - started
    report = KillReport(KILLS * len(ROLES), traffic.acknowledged, *checks, seconds)
    assert_survived(report, mailing_kills=KILLS)  # the notifications role was killed KILLS times
