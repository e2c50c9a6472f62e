"""The computed access changes on `toegang.access.v1`, on the real broker and both stores: the
feed's scenarios (a revoke and a rights change, a licence withdrawal over three grants, a new
agreement over two users, an expiry by the sweeper, an erasure, a rebuild) give on the topic
exactly the records the HTTP feed gives, in the same order, as CloudEvents keyed by the
organisation."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from services.bootstrap import ALL_ROLES, create_app
from services.notifications import kafka
from services.settings import Settings
from tests import client as api
from tests.conftest import Stack
from tests.integration import test_access_changes as scenarios
from tests.kafka import topics
from tests.schemas import test_schemas as contract
from tests.support import TOKENS, Clock, ServerThread, wait_until

RECORD_SCHEMA = {"$ref": "https://toegang.example/schemas/access_change.json#/$defs/record"}


@contextmanager
def relaying(settings: Settings, bootstrap: str, prefix: str) -> Iterator[tuple[Stack, Any]]:
    """Every role in one process, relaying to the topics behind `prefix`; the stack and the
    change relay."""
    settings = settings.model_copy(
        update={
            "kafka_bootstrap": bootstrap,
            "kafka_topic_prefix": prefix,
            "kafka_group": f"{prefix}notifier-{random.getrandbits(32):x}",
            "public_url": "http://portal.test",
            "sweep_interval": 3600,  # the scenarios sweep themselves
        }
    )
    clock = Clock()
    app = create_app(settings, TOKENS, roles=ALL_ROLES, clock=clock)
    with ServerThread(app) as server:
        stack = Stack("kafka", settings, clock, app.state.grants, app.state.projection, server.url)
        yield stack, next(f.processor for f in app.state.processors if f.name == "access-relay")


@pytest.fixture
def relayed(fresh_settings: Settings, kafka_bootstrap: str) -> Iterator[tuple[Stack, str, Any]]:
    """`relaying` on topics of its own; the stack, the access topic and the change relay."""
    prefix = f"t{random.getrandbits(40):010x}."
    with relaying(fresh_settings, kafka_bootstrap, prefix) as (stack, relay):
        yield stack, kafka.Topics(prefix).access, relay


def whole_feed(client: httpx.Client, platforms: set[str]) -> list[dict[str, Any]]:
    """Every change of these platforms over HTTP, merged in `seq` order."""
    changes = []
    for platform in platforms:
        after = 0
        while page := api.ok(
            client.get(
                f"/v1/platforms/{platform}/access/changes",
                params={"after": after, "limit": 1000},
                headers=api.READER,
            )
        )["changes"]:
            changes += page
            after = page[-1]["seq"]
    return sorted(changes, key=lambda change: change["seq"])


def test_the_topic_tells_what_the_feed_tells_in_the_same_order(
    relayed: tuple[Stack, str, Any], kafka_bootstrap: str
) -> None:
    stack, topic, relay = relayed
    with httpx.Client(base_url=stack.url, timeout=30) as client:
        scenarios.test_a_grant_is_told_when_confirmed_raised_and_revoked(stack, client)
        scenarios.test_a_licence_withdrawal_tells_each_of_its_three_grants_once(stack, client)
        scenarios.test_a_new_agreement_ends_every_user_and_a_rebuild_tells_the_same(stack, client)
        scenarios.test_an_expiry_by_the_sweeper_and_an_erasure_are_told_with_their_events(
            stack, client
        )
        head = api.head(client)
        wait_until(lambda: relay.position >= head, timeout=30)
        records = topics.whole_topic(kafka_bootstrap, topic)
        feed = whole_feed(client, {json.loads(record.value)["platform"] for record in records})

    on_topic = sorted(records, key=lambda record: int(dict(record.headers)["ce_sequence"]))
    assert [json.loads(record.value) for record in on_topic] == feed  # each once, nothing more
    assert len(feed) >= 3 + 6 + 3 + 2  # and the scenarios' own assertions hold
    for record in on_topic:
        headers = {key: value.decode() for key, value in record.headers}
        value = json.loads(record.value)
        whole = {"key": record.key.decode(), "headers": headers, "value": value}
        contract.assert_valid(RECORD_SCHEMA, whole)
        assert record.key.decode() == headers["ce_partitionkey"] == value["organisation"]
        assert headers["ce_id"] == value["id"]
        assert headers["ce_type"] == "toegang.access.changed.v1"
        assert int(headers["ce_sequence"]) == value["seq"]
    by_partition: dict[int, list[int]] = {}
    for record in records:  # read in offset order within each partition
        by_partition.setdefault(record.partition, []).append(json.loads(record.value)["seq"])
    assert all(seqs == sorted(seqs) for seqs in by_partition.values())
    raw = b"".join(record.value for record in records).decode()
    assert "@" not in raw
