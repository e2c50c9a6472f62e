"""The history index: one row per event, the organisations it concerns, and the access intervals.

Later events of an aggregate often lack its platform and parties (Grant.Revoked names neither
grantor nor grantee), so each aggregate's `Context` is learnt from its first event and kept.
`AuditIndex` holds the contexts and the open intervals; `prepare` computes a batch without
touching them, `accept` takes the batch in once it is stored: a failed write changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from services.audit.intervals import Access, Row, access_after, advance
from services.audit.timefmt import instant
from services.grants.domain.catalogue import CATALOGUE
from services.grants.domain.event_kind import origin_of
from services.grants.history import event_type

ROLES = {
    "grantor": "grantor",
    "grantee": "grantee",
    "organisation": "organisation",
    "ref": "organisation",
    "holder": "organisation",
    "covered": "organisation",
}
ACCUMULATING = {"Contract"}  # an amended contract still concerns every organisation it covered
Parties = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Context:
    """What every event of one aggregate is about: platform, parties, grant or user, access."""

    aggregate: str
    platform: str | None
    parties: Parties = ()
    grant_id: str | None = None
    user_id: str | None = None
    access: Access | None = None

    def to_row(self, aggregate_id: str) -> Row:
        """The `audit_subjects` row of this context."""
        return {
            "aggregate_id": aggregate_id,
            "aggregate": self.aggregate,
            "platform": self.platform,
            "parties": json.dumps([list(party) for party in self.parties]),
            "grant_id": self.grant_id,
            "user_id": self.user_id,
            "access": self.access.to_json() if self.access else None,
        }

    @classmethod
    def from_row(cls, row: Row) -> Context:
        """A context back from its `audit_subjects` row."""
        return cls(
            aggregate=row["aggregate"],
            platform=row["platform"],
            parties=tuple((org, role) for org, role in json.loads(row["parties"])),
            grant_id=row["grant_id"],
            user_id=row["user_id"],
            access=Access.from_json(row["access"]) if row["access"] else None,
        )


def own_parties(aggregate: str, event: Any) -> Parties:
    """The organisations an event names itself, each with its role."""
    found: list[tuple[str, str]] = []
    for attribute, role in ROLES.items():
        value = getattr(event, attribute, None)
        values = value if isinstance(value, list | tuple) else [value]
        if aggregate == "PlatformUser" and role == "organisation":
            role = "user_organisation"
        found += [(str(v), role) for v in values if v is not None]
    return tuple(dict.fromkeys(found))


def context_after(event: Any, before: Context | None) -> Context:
    """The aggregate's context once `event` is applied (created from its first event)."""
    aggregate = CATALOGUE.of(event).aggregate
    access = access_after(event, before.access if before else None)
    if before is None:
        subject = str(event.originator_id)
        return Context(
            aggregate,
            origin_of(event)["platform"] or None,
            own_parties(aggregate, event),
            grant_id=subject if aggregate == "Grant" else None,
            user_id=subject if aggregate == "PlatformUser" else None,
            access=access,
        )
    parties = before.parties
    if aggregate in ACCUMULATING:
        parties = tuple(dict.fromkeys(parties + own_parties(aggregate, event)))
    return replace(before, parties=parties, access=access)


def history_rows(event: Any, position: int, context: Context) -> tuple[Row, list[Row]]:
    """The `audit_events` row of an event and its `audit_parties` rows."""
    aggregate = context.aggregate
    parties = dict.fromkeys(context.parties + own_parties(aggregate, event))
    row = {
        "position": position,
        "time": instant(event.timestamp),
        "type": event_type(event),
        "platform": context.platform,
        "aggregate_id": str(event.originator_id),
        "grant_id": context.grant_id or _text(getattr(event, "grant_id", None)),
        "user_id": context.user_id or _text(getattr(event, "user_id", None)),
    }
    return row, [{"position": position, "organisation": o, "role": r} for o, r in parties]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass
class Batch:
    """What one batch of events adds: rows to store and the changed in-memory state."""

    position: int
    count: int = 0
    events: list[Row] = field(default_factory=list)
    parties: list[Row] = field(default_factory=list)
    intervals: dict[str, Row] = field(default_factory=dict)
    contexts: dict[str, Context] = field(default_factory=dict)
    open: dict[str, Row | None] = field(default_factory=dict)


@dataclass
class AuditIndex:
    """The contexts of all aggregates and the open intervals, as of `position`."""

    contexts: dict[str, Context] = field(default_factory=dict)
    open: dict[str, Row] = field(default_factory=dict)
    position: int = 0

    def prepare(self, events: Sequence[tuple[Any, int]]) -> Batch:
        """The rows and state changes of `events` (with their positions), in log order."""
        batch = Batch(self.position)
        for event, position in events:
            self._index(batch, event, position)
            batch.position, batch.count = position, batch.count + 1
        return batch

    def _index(self, batch: Batch, event: Any, position: int) -> None:
        aggregate_id = str(event.originator_id)
        before = batch.contexts.get(aggregate_id) or self.contexts.get(aggregate_id)
        context = context_after(event, before)
        if context != before:
            batch.contexts[aggregate_id] = context
        row, parties = history_rows(event, position, context)
        batch.events.append(row)
        batch.parties.extend(parties)
        if context.access is None:
            return
        pending = aggregate_id in batch.open
        current = batch.open[aggregate_id] if pending else self.open.get(aggregate_id)
        changed, now_open = advance(current, context.access, event, position)
        if changed:
            batch.intervals.update((row["interval_id"], row) for row in changed)
            batch.open[aggregate_id] = now_open

    def accept(self, batch: Batch) -> None:
        """Take in a batch that is now stored."""
        self.contexts.update(batch.contexts)
        for subject, row in batch.open.items():
            if row is None:
                self.open.pop(subject, None)
            else:
                self.open[subject] = row
        self.position = batch.position
