"""Broker faults against the embedded service (a real `toegang serve` process on its SQLite
store, relaying to a Tansu broker and mailing from a consumer group into an SMTP sink).

Grant requests keep coming while the broker is paused (SIGSTOP, state kept) or replaced by a
fresh broker on the same port (topics and group offsets gone). Afterwards, within RECOVERY
seconds: every event of the log is on `toegang.events.v1` (distinct `ce_id` = log head), every
mail the log asks for arrived exactly once (by Message-ID), and no processor died: `/readyz`
answers 200 with each processor running and `/metrics` counts their restarts.

The pause is PAUSE seconds (TOEGANG_FAULT_PAUSE, default 30 for CI); it starts while the
notifier is sending a mail, so an outcome is being published when the broker goes away.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.settings import Settings
from tests.e2e.cli import serving
from tests.faults.broker import (
    PROCESSORS,
    ControlledBroker,
    GatedSink,
    GrantWorld,
    expected_mail_keys,
    fixture_sink,
    log_head,
    mail_counts,
    metric_values,
    processor_states,
    readiness,
    request_grant,
    setup_world,
    topic_event_ids,
)
from tests.kafka.conftest import Sink
from tests.kafka.test_distributed import role_env
from tests.kafka.test_notifications import kafka_settings
from tests.support import wait_until

PAUSE = float(os.environ.get("TOEGANG_FAULT_PAUSE", "30"))  # seconds the broker is stopped
RECOVERY = 60.0  # seconds after the fault ends by which everything must have caught up
INTERVAL = 0.5  # seconds between grant requests
GROUPS = int(PAUSE / INTERVAL) + 40  # grantees available: bounds the request loop


@dataclass
class Service:
    url: str
    settings: Settings
    world: GrantWorld


@pytest.fixture
def broker() -> Iterator[ControlledBroker]:
    with ControlledBroker() as controlled:
        yield controlled


@pytest.fixture
def sink() -> Iterator[GatedSink]:
    yield from fixture_sink()


@pytest.fixture
def service(broker: ControlledBroker, sink: Sink, tmp_path: Path) -> Iterator[Service]:
    """The embedded process with TOEGANG_KAFKA_BOOTSTRAP: relay and Kafka notifier inside."""
    settings = kafka_settings(Settings(data_dir=tmp_path / "var"), broker.bootstrap, sink)
    env = {**role_env(settings), "TOEGANG_READY_STALL_AFTER": "3"}
    with serving(tmp_path, env=env, capture=False) as (url, _):
        yield Service(url, settings, setup_world(url, GROUPS))


class Requests:
    """Grant requests to fresh grantees, one every INTERVAL s, in a thread until the block ends."""

    def __init__(self, service: Service, grantees: list[str]) -> None:
        self.service, self.grantees = service, grantees
        self.acknowledged: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True, name="grant-requests")

    def run(self) -> None:
        with httpx.Client(base_url=self.service.url, timeout=10) as client:
            for grantee in self.grantees:
                if self.stop.wait(INTERVAL):
                    return
                try:
                    answer = request_grant(client, self.service.world, grantee)
                except httpx.HTTPError:
                    continue  # commands need no broker; a failure here shows in the count
                if answer.status_code == 202:
                    self.acknowledged.append(answer.json()["grant_id"])

    def __enter__(self) -> Requests:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)


def warm_up(service: Service, sink: Sink) -> list[str]:
    """Two requests whose mails arrive: the pipeline works before the fault. Answers the
    grantees left for the load."""
    with httpx.Client(base_url=service.url, timeout=10) as client:
        for grantee in service.world.groups[:2]:
            assert request_grant(client, service.world, grantee).status_code == 202
    wait_until(lambda: len(mail_counts(sink)) >= 2, timeout=30)
    return service.world.groups[2:]


def watch(url: str, seconds: float) -> list[tuple[int, dict[str, Any]]]:
    """/readyz about once a second for `seconds`."""
    samples = []
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds) + 1):
        samples.append(readiness(url))
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(1.0, remaining))
    return samples


def noticed(samples: list[tuple[int, dict[str, Any]]]) -> list[str]:
    """Whether /readyz said, while the broker was stopped, that the relay is stuck."""
    for status, body in samples:
        relay = processor_states(body).get("relay", {})
        stuck = relay.get("state") in ("failing", "stalled") or relay.get("restarts")
        if status == 503 and stuck:
            return []
    seen = sorted({(s, str(processor_states(b).get("relay", {}).get("state"))) for s, b in samples})
    return [f"/readyz never reported the relay stuck while the broker was paused: {seen}"]


def until(deadline: float, condition: Any, interval: float = 1.0) -> None:
    """Poll `condition()` until it holds or `deadline` (monotonic) has passed."""
    for _ in range(int(RECOVERY / interval) + 10):
        if condition() or time.monotonic() >= deadline:
            return
        time.sleep(interval)


def topic_problems(service: Service, bootstrap: str, deadline: float) -> list[str]:
    topic = f"{service.settings.kafka_topic_prefix}toegang.events.v1"
    found: dict[str, int] = {}

    def complete() -> bool:
        found.clear()
        found.update(topic_event_ids(bootstrap, topic))
        return len(found) >= log_head(service.settings)

    until(deadline, complete)
    head = log_head(service.settings)
    if len(found) == head:
        return []
    missing = sorted(set(range(1, head + 1)) - set(found.values()))
    return [
        f"{len(found)} distinct ce_id on {topic}, log head {head}; "
        f"positions missing: {missing[:10]}{' …' if len(missing) > 10 else ''}"
    ]


def mail_problems(service: Service, sink: Sink, deadline: float) -> list[str]:
    expected = expected_mail_keys(service.settings)
    until(deadline, lambda: expected <= set(mail_counts(sink)))
    time.sleep(2)  # a mail sent twice (a republished event) would come now
    counts = mail_counts(sink)
    problems = []
    if missing := expected - set(counts):
        problems.append(f"{len(missing)} of {len(expected)} mails never arrived")
    if twice := {key: n for key, n in counts.items() if n > 1}:
        problems.append(f"{len(twice)} mails arrived more than once: {sorted(twice.items())[:3]}")
    if unexpected := set(counts) - expected:
        problems.append(f"mails no event asked for: {sorted(unexpected)[:3]}")
    return problems


def processor_problems(url: str, deadline: float) -> list[str]:
    answer: list[tuple[int, dict[str, Any]]] = [(0, {})]

    def running() -> bool:
        answer[0] = readiness(url)
        states = processor_states(answer[0][1])
        return answer[0][0] == 200 and all(
            states.get(n, {}).get("state") == "running" for n in PROCESSORS
        )

    until(deadline, running)
    status, body = answer[0]
    states = processor_states(body)
    problems = [
        f"processor {name} is {states.get(name, {}).get('state')!r}, not running "
        f"(error {states.get(name, {}).get('error')!r})"
        for name in PROCESSORS
        if states.get(name, {}).get("state") != "running"
    ]
    if status != 200:
        problems.append(f"/readyz answers {status}: {body.get('checks')}")
    return problems + restart_problems(url)


def restart_problems(url: str) -> list[str]:
    restarts = metric_values(url, "toegang_processor_restarts_total")
    if restarts is None:
        return ["/metrics did not answer 200"]
    return [
        f"/metrics has no toegang_processor_restarts_total{{processor={name!r}}} >= 0"
        for name in ("relay", "notifier")
        if restarts.get(name, -1) < 0
    ]


def recovery_problems(service: Service, bootstrap: str, sink: Sink, deadline: float) -> list[str]:
    """Everything that did not recover by `deadline`, as readable findings."""
    return (
        topic_problems(service, bootstrap, deadline)
        + mail_problems(service, sink, deadline)
        + processor_problems(service.url, deadline)
    )


def test_a_paused_broker_loses_no_event_and_sends_each_mail_once(
    service: Service, broker: ControlledBroker, sink: GatedSink
) -> None:
    grantees = warm_up(service, sink)
    with Requests(service, grantees) as requests:
        sink.hold_next()  # the broker stops while the notifier is sending a mail
        assert sink.arrived.wait(30), "no mail arrived to hold"
        broker.pause()
        sink.release()
        try:
            samples = watch(service.url, PAUSE)
        finally:
            broker.resume()
        deadline = time.monotonic() + RECOVERY
        time.sleep(3)  # and go on after it is back
    assert len(requests.acknowledged) > PAUSE / INTERVAL / 2  # commands never needed the broker
    problems = noticed(samples) + recovery_problems(service, broker.bootstrap, sink, deadline)
    assert not problems, "\n".join(problems)


def test_a_replaced_broker_gets_the_whole_log_and_no_mail_twice(
    service: Service, broker: ControlledBroker, sink: Sink
) -> None:
    grantees = warm_up(service, sink)
    with Requests(service, grantees) as requests:
        time.sleep(2)
        broker.replace()  # same port, empty memory storage: no topics, no group offsets
        deadline = time.monotonic() + RECOVERY
        time.sleep(5)
    assert len(requests.acknowledged) >= 10
    problems = recovery_problems(service, broker.bootstrap, sink, deadline)
    assert not problems, "\n".join(problems)
