"""Reading the test broker's topics from the beginning, without a consumer group."""

from __future__ import annotations

from typing import Any

from kafka import KafkaConsumer, TopicPartition

from tests.support import wait_until


def read_topic(bootstrap: str, topic: str, at_least: int = 1) -> list[Any]:
    """Every record of a topic, from the beginning (no consumer group)."""
    reader = KafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=1000
    )
    partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    records: list[Any] = []

    def enough() -> bool:
        records.extend(record for batch in reader.poll(500).values() for record in batch)
        return len(records) >= at_least

    wait_until(enough, timeout=30, interval=0)
    reader.close()
    return records


def whole_topic(bootstrap: str, topic: str) -> list[Any]:
    """Every record of the topic up to its end offsets, partition by partition."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
        reader.assign(partitions)
        reader.seek_to_beginning(*partitions)
        ends = reader.end_offsets(partitions)
        records: list[Any] = []
        while any(reader.position(p) < ends[p] for p in partitions):
            records += [r for batch in reader.poll(500).values() for r in batch]
        return records
    finally:
        reader.close()
