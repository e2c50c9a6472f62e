"""What every toegang use case needs from the event store: load, save, position, retry."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from services.eventlog.store import ToegangStore
from services.grants.domain.base import DomainError
from services.grants.domain.catalogue import CATALOGUE
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform

log = logging.getLogger("toegang.commands")
P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound=Aggregate)
CONFLICT_RETRIES = 20


class NotFound(DomainError):
    code = "not_found"


def retry_on_conflict(use_case: Callable[P, R]) -> Callable[P, R]:
    """Run a use case again when another writer changed one of its aggregates first.

    Each attempt reloads its aggregates, so the retry decides on the new state (a second
    confirmation of the same token then finds it used).
    """

    @functools.wraps(use_case)
    def attempt(*args: P.args, **kwargs: P.kwargs) -> R:
        for _ in range(CONFLICT_RETRIES - 1):
            try:
                return use_case(*args, **kwargs)
            except IntegrityError:
                continue
        return use_case(*args, **kwargs)

    return attempt


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreApplication(ToegangStore):
    """The one event store the contexts share: one ordered log, one hash chain, one position.

    Every context's use cases load and record aggregates through it (`find`, `get`, `record`)
    and answer the position they reached; listeners hear of every recorded position.
    """

    name = "toegang"  # eventsourcing names each subclass after itself; the tables follow it
    sealed = CATALOGUE.sealed()

    def __init__(
        self, env: dict[str, str] | None = None, clock: Callable[[], datetime] = utc_now
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.listeners: list[Callable[[int], None]] = []

    def find(self, aggregate_class: type[A], aggregate_id: UUID) -> A | None:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        if not isinstance(aggregate, aggregate_class):
            return None
        return aggregate

    def get(self, aggregate_class: type[A], aggregate_id: UUID, what: str, **facts: str) -> A:
        """The aggregate, else `not_found@{what}` (its texts filled from `facts`)."""
        aggregate = self.find(aggregate_class, aggregate_id)
        if aggregate is None:
            raise NotFound(f"{what} not found", variant=what, **facts)
        return aggregate

    def record(self, *aggregates: Aggregate | None) -> int:
        """Save pending events of all aggregates in one transaction; answer the position."""
        recordings = self.save(*aggregates)
        positions = [r.notification.id for r in recordings if r.notification.id is not None]
        if not positions:
            return self.position()
        log.info(
            "recorded %s",
            ", ".join(sorted({type(r.domain_event).__qualname__ for r in recordings})),
            extra={"position": max(positions), "events": len(recordings)},
        )
        for listener in self.listeners:
            listener(max(positions))
        return max(positions)

    def platform(self, slug: str) -> Platform:
        return self.get(Platform, Platform.create_id(slug), "platform", platform=slug[:64])

    def organisation_name(self, ref: str) -> str:
        """The organisation's registered name (its number when it is not registered)."""
        organisation = self.find(Organisation, Organisation.create_id(ref))
        return organisation.name if organisation else ref

    def position(self) -> int:
        """The position of the last event in the log (0 when empty)."""
        return self.recorder.max_notification_id() or 0


def as_plain(value: Any) -> Any:
    """Event data as JSON-ready plain values (datetimes as ISO 8601 strings)."""
    if isinstance(value, date):  # datetimes too: datetime is a date
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): as_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_plain(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    return value
