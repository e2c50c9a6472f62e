"""The hash chain over the log, on SQLite and PostgreSQL: intact after real use, every kind of
tampering done directly in the database found at its position (API and CLI), a service on an
altered store keeps serving and keeps sealing, concurrent writers, and who may ask.

The tampering is done the way an intruder with database access would: with a connection of
the test's own (sqlite3 or psycopg), around toegang.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql

from services.audit.service import open_audit
from services.bootstrap import ROLES, build_grants_application, create_app
from services.bootstrap.application import ToegangApplication
from services.settings import Settings
from tests import client as api
from tests.conftest import Stack
from tests.e2e.cli import TOEGANG, clean_env
from tests.support import TOKENS, ServerThread, World, random_kvk, wait_until
from tests.world import build_world

# --- the store, seen from outside toegang -----------------------------------------------------


@dataclass
class Store:
    """Direct access to one backend's events table and its chain table."""

    settings: Settings

    @property
    def postgres(self) -> bool:
        return self.settings.uses_postgres

    @property
    def table(self) -> str:
        return "toegang_events" if self.postgres else "stored_events"

    @property
    def position(self) -> str:
        return "notification_id" if self.postgres else "rowid"

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor in one committed transaction, on a connection of the test's own."""
        if self.postgres:
            with psycopg.connect(self.settings.database_url or "") as conn, conn.cursor() as cur:
                yield cur
            return
        with closing(sqlite3.connect(self.settings.sqlite_path)) as db, db:
            yield db.cursor()

    def query(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.cursor() as cur:
            cur.execute(self._params(statement), params)
            rows: list[tuple[Any, ...]] = cur.fetchall()
            return rows

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> None:
        with self.cursor() as cur:
            cur.execute(self._params(statement), params)
            assert cur.rowcount == 1, statement

    def _params(self, statement: str) -> Any:
        """Write statements with `?`; PostgreSQL gets `%s` and a composed SQL object."""
        named = statement.format(events=self.table, chain=f"{self.table}_chain", pos=self.position)
        return sql.SQL(named.replace("?", "%s")) if self.postgres else named

    def positions(self) -> list[int]:
        rows = self.query("SELECT {pos} FROM {events} ORDER BY {pos}")
        return [int(row[0]) for row in rows]

    def sealed(self) -> list[int]:
        return [int(row[0]) for row in self.query("SELECT position FROM {chain} ORDER BY position")]

    def first_of(self, topic_suffix: str) -> int:
        rows = self.query(
            "SELECT {pos} FROM {events} WHERE topic LIKE ? ORDER BY {pos}", (f"%{topic_suffix}",)
        )
        return int(rows[0][0])

    # tampering

    def flip_byte(self, position: int) -> None:
        """Change one byte of the stored state in place: the last digit of the event's
        timestamp (XOR 1 keeps it a digit, so the event still decodes; backdated 1 µs)."""
        (state,) = self.query("SELECT state FROM {events} WHERE {pos} = ?", (position,))[0]
        offset = bytes(state).index(b"+00:00") - 1
        if self.postgres:
            self.execute(
                "UPDATE {events} SET state = set_byte(state, ?, get_byte(state, ?) # 1) "
                "WHERE {pos} = ?",
                (offset, offset, position),
            )
        else:
            with (
                closing(sqlite3.connect(self.settings.sqlite_path)) as db,
                db,
                db.blobopen(self.table, "state", position) as blob,
            ):
                blob.seek(offset)
                old = blob.read(1)[0]
                blob.seek(offset)
                blob.write(bytes([old ^ 1]))
        (after,) = self.query("SELECT state FROM {events} WHERE {pos} = ?", (position,))[0]
        assert len(after) == len(state)
        pairs = zip(bytes(state), bytes(after), strict=True)
        assert [i for i, (a, b) in enumerate(pairs) if a != b] == [offset]

    def delete(self, position: int, *, with_seal: bool = False) -> None:
        self.execute("DELETE FROM {events} WHERE {pos} = ?", (position,))
        if with_seal:
            self.execute("DELETE FROM {chain} WHERE position = ?", (position,))

    def insert_copy(self, position: int) -> int:
        """A forged event: another row's topic and state under a new aggregate, version 1."""
        forged = uuid.uuid4()
        if self.postgres:
            rows = self.query(
                "INSERT INTO {events} (originator_id, originator_version, topic, state) "
                "SELECT ?, 1, topic, state FROM {events} WHERE {pos} = ? RETURNING {pos}",
                (forged, position),
            )
            return int(rows[0][0])
        with self.cursor() as cur:
            cur.execute(
                f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "  # noqa: S608
                f"SELECT ?, 1, topic, state FROM {self.table} WHERE rowid = ?",
                (forged.hex, position),
            )
            return int(cur.lastrowid)


# --- toegang, used the ordinary way ------------------------------------------------------------


def populate(app: ToegangApplication) -> World:
    """A platform with organisations, contract and advisor, and grants requested, confirmed
    (with the token the mailed link carries) and revoked."""
    world = build_world(app)
    employer = world.employer_actor()
    advised = app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", employer
    )
    confirm(app, advised["grant_id"])
    app.grants.change_rights(advised["grant_id"], "edit", employer)
    app.grants.revoke_grant(advised["grant_id"], employer, "adviseur gewisseld")
    group = app.grants.request_grant(world.platform, world.employer, world.group, "view", employer)
    confirm(app, group["grant_id"])
    return world


def confirm(app: ToegangApplication, grant_id: str) -> None:
    grant: Any = app.store.repository.get(uuid.UUID(grant_id))
    app.grants.confirm_grant(app.tokens.derive(grant.id, grant.confirmation_id), "test")


def populated(settings: Settings) -> Store:
    """The store after realistic use by a grants application that is then closed."""
    app = build_grants_application(settings)
    try:
        populate(app)
    finally:
        app.close()
    return Store(settings)


@contextmanager
def serving(
    settings: Settings, roles: tuple[str, ...] = ROLES
) -> Iterator[tuple[httpx.Client, ToegangApplication | None]]:
    """The service on the store, with a client for it; a failed start fails at once."""
    app = create_app(settings, TOKENS, roles=roles)
    server = ServerThread(app)
    server.thread.start()
    try:
        wait_until(lambda: server.server.started or not server.thread.is_alive(), timeout=20)
        assert server.server.started, "the service did not start on this store"
        with httpx.Client(base_url=server.url, timeout=30) as client:
            yield client, getattr(app.state, "grants", None)
    finally:
        server.__exit__()


def verify_api(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/v1/audit/verify", headers=api.AUDITOR)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"ok", "events", "head", "problems"}
    assert body["ok"] is (body["problems"] == [])
    return body


def verify_cli(settings: Settings) -> subprocess.Popen[str]:
    """`toegang audit verify` on the store, started (read it with `communicate`)."""
    env = {"TOEGANG_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["TOEGANG_DATABASE_URL"] = settings.database_url
    return subprocess.Popen(
        [TOEGANG, "audit", "verify"],
        cwd=settings.data_dir,
        env=clean_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(command: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = command.communicate(timeout=60)
    assert "Traceback" not in out + err, err
    return command.returncode, out, err


def assert_detected(settings: Settings, position: int, kind: str) -> None:
    """The CLI (exit 1, one line naming the position) and the API both name the problem."""
    command = verify_cli(settings)  # runs while the service starts
    with serving(settings, roles=("projections",)) as (client, _):
        body = verify_api(client)
    assert body["ok"] is False
    assert body["problems"][0]["position"] == position, body["problems"]
    assert body["problems"][0]["kind"] == kind, body["problems"]
    code, _, err = finished(command)
    assert code == 1, err
    assert f"hash chain altered: {kind} event at position {position} " in err


# --- 1. intact ---------------------------------------------------------------------------------


def test_untouched_store_verifies(fresh_settings: Settings) -> None:
    store = Store(fresh_settings)
    with serving(fresh_settings) as (client, app):
        assert app is not None
        populate(app)
        positions = store.positions()
        body = verify_api(client)
        command = verify_cli(fresh_settings)
    assert len(positions) > 20 and store.sealed() == positions
    assert body["ok"] is True and body["problems"] == []
    assert body["events"] == len(positions)
    assert body["head"]["position"] == positions[-1]
    assert len(body["head"]["digest"]) == 64 and int(body["head"]["digest"], 16) >= 0
    code, out, err = finished(command)
    assert code == 0, err
    assert f"{len(positions)} events" in out
    assert f"{body['head']['digest']} at position {positions[-1]}" in out


# --- 2. tampering ------------------------------------------------------------------------------


def test_one_changed_byte_is_altered_at_its_position(fresh_settings: Settings) -> None:
    store = populated(fresh_settings)
    positions = store.positions()
    middle = positions[len(positions) // 2]
    store.flip_byte(middle)
    assert_detected(fresh_settings, middle, "altered")


@pytest.mark.parametrize("where", ["middle", "last"])
def test_deleted_event_is_missing_at_its_position(fresh_settings: Settings, where: str) -> None:
    store = populated(fresh_settings)
    positions = store.positions()
    # In the middle: the advisor's revocation (an aggregate's last event, so the views can
    # still be built without it; see test_service_starts_without_an_opening_event).
    gone = store.first_of(":Grant.Revoked") if where == "middle" else positions[-1]
    assert where == "last" or positions[0] < gone < positions[-1]
    store.delete(gone)
    assert_detected(fresh_settings, gone, "missing")


def test_inserted_event_is_unchained_at_its_position(fresh_settings: Settings) -> None:
    store = populated(fresh_settings)
    forged = store.insert_copy(store.first_of(":Organisation.Registered"))
    assert forged == store.positions()[-1] and forged not in store.sealed()
    assert_detected(fresh_settings, forged, "unchained")


def test_event_deleted_with_its_seal_is_missing(fresh_settings: Settings) -> None:
    store = populated(fresh_settings)
    positions = store.positions()
    gone = store.first_of(":Grant.Revoked")
    assert positions[0] < gone < positions[-1]
    store.delete(gone, with_seal=True)
    assert gone not in store.sealed()
    assert_detected(fresh_settings, gone, "missing")


# --- 3. a service on an altered store ----------------------------------------------------------


def test_service_on_altered_store_keeps_serving_and_sealing(fresh_settings: Settings) -> None:
    store = populated(fresh_settings)
    positions = store.positions()
    altered = positions[len(positions) // 2]
    store.flip_byte(altered)
    with serving(fresh_settings) as (client, _):
        assert client.get("/healthz").status_code == 200
        ready = wait_until(lambda: checked(client))
        chain = ready["audit_chain"]
        assert ready["ready"] is True
        assert chain["intact"] is False
        assert (chain["first_problem"]["position"], chain["first_problem"]["kind"]) == (
            altered,
            "altered",
        )
        before = verify_api(client)
        assert [(p["position"], p["kind"]) for p in before["problems"]] == [(altered, "altered")]

        organisation = random_kvk()
        registered = client.put(
            f"/v1/organisations/{organisation}",
            json={"name": "Nieuw B.V.", "contact_email": "contact@example.org"},
            headers=api.ADMIN,
        )
        assert registered.status_code == 200, registered.text
        position = registered.json()["position"]

        after = verify_api(client)
    new = [p for p in store.positions() if p > positions[-1]]
    assert new == [position] and store.sealed()[-1] == position
    assert after["problems"] == before["problems"]
    assert after["events"] == before["events"] + 1
    assert after["head"]["position"] == position


def test_writes_continue_after_the_last_event_was_deleted(fresh_settings: Settings) -> None:
    """Deleting the log's tail must be reported, not turn into an outage of every write."""
    store = populated(fresh_settings)
    last = store.positions()[-1]
    store.delete(last)
    app = build_grants_application(fresh_settings)
    try:
        written = app.reference.register_organisation(
            random_kvk(), "Na B.V.", "na@example.org", "test"
        )
    finally:
        app.close()
    assert written["position"] > last
    assert store.sealed()[-1] == written["position"]
    code, _, err = finished(verify_cli(fresh_settings))
    assert code == 1
    assert f"missing event at position {last} " in err


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_service_starts_without_an_opening_event(fresh_settings: Settings) -> None:
    """Evidence of a deleted event must be served, not prevent the service from starting."""
    store = populated(fresh_settings)
    gone = store.first_of(":Grant.Opened")
    store.delete(gone)
    with serving(fresh_settings) as (client, _):
        assert client.get("/healthz").status_code == 200
        chain = wait_until(lambda: checked(client))
        assert chain["audit_chain"]["first_problem"]["position"] == gone


def checked(client: httpx.Client) -> dict[str, Any] | None:
    """/readyz once the background chain check has run (None before)."""
    body = readiness(client)
    return body if body["audit_chain"]["checked"] else None


def readiness(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# --- 4. concurrent writers ---------------------------------------------------------------------


def test_concurrent_appends_leave_one_intact_chain(fresh_settings: Settings) -> None:
    threads, each = 4, 20
    app = build_grants_application(fresh_settings)
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def register() -> None:
        try:
            start.wait()
            for _ in range(each):
                ref = random_kvk()
                app.reference.register_organisation(
                    ref, f"Org {ref}", f"c-{ref[4:]}@example.org", "test"
                )
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    try:
        workers = [threading.Thread(target=register) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
    finally:
        app.close()
    assert failures == []
    store = Store(fresh_settings)
    positions = store.positions()
    assert len(positions) == threads * each
    assert store.sealed() == positions
    previous = [
        int(row[0]) for row in store.query("SELECT previous FROM {chain} ORDER BY position")
    ]
    assert previous == [0, *positions[:-1]]
    code, out, err = finished(verify_cli(fresh_settings))
    assert code == 0, err
    assert f"{threads * each} events" in out


def test_verify_during_concurrent_appends_raises_no_false_alarm(
    fresh_postgres_settings: Settings,
) -> None:
    """A busy service must not look tampered with (seen on SQLite too, much more rarely)."""
    app = build_grants_application(fresh_postgres_settings)
    audit = open_audit(fresh_postgres_settings)
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            ref = random_kvk()
            app.reference.register_organisation(
                ref, f"Org {ref}", f"c-{ref[4:]}@example.org", "test"
            )

    writer = threading.Thread(target=write)
    writer.start()
    alarms: list[Any] = []
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not alarms:
            alarms = audit.verify().problems
    finally:
        stop.set()
        writer.join(timeout=30)
        audit.close()
        app.close()
    assert alarms == []


# --- 5. who may ask ----------------------------------------------------------------------------


def test_only_the_audit_scope_verifies_and_it_opens_nothing_else(
    stack: Stack, client: httpx.Client
) -> None:
    world = build_world(stack.app)
    assert client.get("/v1/audit/verify").status_code == 401
    for headers in (api.READER, api.WRITER):
        assert client.get("/v1/audit/verify", headers=headers).status_code == 403
    assert client.get("/v1/audit/verify", headers=api.AUDITOR).status_code == 200

    write = client.put(
        f"/v1/organisations/{random_kvk()}",
        json={"name": "Auditor B.V.", "contact_email": "auditor@example.org"},
        headers=api.AUDITOR,
    )
    assert write.status_code == 403, write.text
    check = client.post(
        f"/v1/platforms/{world.platform}/access/check",
        json={"actor": world.employer_actor(), "organisation": world.employer, "action": "view"},
        headers=api.AUDITOR,
    )
    assert check.status_code == 403, check.text
