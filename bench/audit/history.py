"""The simulated history: a clock for domain events and a discrete-event simulation of stories."""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Protocol
from unittest import mock
from uuid import UUID

from eventsourcing.domain import Aggregate, CanCreateTimestamp

from services.bootstrap.application import ToegangApplication

SAVE_EVERY = 1000


class SimulatedClock:
    """The time of the event being simulated; domain events take it as their timestamp."""

    def __init__(self, now: datetime) -> None:
        self.now = now


@contextmanager
def event_times(clock: SimulatedClock) -> Iterator[None]:
    """Time every domain event created in the block by `clock` instead of the wall clock."""
    with mock.patch.object(CanCreateTimestamp, "create_timestamp", staticmethod(lambda: clock.now)):
        yield


class Story(Protocol):
    def step(self, history: History) -> timedelta | None:
        """Act at `history.clock.now`; answer when to act next (None: the story ends)."""


class History:
    """A discrete-event simulation of many stories, saved through the application in batches."""

    def __init__(self, app: ToegangApplication, rng: random.Random, clock: SimulatedClock):
        self.app, self.rng, self.clock = app, rng, clock
        self.queue: list[tuple[datetime, int, Story]] = []
        self.sequence = itertools.count()
        self.batch: dict[UUID, Aggregate] = {}
        self.counted: dict[UUID, int] = {}
        self.ours = self.noise = 0
        self.first: datetime | None = None
        self.last: datetime | None = None

    @property
    def now(self) -> datetime:
        return self.clock.now

    def days(self, low: float, high: float) -> timedelta:
        return timedelta(days=self.rng.uniform(low, high))

    def secret(self) -> str:
        return f"{self.rng.getrandbits(256):064x}"

    def schedule(self, delay: timedelta, story: Story) -> None:
        heapq.heappush(self.queue, (self.now + delay, next(self.sequence), story))

    def touch(self, ours: bool, *aggregates: Aggregate) -> None:
        """Queue aggregates for the next save; count their new events as ours or noise."""
        for aggregate in aggregates:
            pending = len(aggregate.pending_events)
            new = pending - self.counted.get(aggregate.id, 0)
            self.counted[aggregate.id], self.batch[aggregate.id] = pending, aggregate
            if ours:
                self.ours += new
            else:
                self.noise += new
        if ours:
            self.first = self.first or self.now
            self.last = self.now

    def save(self) -> None:
        if self.batch:
            self.app.store.save(*self.batch.values())
        self.batch.clear()
        self.counted.clear()

    def run(self, target: int) -> None:
        """Play the stories in time order until the organisation's history holds `target`."""
        while self.queue and self.ours < target:
            self.clock.now, _, story = heapq.heappop(self.queue)
            later = story.step(self)
            if later is not None:
                self.schedule(later, story)
            if sum(self.counted.values()) >= SAVE_EVERY:
                self.save()
        self.save()
