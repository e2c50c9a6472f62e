"""The change relay under broker faults, on both stores: user fiches granted while the broker is
paused (SIGSTOP) and after it was replaced by an empty one (SIGKILL, a fresh broker on the same
port) all reach `toegang.access.v1`; the topic ends up holding exactly the feed's changes, each
in `seq` order within its partition, and the relay reports itself caught up."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from services.bootstrap import ALL_ROLES, create_app
from services.settings import Settings
from tests import client as api
from tests.faults.broker import ControlledBroker
from tests.integration import credential_support as cred
from tests.kafka import topics
from tests.kafka.test_access_topic import whole_feed
from tests.support import TOKENS, Clock, ServerThread, wait_until

PAUSE = 5.0  # seconds the broker is stopped (past the producer's 10 s block is not needed)
RECOVERY = 60.0


@pytest.fixture
def relaying(fresh_settings: Settings) -> Iterator[tuple[httpx.Client, ControlledBroker, Any]]:
    """Every role in one process on a broker the test controls; the client, the broker and
    the change relay."""
    with ControlledBroker() as broker:
        prefix = f"t{random.getrandbits(40):010x}."
        settings = fresh_settings.model_copy(
            update={
                "kafka_bootstrap": broker.bootstrap,
                "kafka_topic_prefix": prefix,
                "kafka_group": f"{prefix}notifier",
                "public_url": "http://portal.test",
                "retry_backoff_max": 1.0,
            }
        )
        app = create_app(settings, TOKENS, roles=ALL_ROLES, clock=Clock())
        with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
            relay = next(f.processor for f in app.state.processors if f.name == "access-relay")
            yield client, broker, relay


def caught_up(client: httpx.Client, relay: Any) -> None:
    head = api.head(client)
    wait_until(lambda: relay.position >= head, timeout=RECOVERY, interval=0.2)


def test_changes_made_while_the_broker_is_away_or_replaced_all_reach_the_topic(
    relaying: tuple[httpx.Client, ControlledBroker, Any],
) -> None:
    client, broker, relay = relaying
    site = cred.new_site(client)
    cred.add_user(client, site, cred.fiche())
    caught_up(client, relay)

    broker.pause()
    try:
        for _ in range(3):  # commands need no broker
            cred.add_user(client, site, cred.fiche())
        time.sleep(PAUSE)
    finally:
        broker.resume()
    caught_up(client, relay)

    broker.replace()  # an empty broker: the topic and what it held are gone
    cred.add_user(client, site, cred.fiche())
    caught_up(client, relay)

    feed = whole_feed(client, {site.platform})
    assert len(feed) == 1 + 1 + 3 + 1  # the master user and five users, each granted once
    topic = relay.topic
    records: list[Any] = []

    def complete() -> bool:
        records[:] = topics.whole_topic(broker.bootstrap, topic)
        return {json.loads(r.value)["id"] for r in records} >= {c["id"] for c in feed}

    wait_until(complete, timeout=RECOVERY)
    values = [json.loads(record.value) for record in records]
    assert {v["id"] for v in values} == {c["id"] for c in feed}  # all of them, nothing else
    assert sorted({v["seq"]: v for v in values}.values(), key=lambda v: v["seq"]) == feed
    for partition in {record.partition for record in records}:
        seqs = [v["seq"] for r, v in zip(records, values, strict=True) if r.partition == partition]
        # At least once: the batch that found the topic made anew is on it before the changes
        # published again after it; a consumer applying each change as it comes ends right.
        last = list(reversed(dict.fromkeys(reversed(seqs))))
        assert last == sorted(last)
