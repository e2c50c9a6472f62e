"""The notifier as a member of the consumer group on `toegang.events.v1`."""

from __future__ import annotations

import contextlib
import logging
import time

from kafka import KafkaConsumer, KafkaProducer

from services.eventlog.processor import TrackedProcessor
from services.notifications.kafka import (
    Topics,
    close_producer,
    consumer,
    ensure_topics,
    producer,
)
from services.notifications.loops import KafkaOutcomes, handle_record, headers_of
from services.notifications.mailers import MAILED_TYPES
from services.notifications.notifier import Notifier
from services.settings import Settings

log = logging.getLogger("toegang.notifier")


class KafkaLoop(TrackedProcessor):
    """The notifier as a member of the consumer group on `toegang.events.v1`.

    Offsets are committed after the work is done; a broker error makes the follower build a
    new consumer and producer from scratch (the group hands the partitions out again). A
    broker that lost its state (replaced by an empty one) forgets the group's offsets while
    this member still reads on from its old positions, past what the relay republishes: a
    quiet poll checks for that every few seconds and reads those partitions from the start
    (the delivery log keeps each mail single)."""

    CHECK_EVERY = 5.0

    name = "notifier"

    def __init__(self, notifier: Notifier, settings: Settings) -> None:
        super().__init__()
        self.notifier, self.settings = notifier, settings
        self.topics = Topics(settings.kafka_topic_prefix)
        self.group: KafkaConsumer | None = None
        self.producer: KafkaProducer | None = None
        self._checked_at = 0.0

    @property
    def position(self) -> int | None:
        return None  # a group member has offsets per partition, not a log position

    def open(self) -> None:
        bootstrap = self.settings.kafka_bootstrap or ""
        # The notifier creates only the topics it writes; the relay creates the events topic,
        # so it can tell a recreated, empty topic from one it has filled.
        ensure_topics(bootstrap, self.topics.published_by_notifier, self.settings.kafka_partitions)
        self.producer = producer(bootstrap)
        self.notifier.publish = KafkaOutcomes(self.producer, self.topics)
        self.group = consumer(bootstrap, self.settings.kafka_group, self.topics.events)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing what a broker outage broke may fail
            if self.group is not None:
                self.group.close()
        close_producer(self.producer)
        self.group = self.producer = None
        self.notifier.deliveries.database.reset()

    def process_batch(self) -> int:
        """Publish waiting outcomes, then handle what one poll brings and commit it."""
        assert self.group is not None
        self.notifier.publish_outcomes()
        batches = self.group.poll(timeout_ms=500)
        count = 0
        for records in batches.values():
            for record in records:
                headers = headers_of(record)
                if headers.get("ce_type") in MAILED_TYPES:
                    handle_record(self.notifier, headers)
                count += 1
        if batches:
            self.group.commit()
        elif time.monotonic() - self._checked_at > self.CHECK_EVERY:
            self._reread_forgotten_partitions(self.group)
        return count

    def _reread_forgotten_partitions(self, group: KafkaConsumer) -> None:
        self._checked_at = time.monotonic()
        forgotten = [
            partition
            for partition in group.assignment()
            if group.committed(partition) is None and group.position(partition)
        ]
        if forgotten:
            log.warning(
                "the broker forgot the offsets of %s partitions; reading them from the start",
                len(forgotten),
            )
            group.seek_to_beginning(*forgotten)
