"""The decision log's Kafka sink while its broker is stopped (SIGSTOP): checks keep answering at
once, every decision ends up either on the topic or counted as dropped (none is lost without a
count), and once the broker is back the records flow again."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import httpx

from services.settings import Settings
from tests import client as api
from tests.decision_support import counter, serving
from tests.faults.broker import ControlledBroker
from tests.integration.test_batch_check import ask
from tests.kafka import topics
from tests.support import actor, wait_until
from tests.world import build_world_http

OUTAGE = 20.0  # seconds: past the producer's delivery timeout (15 s), so a batch fails
SLOWEST = 1.0  # seconds a check may take while the sink cannot write


def logged_or_dropped(client: httpx.Client) -> float:
    dropped = counter(client, "toegang_decisions_dropped_total", "sink_failed")
    return counter(client, "toegang_decisions_logged_total") + dropped


def test_checks_answer_at_once_and_every_decision_is_accounted_for(tmp_path: Path) -> None:
    prefix = f"t{random.getrandbits(40):010x}."
    with ControlledBroker() as broker:
        changes: dict[str, Any] = {
            "kafka_bootstrap": broker.bootstrap,
            "kafka_topic_prefix": prefix,
        }
        changes.update(decision_log="all", decision_log_sink="kafka")
        with serving(Settings(data_dir=tmp_path), **changes) as (client, _):
            world = build_world_http(client)
            path = f"/v1/platforms/{world.platform}/access/check"
            body = {**ask(actor(world.employer), world.employer), "min_position": api.head(client)}

            def check() -> float:
                started = time.monotonic()
                answer = client.post(path, json=body, headers=api.READER)
                assert answer.status_code == 200 and answer.json()["allowed"] is True
                return time.monotonic() - started

            before = [check() for _ in range(5)]
            wait_until(lambda: counter(client, "toegang_decisions_logged_total") >= 5)
            broker.pause()
            try:
                during, deadline = [], time.monotonic() + OUTAGE
                while time.monotonic() < deadline:
                    during.append(check())
                    time.sleep(0.05)
            finally:
                broker.resume()
            after = [check() for _ in range(5)]
            asked = len(before) + len(during) + len(after)
            wait_until(lambda: logged_or_dropped(client) == asked, timeout=60)
            logged = counter(client, "toegang_decisions_logged_total")
            dropped = counter(client, "toegang_decisions_dropped_total", "sink_failed")
        topic = f"{prefix}toegang.decisions.v1"
        on_topic = [
            json.loads(record.value) for record in topics.whole_topic(broker.bootstrap, topic)
        ]
    assert max(during) < SLOWEST, f"a check took {max(during):.2f} s while the sink was away"
    assert len(during) > OUTAGE / 0.2  # they kept coming
    print(
        f"{asked} checks: {logged:.0f} logged, {dropped:.0f} dropped, {len(on_topic)} on the topic"
    )
    assert asked >= len(on_topic) >= logged >= 10  # before and after the outage at least
    assert {record["organisation"] for record in on_topic} == {world.employer}
