"""PostgreSQL restarts and outages under real processes while commands and checks flow.

The service runs as `toegang serve` (and, for leadership, as separate `grants` and
`projections` processes) on a private PostgreSQL cluster that the tests restart, stop and
whose advisory-lock session they terminate. Within `RECOVERY` seconds of PostgreSQL being back,
a revoke made after the fault must be denied by a check without `min_position`, a new grant's
confirmation mail must arrive, and `/readyz` must answer 200; while PostgreSQL is down,
`/readyz` must say which processor fails and why.
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import httpx
import psycopg
import pytest

from tests import client as api
from tests.e2e.cli import serving
from tests.faults.postgres import PrivatePostgres
from tests.kafka.conftest import Sink
from tests.mailbox import token_in
from tests.support import ADVISOR_SERVICE, TOKENS, World, actor, platform_settings, random_kvk

pytestmark = pytest.mark.postgres

RECOVERY = 10.0  # seconds from PostgreSQL accepting connections to everything caught up
DOWN_SECONDS = 10.0  # how long scenario (b) keeps PostgreSQL stopped
STALL_AFTER = 3  # TOEGANG_READY_STALL_AFTER for the processes under test
LOAD_ROUNDS = 2000  # upper bound on the background load's check-and-command rounds
PROCESSORS = ("access", "audit", "notifier")
T = TypeVar("T")


def service_env(database_url: str, data_dir: Path, sink: Sink | None = None) -> dict[str, str]:
    """The environment of a toegang process on the private cluster."""
    env = {
        "TOEGANG_DATABASE_URL": database_url,
        "TOEGANG_DATA_DIR": str(data_dir),
        "TOEGANG_API_TOKENS": json.dumps(TOKENS),
        "TOEGANG_TOKEN_KEY": "ab" * 32,
        "TOEGANG_PUBLIC_URL": "http://portal.test",
        "TOEGANG_READY_STALL_AFTER": str(STALL_AFTER),
    }
    return {**env, "TOEGANG_SMTP_URL": sink.url} if sink else env


def within(deadline: float, condition: Callable[[], T | None], what: str | Callable[[], str]) -> T:
    """Poll `condition` until it answers something truthy, failing at `deadline` (monotonic).

    HTTP and database errors count as "not yet"; the last one is in the failure message."""
    error: Exception | None = None
    while True:
        try:
            result = condition()
        except (httpx.HTTPError, psycopg.Error) as failed:
            result, error = None, failed
        if result:
            return result
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"not within the deadline: {said} (last error: {error!r})")
        time.sleep(0.05)


def command(url: str, path: str, body: dict[str, Any], method: str = "PUT") -> dict[str, Any]:
    """One command, retried (for up to RECOVERY s) while PostgreSQL comes back; its answer."""
    headers = api.ADMIN if method == "PUT" else api.WRITER

    def attempt() -> dict[str, Any] | None:
        answer = httpx.request(method, f"{url}{path}", json=body, headers=headers, timeout=5)
        assert answer.status_code < 400 or answer.status_code >= 500, answer.text
        return dict(answer.json()) if answer.status_code < 300 else None

    return within(time.monotonic() + RECOVERY, attempt, f"{method} {path} succeeds")


def employer(url: str, world: World) -> World:
    """`world` with a new employer of its own: its contact address and its contract."""
    other = replace(world, employer=random_kvk(), contract=f"PC-{random_kvk()[4:]}")
    contact = {"name": "Werkgever", "contact_email": mailbox(other)}
    command(url, f"/v1/organisations/{other.employer}", contact)
    covered = {"holder": other.employer, "covered": [], "name": "C"}
    command(url, f"/v1/platforms/{other.platform}/contracts/{other.contract}", covered)
    return other


def mailbox(world: World) -> str:
    """The employer's contact address: where its confirmation mail goes."""
    return f"hr-{world.employer[4:]}@werkgever.example"


def setup_world(url: str) -> World:
    """A platform with an employer and its contract, and an advisor with a licence, over HTTP."""
    world = World()
    command(url, f"/v1/platforms/{world.platform}", platform_settings())
    contact = {"name": "Adviseur", "contact_email": "info@adviseur.example"}
    command(url, f"/v1/organisations/{world.advisor}", contact)
    command(url, f"/v1/platforms/{world.platform}/advisors/{world.advisor}", {"licence": "AFM-1"})
    return employer(url, world)


def request_grant(url: str, world: World) -> dict[str, Any]:
    """The employer grants the advisor `view` (pending confirmation)."""
    body = {"grantor": world.employer, "grantee": world.advisor, "rights": "view"}
    path = f"/v1/platforms/{world.platform}/grants"
    return command(url, path, {**body, "actor": world.employer_actor()}, "POST")


def setup_story(url: str, sink: Sink) -> tuple[World, str, World]:
    """A world with an active grant, and an employer that came later."""
    world = setup_world(url)
    return world, active_grant(url, sink, world), employer(url, world)


def active_grant(url: str, sink: Sink, world: World) -> str:
    """Request a grant, confirm it with the mailed token, wait until a check allows it."""
    grant = request_grant(url, world)["grant_id"]
    mail = within(time.monotonic() + 30, lambda: sink.to(mailbox(world)), "first mail")[0]
    confirmed = command(url, "/v1/grants/confirm", {"token": token_in(mail)}, "POST")
    assert check(url, world, confirmed["position"])["allowed"] is True
    return str(grant)


def revoke(url: str, world: World, grant: str) -> int:
    """The employer revokes the grant; answers the revoke's position."""
    body = {"actor": world.employer_actor(), "reason": "einde"}
    return int(command(url, f"/v1/grants/{grant}/revoke", body, "POST")["position"])


def check(url: str, world: World, min_position: int | None = None) -> dict[str, Any]:
    """The advisor's view check on the employer; 200 expected."""
    advisor = actor(world.advisor, service=ADVISOR_SERVICE)
    with httpx.Client(base_url=url, timeout=10) as client:
        answer = api.check_response(
            client, world.platform, advisor, world.employer, min_position=min_position
        )
    return api.ok(answer)


def readyz(url: str) -> tuple[int, dict[str, Any]]:
    """/readyz: status and body (3 s timeout, as a probe would)."""
    answer = httpx.get(f"{url}/readyz", timeout=3)
    return answer.status_code, dict(answer.json())


def ready(url: str, last: list[Any] | None = None) -> bool:
    """Whether /readyz answers 200; its answer goes into `last` for failure messages."""
    answer = readyz(url)
    if last is not None:
        last[:] = [answer]
    return answer[0] == 200


def processors(body: dict[str, Any]) -> dict[str, Any]:
    """`checks.processors` of a /readyz body (failing the test when it is missing)."""
    found = body.get("checks", {}).get("processors")
    assert isinstance(found, dict), f"/readyz names no processors: {body}"
    return found


def metric(text: str, name: str, processor: str) -> float | None:
    """One sample of a Prometheus text exposition, by metric name and `processor` label."""
    pattern = rf'^{name}\{{[^}}]*processor="{processor}"[^}}]*\}} (\S+)$'
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else None


class Load:
    """Checks and commands from a background thread (bounded) with the time of each success."""

    def __init__(self, url: str, world: World) -> None:
        self.url, self.world = url, world
        self.successes: dict[str, list[float]] = {"check": [], "command": []}
        self.crash: BaseException | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True, name="load")

    def __enter__(self) -> Load:
        self.thread.start()
        within(time.monotonic() + 10, lambda: self.after(0, "command"), "load running")
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=15)
        assert not self.thread.is_alive(), "the load thread did not stop"

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.url, timeout=5) as client:
                for number in range(LOAD_ROUNDS):
                    if self.stop.wait(0.05):
                        return
                    self.round(client, number)
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost
            self.crash = error

    def round(self, client: httpx.Client, number: int) -> None:
        """One check (the employer on itself) and one command (renaming the stranger)."""
        world = self.world
        probe = {"actor": world.employer_actor(), "organisation": world.employer, "action": "view"}
        rename = {"name": f"Vreemde {number}", "contact_email": "x@vreemde.example"}
        check_path = f"/v1/platforms/{world.platform}/access/check"
        self.attempt("check", client.post, check_path, probe, api.READER)
        self.attempt(
            "command", client.put, f"/v1/organisations/{world.stranger}", rename, api.ADMIN
        )

    def attempt(
        self,
        kind: str,
        send: Callable[..., httpx.Response],
        path: str,
        body: dict[str, Any],
        headers: dict[str, str],
    ) -> None:
        """Send one request; a 200 counts as a success of `kind`, anything else does not."""
        try:
            if send(path, json=body, headers=headers).status_code == 200:
                self.successes[kind].append(time.monotonic())
        except httpx.HTTPError:
            return

    def after(self, moment: float, kind: str) -> int:
        """How many of `kind` succeeded after `moment` (monotonic)."""
        return sum(1 for at in self.successes[kind] if at > moment)


@contextmanager
def embedded(database_url: str, sink: Sink, data_dir: Path) -> Iterator[str]:
    """`toegang serve` (every role in one process) on the private cluster; yields its URL."""
    env = service_env(database_url, data_dir, sink)
    with serving(data_dir, env=env, capture=False) as (url, _):
        within(time.monotonic() + 30, functools.partial(ready, url), "/readyz 200 at start")
        yield url


def recovered(url: str, sink: Sink, world: World, newcomer: World, grant: str, back: float) -> int:
    """After PostgreSQL is back at `back`: `grant`'s revoke takes effect, the mail of a grant
    `newcomer` requests comes, and /readyz is 200. Answers the revoke's position."""
    deadline = back + RECOVERY
    revoked = revoke(url, world, grant)
    request_grant(url, newcomer)

    def denied() -> bool:
        answer = check(url, world)
        return not answer["allowed"] and answer["reasons"][0]["code"] == "grant_revoked"

    within(deadline, denied, "a check without min_position denies the revoke made after the fault")
    took = time.monotonic() - back
    assert took <= RECOVERY, f"the revoke took {took:.1f} s to take effect"
    within(deadline, lambda: sink.to(mailbox(newcomer)), "the new grant's confirmation mail")
    last: list[Any] = []
    within(deadline, lambda: ready(url, last), lambda: f"/readyz 200 again: {last}")
    return revoked


def assert_restarts_counted(url: str, at_least: int) -> None:
    """/metrics counts the restarts of each processor that follows the log, `at_least` in
    all. A processor may heal without one: its connections are checked before use, and a
    read that waits for the store's pool may simply succeed once the database is back."""
    text = httpx.get(f"{url}/metrics", timeout=5).text
    counted = {name: metric(text, "toegang_processor_restarts_total", name) for name in PROCESSORS}
    assert None not in counted.values(), counted
    assert sum(v or 0 for v in counted.values()) >= at_least, counted


def test_a_restart_while_checks_and_commands_flow_heals_views_and_mail(
    private_postgres: PrivatePostgres, private_database_url: str, smtp_sink: Sink, tmp_path: Path
) -> None:
    with embedded(private_database_url, smtp_sink, tmp_path) as url:
        world, grant, newcomer = setup_story(url, smtp_sink)
        with Load(url, world) as load:
            back = private_postgres.restart("fast")
            recovered(url, smtp_sink, world, newcomer, grant, back)
        assert load.crash is None, repr(load.crash)
        flowed = {kind: load.after(back, kind) for kind in ("check", "command")}
        assert all(flowed.values()), f"successes after the restart: {flowed}"
        assert_restarts_counted(url, at_least=0)


def readiness_while_down(url: str, seconds: float) -> list[tuple[int, dict[str, Any]]]:
    """Poll /readyz for `seconds`; 0 and an empty body for an answer that did not come within
    3 s (a probe that times out fails, as Kubernetes counts it)."""
    answers: list[tuple[int, dict[str, Any]]] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            answers.append(readyz(url))
        except httpx.HTTPError:
            answers.append((0, {}))
        time.sleep(0.25)
    return answers


def failing_named(answers: list[tuple[int, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The processors that 503 answers report as failing."""
    reported = [processors(body) for status, body in answers if status == 503]
    return [
        p
        for found in reported
        for p in found.values()
        if isinstance(p, dict) and p.get("state") == "failing"
    ]


def test_a_stop_is_reported_by_readyz_and_everything_recovers_after_start(
    private_postgres: PrivatePostgres, private_database_url: str, smtp_sink: Sink, tmp_path: Path
) -> None:
    with embedded(private_database_url, smtp_sink, tmp_path) as url:
        world, grant, newcomer = setup_story(url, smtp_sink)
        with Load(url, world) as load:
            private_postgres.stop("fast")
            down = readiness_while_down(url, DOWN_SECONDS)
            back = private_postgres.start()
            position = recovered(url, smtp_sink, world, newcomer, grant, back)
        statuses = [status for status, _ in down]
        assert 200 not in statuses, f"/readyz said ready while PostgreSQL was down: {down}"
        failing = failing_named(down)
        assert failing, f"no 503 named a failing processor while PostgreSQL was down: {down}"
        errors = [p.get("error") or "" for p in failing]
        assert all(re.fullmatch(r"[A-Z][A-Za-z0-9_]*", error) for error in errors), failing
        assert load.crash is None, repr(load.crash)
        answer = check(url, world, min_position=position)
        assert answer["allowed"] is False and answer["reasons"][0]["code"] == "grant_revoked"
        assert_restarts_counted(url, at_least=1)  # five seconds away: processors failed


def terminate_leader_session(database_url: str) -> None:
    """End the session holding the projections' advisory lock (as a lost connection would)."""
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity a "
            "WHERE a.application_name = 'toegang-leader:projections' AND EXISTS (SELECT 1 "
            "FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory' AND l.granted)"
        ).fetchall()
        holders = connection.execute(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a USING (pid) "
            "WHERE l.locktype = 'advisory' AND l.granted"
        ).fetchall()
    assert len(rows) == 1, f"{len(rows)} lock sessions named toegang-leader:projections: {holders}"


def view_position(database_url: str) -> int:
    """The access view's tracking position as written in `view_tracking`."""
    with psycopg.connect(database_url, connect_timeout=2) as connection:
        row = connection.execute(
            "SELECT position FROM view_tracking WHERE name = 'access'"
        ).fetchone()
    return int(row[0]) if row else 0


def one_leader_following(
    database_url: str, grants: str, replicas: list[str], world: World, since: float
) -> None:
    """Within RECOVERY s of `since`: the view tables reach a new command, both replicas are
    ready and answer it, and exactly one of them leads the access processor."""
    deadline = since + RECOVERY
    rename = {"name": f"Vreemde {time.monotonic()}", "contact_email": "x@vreemde.example"}
    head = int(command(grants, f"/v1/organisations/{world.stranger}", rename)["position"])
    within(deadline, lambda: view_position(database_url) >= head, f"view_tracking reaches {head}")
    last: list[Any] = []

    def settled() -> bool:
        answers = [readyz(url) for url in replicas]
        last[:] = answers
        leading = [processors(body).get("access", {}).get("leading") for _, body in answers]
        return [status for status, _ in answers] == [200, 200] and leading.count(True) == 1

    within(deadline, settled, lambda: f"both ready, exactly one leading: {last}")
    for url in replicas:
        check(url, world, min_position=head)


def test_projection_replicas_survive_a_lost_lock_session_and_a_restart(
    private_postgres: PrivatePostgres, private_database_url: str, tmp_path: Path
) -> None:
    env = service_env(private_database_url, tmp_path)
    with ExitStack() as roles:
        grants, _ = roles.enter_context(serving(tmp_path, "grants", env=env, capture=False))
        replicas = []
        for _ in range(2):
            url, _ = roles.enter_context(serving(tmp_path, "projections", env=env, capture=False))
            within(time.monotonic() + 30, functools.partial(ready, url), "replica ready")
            replicas.append(url)
        world = setup_world(grants)
        one_leader_following(private_database_url, grants, replicas, world, time.monotonic())
        terminate_leader_session(private_database_url)
        one_leader_following(private_database_url, grants, replicas, world, time.monotonic())
        back = private_postgres.restart("fast")
        one_leader_following(private_database_url, grants, replicas, world, back)
