"""The change relay: the access view's computed changes, in `seq` order, to `toegang.access.v1`.

It follows the changes the access view wrote (not the log): its source answers the records
after a `seq` and the log position the view had reached. Like the event relay, it records the
last `seq` it published (in `relay_tracking`) only after the broker acknowledged the batch, so
a crash republishes a batch with the same `ce_id`s (at least once), and it publishes again
from the start when it finds its topic empty although it had published, or a batch it sends
is all its topic holds (the broker made the topic anew on that send). A rebuild of the views
tells the same changes under the same `seq`s, so it goes on where it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kafka import KafkaProducer

from services.eventlog.database import ViewDatabase
from services.eventlog.processor import TrackedProcessor
from services.notifications import kafka
from services.notifications.cloudevents import change_message
from services.notifications.tracking import TrackedPosition

log = logging.getLogger("toegang.relay")

ChangeSource = Callable[[int, int], tuple[list[dict[str, Any]], int]]
"""(after, limit) → the next change records after `seq` `after`, and the log position the
view had reached when it read them."""


class ChangeRelay(TrackedProcessor):
    """Publishes each access change once acknowledged, keyed by its organisation."""

    name = "access-relay"

    def __init__(
        self,
        source: ChangeSource,
        database: ViewDatabase,
        bootstrap: str,
        topic: str,
        *,
        partitions: int = 3,
        batch_size: int = 500,
    ) -> None:
        super().__init__()
        self.source, self.database, self.bootstrap = source, database, bootstrap
        self.topic, self.partitions, self.batch_size = topic, partitions, batch_size
        self.tracked = TrackedPosition(database, "access-changes")  # holds a `seq`
        self.kafka: KafkaProducer | None = None
        self.published = 0  # the last `seq` on the topic
        self._position = 0

    @property
    def position(self) -> int:
        """The log position up to which every change is on the topic."""
        return self._position

    def open(self) -> None:
        """A new producer, the topic there, the last published `seq` from the tracking row."""
        kafka.ensure_topics(self.bootstrap, [self.topic], self.partitions)
        self.published = self.tracked.get()
        if self.published and kafka.is_empty(self.bootstrap, self.topic):
            log.warning(
                "%s is empty although changes up to seq %s were published; publishing again",
                self.topic,
                self.published,
                extra={"processor": self.name},
            )
            self._record(0)
        self.kafka = kafka.producer(self.bootstrap)

    def close(self) -> None:
        kafka.close_producer(self.kafka)
        self.kafka = None
        self.database.reset()

    def observe(self) -> None:
        """In standby: the leader's progress, as far as the first change it has not published
        (or the view's position when it has published them all)."""
        self.published = self.tracked.get()
        waiting, reached = self.source(self.published, 1)
        self._position = waiting[0]["cause"]["position"] - 1 if waiting else reached

    def _record(self, seq: int) -> None:
        self.tracked.set(seq)
        self.published = seq

    def process_batch(self) -> int:
        """Publish the next changes, then record the last `seq`; answer how many."""
        assert self.kafka is not None, "open() first"
        records, reached = self.source(self.published, self.batch_size)
        if records:
            landed = kafka.publish(self.kafka, self.topic, [change_message(r) for r in records])
            had_published = self.published
            self._record(records[-1]["seq"])
            if had_published and kafka.made_anew(self.bootstrap, self.topic, landed):
                log.warning(
                    "%s was made anew; publishing every change again",
                    self.topic,
                    extra={"processor": self.name},
                )
                self._record(0)
                return len(records)
        full = len(records) == self.batch_size
        # a full page may stop inside an event's changes: only the events before it are done
        self._position = records[-1]["cause"]["position"] - 1 if full else reached
        return len(records)
