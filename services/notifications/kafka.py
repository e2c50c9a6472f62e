"""Kafka plumbing: topics, a producer that waits for acknowledgement, consumers for groups."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from services.notifications.cloudevents import Message

log = logging.getLogger("toegang.kafka")


@dataclass(frozen=True)
class Topics:
    """The topics, optionally behind a prefix (one broker, several environments)."""

    prefix: str = ""

    @property
    def events(self) -> str:
        return f"{self.prefix}toegang.events.v1"

    @property
    def outcomes(self) -> str:
        return f"{self.prefix}toegang.notifications.v1"

    @property
    def dlq(self) -> str:
        return f"{self.prefix}toegang.notifications.dlq.v1"

    @property
    def access(self) -> str:
        """The computed access changes (published by the change relay, not the event relay)."""
        return f"{self.prefix}toegang.access.v1"

    @property
    def decisions(self) -> str:
        """The decision log's topic (not one of the three the relay and notifier use)."""
        return f"{self.prefix}toegang.decisions.v1"

    @property
    def all(self) -> tuple[str, str, str]:
        return (self.events, self.outcomes, self.dlq)

    @property
    def published_by_notifier(self) -> tuple[str, str]:
        return (self.outcomes, self.dlq)


def ensure_topics(
    bootstrap: str, names: Iterable[str], partitions: int, replication: int = 1
) -> set[str]:
    """Create the topics that do not exist yet; answer which ones this call created."""
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="toegang-admin", request_timeout_ms=10_000
    )
    try:
        missing = set(names) - set(admin.list_topics())
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                admin.create_topics([NewTopic(t, partitions, replication) for t in missing])
        return missing
    finally:
        admin.close()


def is_empty(bootstrap: str, topic: str) -> bool:
    """Whether no record was ever written to `topic` (every partition ends at offset 0).

    A topic that was deleted and created again reads as empty; one whose old records were
    removed by retention does not (its end offsets stay)."""
    reader = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=10_000
    )
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        return bool(partitions) and not any(reader.end_offsets(partitions).values())
    finally:
        reader.close()


def producer(bootstrap: str) -> KafkaProducer:
    """An idempotent producer that waits for all in-sync replicas; it gives up within seconds
    when the broker is away (the caller builds a new one and retries)."""
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        retries=5,
        max_block_ms=10_000,
        request_timeout_ms=10_000,
        delivery_timeout_ms=15_000,
        client_id="toegang",
    )


def close_producer(producer: KafkaProducer | None) -> None:
    """Close a producer, if there is one, quietly: closing what a broker outage broke fails."""
    if producer is not None:
        with contextlib.suppress(Exception):
            producer.close(timeout=1)


def publish(
    kafka: KafkaProducer, topic: str, messages: Sequence[Message], timeout: float = 20
) -> list[tuple[int, int]]:
    """Send and wait until the broker acknowledged every message (raises otherwise); answer
    the (partition, offset) each landed at."""
    futures = [kafka.send(topic, key=m.key, value=m.value, headers=m.headers) for m in messages]
    kafka.flush(timeout=timeout)
    return [(meta.partition, meta.offset) for meta in (f.get(timeout=timeout) for f in futures)]


def made_anew(bootstrap: str, topic: str, landed: Sequence[tuple[int, int]]) -> bool:
    """Whether a batch that landed at `landed` is all the topic holds: a relay that had
    published before then writes to a topic the broker made anew (a broker replaced by an
    empty one creates a missing topic on the next send). Asked only when a record landed at
    offset 0, which a topic's partition gives once."""
    if all(offset for _, offset in landed):
        return False
    reader = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=10_000
    )
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        held: int = sum(reader.end_offsets(partitions).values())
        return held <= len(landed)
    finally:
        reader.close()


def consumer(bootstrap: str, group: str, *topics: str) -> KafkaConsumer:
    """A group member that commits offsets itself, after the work is done."""
    return KafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        session_timeout_ms=6000,
        heartbeat_interval_ms=1000,
        max_poll_interval_ms=60000,
        max_poll_records=200,
        allow_auto_create_topics=False,
        # A member that joined before the relay created the events topic is assigned nothing
        # until its metadata is refreshed: every 5 s, not kafka-python's 5 minutes.
        metadata_max_age_ms=5000,
        client_id=f"toegang-{group}",
    )


def consumer_lag(bootstrap: str, group: str, topic: str) -> int:
    """Records on `topic` the group has not committed yet (all partitions)."""
    admin = KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="toegang-lag", request_timeout_ms=3000
    )
    reader = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, request_timeout_ms=3000
    )
    try:
        list_offsets = getattr(admin, "list_group_offsets", None) or (
            admin.list_consumer_group_offsets
        )  # the name before kafka-python 3
        committed = list_offsets(group)
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        ends = reader.end_offsets(partitions)
        return sum(
            max(ends[tp] - (committed[tp].offset if tp in committed else 0), 0) for tp in partitions
        )
    finally:
        reader.close()
        admin.close()
