"""Helpers for the broker and process fault tests.

A Kafka-protocol broker (Tansu, memory storage) the test controls: pause it, resume it, or
replace it by a fresh one on the same port. Beside it the oracles the fault tests judge by,
each read from the real part itself rather than from the service: the log's head and its
mail-sending events straight from the store's table, the event ids on the topic, the mails in
the SMTP sink by Message-ID, and a process's `/readyz` and `/metrics`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, closing
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
from kafka import KafkaConsumer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from services.settings import Settings
from tests import client as api
from tests.e2e.cli import serving
from tests.kafka.conftest import TANSU, Sink, _listening
from tests.support import (
    actor,
    free_port,
    platform_settings,
    random_kbo,
    random_kvk,
    random_slug,
    wait_until,
)

GRANT_TOPIC = "services.grants.domain.grant:Grant."
MAIL_KEYS = {  # grant event → the stable key of its mail (services/grants/notices.py)
    "ConfirmationIssued": "grant-confirmation",
    "Confirmed": "grant-confirmed",
    "RightsChanged": "grant-rights-changed",
    "Revoked": "grant-revoked",
}
PROCESSORS = ("access", "audit", "relay", "access-relay", "notifier")


class ControlledBroker:
    """A Tansu broker on a fixed loopback port that a test can stop, resume and replace."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start a broker with empty memory storage; fail if it does not listen within 30 s."""
        url = f"tcp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                *(str(TANSU), "broker", "--storage-engine", "memory://tansu/"),
                *("--listener-url", url, "--advertised-listener-url", url),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _listening(self.port), timeout=30)

    def pause(self) -> None:
        """SIGSTOP: the broker keeps its state; connections stay open and hang."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT: the paused broker goes on where it stopped."""
        self._signal(signal.SIGCONT)

    def replace(self) -> None:
        """SIGKILL the broker and start a fresh one on the same port: topics and offsets gone."""
        self.close()
        self.start()

    def close(self) -> None:
        """Kill the broker (also when paused) and reap it."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def _signal(self, number: signal.Signals) -> None:
        assert self.process is not None, "the broker is not running"
        os.kill(self.process.pid, number)

    def __enter__(self) -> ControlledBroker:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Served:
    """`toegang serve [role]` that can be SIGKILLed and started again (on a new port).

    `start(wait=False)` starts it in the background, so a loop can go on to its next target;
    `ready()` waits for it, and `kill()` only kills a process that answered."""

    def __init__(self, cwd: Path, role: str | None, env: dict[str, str]) -> None:
        self.cwd, self.args, self.env = cwd, (role,) if role else (), env
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self.stack = ExitStack()
        self.starting: threading.Thread | None = None

    def start(self, wait: bool = True) -> None:
        self.starting = threading.Thread(target=self._enter, daemon=True, name="serve")
        self.starting.start()
        if wait:
            self.ready()

    def _enter(self) -> None:
        serve = serving(self.cwd, *self.args, env=self.env, capture=False)
        self.url, self.process = self.stack.enter_context(serve)

    def ready(self) -> None:
        """Wait until the process started last answers /healthz (fail if it exited)."""
        if self.starting is not None:
            self.starting.join(timeout=90)
        assert self.process is not None, f"toegang serve {' '.join(self.args)} did not start"

    def kill(self) -> None:
        """SIGKILL, reap, and forget the process."""
        self.ready()
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None
        self.stack.close()

    def close(self) -> None:
        if self.starting is not None:
            self.starting.join(timeout=90)
        self.stack.close()


@dataclass
class GrantWorld:
    """A platform whose employer holds a contract covering `groups`: grants to them need no
    advisor, so each grant command saves the grant aggregate alone."""

    platform: str
    employer: str
    groups: list[str] = field(default_factory=list)

    def actor(self) -> dict[str, Any]:
        return actor(self.employer)


def setup_world(url: str, groups: int) -> GrantWorld:
    """Register a platform, an employer and `groups` group companies over HTTP (admin)."""
    world = GrantWorld(random_slug(), random_kvk())
    world.groups = sorted({random_kbo() for _ in range(groups)})
    calls = [(f"/v1/platforms/{world.platform}", platform_settings())]
    for ref in (world.employer, *world.groups):
        organisation = {"name": f"Organisatie {ref}", "contact_email": f"hr-{ref[4:]}@example.org"}
        calls.append((f"/v1/organisations/{ref}", organisation))
    contract = {"holder": world.employer, "covered": world.groups, "name": "Pensioencontract"}
    calls.append((f"/v1/platforms/{world.platform}/contracts/PC-1", contract))
    with httpx.Client(base_url=url, headers=api.ADMIN, timeout=10) as client:
        for path, body in calls:
            answer = client.put(path, json=body)
            assert answer.status_code == 200, answer.text
    return world


def request_grant(client: httpx.Client, world: GrantWorld, grantee: str) -> httpx.Response:
    """POST a grant request from the world's employer to `grantee` (writer token)."""
    return client.post(
        f"/v1/platforms/{world.platform}/grants",
        headers=api.WRITER,
        json={
            "grantor": world.employer,
            "grantee": grantee,
            "rights": "view",
            "actor": world.actor(),
        },
    )


def _rows(settings: Settings, statement: str) -> list[tuple[Any, ...]]:
    if settings.uses_postgres:
        with psycopg.connect(settings.database_url or "", connect_timeout=5) as connection:
            return list(connection.execute(statement).fetchall())
    with closing(sqlite3.connect(settings.sqlite_path, timeout=30)) as connection:
        return list(connection.execute(statement).fetchall())


def log_head(settings: Settings) -> int:
    """The position of the last event, read from the store's events table."""
    statement = (
        "SELECT max(notification_id) FROM toegang_events"
        if settings.uses_postgres
        else "SELECT max(rowid) FROM stored_events"
    )
    return int(_rows(settings, statement)[0][0] or 0)


def expected_mail_keys(settings: Settings) -> set[str]:
    """The Message-ID key of every mail the grant events in the log ask for."""
    table = "toegang_events" if settings.uses_postgres else "stored_events"
    statement = f"SELECT originator_id, originator_version, topic FROM {table}"  # noqa: S608
    keys = set()
    for originator, version, topic in _rows(settings, statement):
        name = str(topic).removeprefix(GRANT_TOPIC)
        if str(topic).startswith(GRANT_TOPIC) and name in MAIL_KEYS:
            keys.add(f"{MAIL_KEYS[name]}.{UUID(str(originator))}.{version}")
    return keys


def mail_key(message: EmailMessage) -> str:
    """`<grant-confirmation.<id>.<version>@domain>` → `grant-confirmation.<id>.<version>`."""
    return str(message["Message-ID"]).strip().strip("<>").rpartition("@")[0]


def mail_counts(sink: Sink) -> Counter[str]:
    """How many mails the sink received per Message-ID key."""
    with sink.lock:
        return Counter(mail_key(message) for message in sink.messages)


def topic_event_ids(bootstrap: str, topic: str, timeout: float = 20) -> dict[str, int]:
    """Every distinct `ce_id` on `topic` with its log position (`ce_sequence`); empty if the
    topic does not exist.

    Reads from the beginning until a second of quiet: Tansu's end offsets can lag behind the
    records it holds after an outage (retried batches), so they cannot tell where the end is."""
    reader = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=10_000
    )
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        if not partitions:
            return {}
        reader.assign(partitions)
        reader.seek_to_beginning(*partitions)
        ids: dict[str, int] = {}
        quiet, started = 0, time.monotonic()
        while time.monotonic() - started < timeout:
            if quiet >= 2 and (ids or time.monotonic() - started > 5):
                break  # an empty topic gets 5 s for its first fetch
            records = [r for batch in reader.poll(500).values() for r in batch]
            quiet = 0 if records else quiet + 1
            for record in records:
                headers = {k: v.decode() for k, v in record.headers}
                ids[headers.get("ce_id", "")] = int(headers.get("ce_sequence") or 0)
        ids.pop("", None)
        return ids
    finally:
        reader.close()


def readiness(url: str) -> tuple[int, dict[str, Any]]:
    """`/readyz`: its status code and body (0 and {} when the process does not answer)."""
    try:
        answer = httpx.get(f"{url}/readyz", timeout=5)
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        return 0, {}
    return answer.status_code, body if isinstance(body, dict) else {}


def processor_states(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`checks.processors` of a /readyz body, per processor name (without the `ok` summary)."""
    found = body.get("checks", {}).get("processors", {})
    return {name: check for name, check in found.items() if isinstance(check, dict)}


def metric_values(url: str, sample: str) -> dict[str, float] | None:
    """Values of one sample of `/metrics` by its `processor` label; None if it did not answer."""
    try:
        answer = httpx.get(f"{url}/metrics", timeout=10)
    except httpx.HTTPError:
        return None
    if answer.status_code != 200:
        return None
    return {
        found.labels.get("processor", ""): found.value
        for family in text_string_to_metric_families(answer.text)
        for found in family.samples
        if found.name == sample
    }


class GatedSink(Sink):
    """The SMTP sink, able to hold the next mail's DATA until released: a mail in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = threading.Event()  # hold the next mail
        self.arrived = threading.Event()  # a mail is being held
        self.gate = threading.Event()  # let it through

    def hold_next(self) -> None:
        """Hold the next mail that arrives (at most 8 s, under the sender's SMTP timeout)."""
        self.arrived.clear()
        self.gate.clear()
        self.holding.set()

    def release(self) -> None:
        self.gate.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
        if self.holding.is_set():
            self.holding.clear()
            self.arrived.set()
            for _ in range(160):
                if self.gate.is_set():
                    break
                await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def fixture_sink() -> Iterator[GatedSink]:
    """An aiosmtpd sink for the duration of a fixture."""
    sink = GatedSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
