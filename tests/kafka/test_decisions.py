"""The decision log's Kafka sink on the real broker: one record per decision on
`toegang.decisions.v1`, keyed by organisation, JSON without personal data."""

from __future__ import annotations

import json
import random
from typing import Any

from services.notifications.kafka import Topics
from services.settings import Settings
from tests import client as api
from tests.decision_support import READER_FINGERPRINT, RECORD_KEYS, serving
from tests.integration.test_batch_check import ask, batch
from tests.kafka import topics
from tests.schemas import test_schemas as contract
from tests.support import actor
from tests.world import build_world_http

PERSON = "piet.pietersen@example.org"


def test_decisions_go_to_the_topic_keyed_by_organisation(
    fresh_settings: Settings, kafka_bootstrap: str
) -> None:
    prefix = f"t{random.getrandbits(32)}."
    changes: dict[str, Any] = {"kafka_bootstrap": kafka_bootstrap, "kafka_topic_prefix": prefix}
    changes.update(decision_log="all", decision_log_sink="kafka")
    with serving(fresh_settings, **changes) as (client, _):
        world = build_world_http(client)
        who = actor(world.employer, person=PERSON)
        items = [ask(who, world.employer), ask(who, world.stranger), ask(who, world.employer)]
        api.ok(batch(client, world.platform, items, min_position=api.head(client)))
        found = topics.read_topic(kafka_bootstrap, Topics(prefix).decisions, 3)
    values = [json.loads(r.value) for r in found]  # in order within a partition only
    keyed = sorted((r.key.decode(), v["allowed"]) for r, v in zip(found, values, strict=True))
    expected = [(world.employer, True), (world.employer, True), (world.stranger, False)]
    assert keyed == sorted(expected)
    assert all(set(v) == RECORD_KEYS and v["caller"] == READER_FINGERPRINT for v in values)
    schema = contract.load(contract.ROOT / "decision.json")
    for value in values:
        contract.assert_valid(schema, value)
    assert all(v["organisation"] == r.key.decode() for v, r in zip(values, found, strict=True))
    raw = b"".join(r.value for r in found).decode()
    assert PERSON not in raw and "@" not in raw and "Werkgever" not in raw
