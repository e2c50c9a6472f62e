"""The relay: a tracked processor from the event log to `toegang.events.v1`.

The tracking position advances only after the broker acknowledged the whole batch (idempotent
producer, acks=all): a crash between publishing and tracking republishes the batch, and
consumers deduplicate on `ce_id` (at-least-once). Every (re)start builds a new producer and
creates missing topics; finding its topic empty although it had published (a broker that lost
its data, a topic deleted and created again) it republishes the log from the start, so the
topic again holds every event. A running relay notices the same when a batch it sends is all
its topic holds (the broker made the topic anew on that send).
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from kafka import KafkaProducer

from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.eventlog.processor import TrackedProcessor
from services.grants.domain.event_kind import origin_of
from services.notifications import kafka
from services.notifications.cloudevents import Message, to_message
from services.notifications.tracking import TrackedPosition

log = logging.getLogger("toegang.relay")


class Relay(TrackedProcessor):
    """Publishes every stored event, in log order, keyed by the organisation it is about."""

    name = "relay"

    def __init__(
        self,
        event_log: EventLog,
        database: ViewDatabase,
        bootstrap: str,
        topics: kafka.Topics,
        *,
        partitions: int = 3,
        batch_size: int = 500,
        tracking: str = "events",
    ) -> None:
        super().__init__()
        self.log, self.database, self.bootstrap = event_log, database, bootstrap
        self.topics, self.topic, self.partitions = topics, topics.events, partitions
        self.batch_size = batch_size
        self.tracked = TrackedPosition(database, tracking)
        self.origins: dict[UUID, dict[str, str]] = {}
        self.kafka: KafkaProducer | None = None
        self._position = 0

    @property
    def position(self) -> int:
        return self._position

    def open(self) -> None:
        """A new producer, the topics there, the position from the tracking table."""
        kafka.ensure_topics(self.bootstrap, self.topics.all, self.partitions)
        self._position = self.tracked.get()
        if self._position and kafka.is_empty(self.bootstrap, self.topic):
            log.warning(
                "%s is empty although %s events were published; republishing the log",
                self.topic,
                self._position,
                extra={"processor": self.name, "position": self._position},
            )
            self._advance(0)
        self.kafka = kafka.producer(self.bootstrap)

    def close(self) -> None:
        kafka.close_producer(self.kafka)
        self.kafka = None
        self.database.reset()

    def observe(self) -> None:
        """The leading replica's position, so a standby replica reports a true lag."""
        self._position = self.tracked.get()

    def _advance(self, position: int) -> None:
        self.tracked.set(position)
        self._position = position

    def process_batch(self) -> int:
        """Publish the next batch, then record its position; answer how many were published."""
        assert self.kafka is not None, "open() first"
        notifications = self.log.read(self._position, self.batch_size)
        if not notifications:
            return 0
        messages = [
            self.message(event, position) for event, position in self.log.decode_all(notifications)
        ]
        landed = kafka.publish(self.kafka, self.topic, messages)
        if self._position and kafka.made_anew(self.bootstrap, self.topic, landed):
            log.warning(
                "%s was made anew; republishing the log",
                self.topic,
                extra={"processor": self.name, "position": self._position},
            )
            self._advance(0)
            return len(messages)
        self._advance(notifications[-1].id)
        return len(messages)

    def message(self, event: Any, position: int) -> Message:
        origin = self.origins.get(event.originator_id)
        if origin is None and event.originator_version == 1:  # a creation event names it
            origin = self.origins[event.originator_id] = origin_of(event)
        if origin is None:
            first = next(iter(self.log.events.get(event.originator_id, lte=1)))
            origin = self.origins[event.originator_id] = origin_of(first)
        return to_message(event, position, origin)
