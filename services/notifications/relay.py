"""The relay: a tracked processor from the event log to `toegang.events.v1`.

The tracking position advances only after the broker acknowledged the whole batch (idempotent
producer, acks=all): a crash between publishing and tracking republishes the batch, and
consumers deduplicate on `ce_id` (at-least-once).
"""

from __future__ import annotations

import logging
import threading
from typing import Any
from uuid import UUID

from kafka import KafkaProducer

from services.notifications.cloudevents import Message, origin_of, to_message
from services.notifications.kafka import publish
from services.notifications.tracking import TrackedPosition
from services.projections.db import ViewDatabase
from services.projections.log import EventLog

log = logging.getLogger("toegang.relay")


class Relay:
    """Publishes every stored event, in log order, keyed by the organisation it is about."""

    def __init__(
        self,
        event_log: EventLog,
        database: ViewDatabase,
        kafka: KafkaProducer,
        topic: str,
        batch_size: int = 500,
        name: str = "events",
    ) -> None:
        self.log, self.database, self.kafka, self.topic = event_log, database, kafka, topic
        self.batch_size = batch_size
        self.tracked = TrackedPosition(database, name)
        self.origins: dict[UUID, dict[str, str]] = {}
        self._wakeup = threading.Event()

    def position(self) -> int:
        return self.tracked.get()

    def relay_batch(self) -> int:
        """Publish the next batch, then record its position; answer how many were published."""
        start = self.position()
        notifications = self.log.read(start, self.batch_size)
        if not notifications:
            return 0
        messages = [
            self.message(event, position) for event, position in self.log.decode_all(notifications)
        ]
        publish(self.kafka, self.topic, messages)
        self.tracked.set(notifications[-1].id)
        return len(messages)

    def message(self, event: Any, position: int) -> Message:
        origin = self.origins.get(event.originator_id)
        if origin is None and event.originator_version == 1:  # a creation event names it
            origin = self.origins[event.originator_id] = origin_of(event)
        if origin is None:
            first = next(iter(self.log.events.get(event.originator_id, lte=1)))
            origin = self.origins[event.originator_id] = origin_of(first)
        return to_message(event, position, origin)

    def wake(self, *_: object) -> None:
        self._wakeup.set()

    def run(self, stop: threading.Event, poll_interval: float = 0.5) -> None:
        """Relay until `stop` is set; a failed batch is retried, never skipped."""
        while not stop.is_set():
            try:
                while not stop.is_set() and self.relay_batch():
                    pass
            except Exception:
                log.exception("relay batch failed; retrying")
                stop.wait(1.0)
            self._wakeup.wait(poll_interval)
            self._wakeup.clear()
