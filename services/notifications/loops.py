"""Where the notifier learns about events: a Kafka consumer group, or the log itself."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from kafka import KafkaProducer

from services.eventlog.database import ViewDatabase
from services.eventlog.event_ids import event_id
from services.eventlog.log import EventLog
from services.eventlog.processor import TrackedProcessor
from services.notifications.cloudevents import Message, event_type
from services.notifications.kafka import Topics, publish
from services.notifications.mailers import MAILED_TOPICS, MAILED_TYPES
from services.notifications.notifier import Notifier, Outcome
from services.notifications.tracking import TrackedPosition

log = logging.getLogger("toegang.notifier")


def outcome_message(outcome: Outcome) -> Message:
    """The outcome as a CloudEvent (subject: the event it notified about; no address)."""
    data = {k: v for k, v in asdict(outcome).items() if k != "extra"}
    headers = {
        "ce_specversion": "1.0",
        "ce_id": f"{outcome.event_id}.{outcome.recipient}",
        "ce_source": "/toegang/notifications",
        "ce_type": f"toegang.notification.{outcome.status}.v1",
        "ce_subject": outcome.event_id,
        "ce_partitionkey": outcome.aggregate_id,
        "content-type": "application/json",
    }
    return Message(
        outcome.aggregate_id.encode(),
        json.dumps(data).encode(),
        [(k, v.encode()) for k, v in headers.items()],
    )


class KafkaOutcomes:
    """Publishes each outcome, and each failure also to the dead-letter topic."""

    def __init__(self, kafka: KafkaProducer, topics: Topics) -> None:
        self.kafka, self.topics = kafka, topics

    def __call__(self, outcome: Outcome) -> None:
        message = outcome_message(outcome)
        publish(self.kafka, self.topics.outcomes, [message])
        if outcome.status == "failed":
            publish(self.kafka, self.topics.dlq, [message])


def headers_of(record: object) -> dict[str, str]:
    return {key: value.decode() for key, value in getattr(record, "headers", [])}


def handle_record(notifier: Notifier, headers: dict[str, str]) -> None:
    """Notify about one record; an event this store does not know is logged and skipped."""
    try:
        notifier.handle(
            headers["ce_type"],
            headers["ce_id"],
            UUID(headers["ce_subject"]),
            int(headers["ce_aggregateversion"]),
        )
    except AggregateNotFoundError:
        log.warning("event %s is not in this store; skipped", headers.get("ce_id"))


class LogLoop(TrackedProcessor):
    """Embedded mode without Kafka: the same notifier, fed from the log (tracked position)."""

    name = "notifier"

    def __init__(
        self, notifier: Notifier, event_log: EventLog, database: ViewDatabase, batch: int = 200
    ) -> None:
        super().__init__()
        self.notifier, self.log, self.batch = notifier, event_log, batch
        self.tracked = TrackedPosition(database, "notifier")
        self._position = 0

    @property
    def position(self) -> int:
        return self._position

    def load(self) -> None:
        self._position = self.tracked.get()

    def close(self) -> None:
        self.tracked.database.reset()

    def _advance(self, position: int) -> None:
        self.tracked.set(position)
        self._position = position

    def process_batch(self) -> int:
        """Notify about the next mail events up to the log's head; answer how many events.

        Reading up to a head read first lets the position move past events that need no mail
        (every position up to the head is committed: the store appends in order)."""
        head = self.log.head()
        if head <= self._position:
            return 0
        notifications = self.log.read(self._position, self.batch, MAILED_TOPICS, stop=head)
        if not notifications:
            self._advance(head)
            return 0
        for notification in notifications:
            event = self.log.decode(notification)
            kind = event_type(event)
            if kind in MAILED_TYPES:
                self.notifier.handle(
                    kind,
                    event_id(event.originator_id, event.originator_version),
                    event.originator_id,
                    event.originator_version,
                )
        full = len(notifications) == self.batch
        self._advance(notifications[-1].id if full else head)
        return len(notifications)

    def process_pending(self) -> int:
        """Notify everything recorded after the tracked position; answer how many events."""
        self.load()
        return self.catch_up()
