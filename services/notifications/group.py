"""The notifier as a member of the consumer group on `toegang.events.v1`."""

from __future__ import annotations

import contextlib

from kafka import KafkaConsumer, KafkaProducer

from services.eventlog.follower import TrackedProcessor
from services.notifications.kafka import Topics, consumer, ensure_topics, producer
from services.notifications.loops import KafkaOutcomes, handle_record, headers_of
from services.notifications.notifier import MAIL_TYPES, Notifier
from services.settings import Settings


class KafkaLoop(TrackedProcessor):
    """The notifier as a member of the consumer group on `toegang.events.v1`.

    Offsets are committed after the work is done; a broker error makes the follower build a
    new consumer and producer from scratch (the group hands the partitions out again)."""

    name = "notifier"

    def __init__(self, notifier: Notifier, settings: Settings) -> None:
        super().__init__()
        self.notifier, self.settings = notifier, settings
        self.topics = Topics(settings.kafka_topic_prefix)
        self.group: KafkaConsumer | None = None
        self.producer: KafkaProducer | None = None
        self.handled = 0

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
        with contextlib.suppress(Exception):
            if self.producer is not None:
                self.producer.close(timeout=1)
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
                if headers.get("ce_type") in MAIL_TYPES:
                    handle_record(self.notifier, headers)
                count += 1
        if batches:
            self.group.commit()
        self.handled += count
        return count
