"""Aggregate id → natural key (slug, ref, (platform, contract), …): resident, or in a table.

A state replayed from an empty one keeps every key in memory. A state loaded from current
view tables keeps only what it learned since, and reads the keys table for the rest: a
batch's aggregates are fetched before the batch is applied (`fetch`), so applying an event
never waits on the database; what was fetched is forgotten after the batch (`settle`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol
from uuid import UUID

from services.eventlog.database import ViewDatabase

KEYED = frozenset({"Platform", "Organisation", "Contract", "Coverage", "Advisor", "Agreement"})
"""The aggregates whose later events are applied by their natural key (grants and users are
keyed by their own id)."""


class KeyTable(Protocol):
    def lookup(self, ids: list[UUID]) -> dict[UUID, Any]: ...

    def ids(self) -> list[UUID]: ...


class NaturalKeys:
    """The natural keys the access state needs, resident or looked up in `table`."""

    def __init__(self, table: KeyTable | None = None) -> None:
        self.resident: dict[UUID, Any] = {}
        self.table = table
        self._fetched: set[UUID] = set()

    def get(self, aggregate_id: UUID, default: Any = None) -> Any:
        return self.resident.get(aggregate_id, default)

    def __contains__(self, aggregate_id: object) -> bool:
        return aggregate_id in self.resident

    def __setitem__(self, aggregate_id: UUID, key: Any) -> None:
        self.resident[aggregate_id] = key

    def __getitem__(self, aggregate_id: UUID) -> Any:
        if aggregate_id in self.resident or self.table is None:
            return self.resident[aggregate_id]
        return self.table.lookup([aggregate_id])[aggregate_id]

    def __iter__(self) -> Iterator[UUID]:
        """Every id, the table's too (for tests and tools; the hot path never iterates)."""
        stored = self.table.ids() if self.table is not None else []
        return iter(self.resident.keys() | set(stored))

    def fetch(self, events: Iterable[Any]) -> None:
        """Bring the keys of these events' aggregates in, if they are only in the table."""
        if self.table is None:
            return
        wanted = {
            event.originator_id
            for event in events
            if event.originator_id not in self.resident
            and type(event).__qualname__.split(".")[0] in KEYED
        }
        if wanted:
            found = self.table.lookup(sorted(wanted))
            self.resident.update(found)
            self._fetched.update(found)

    def settle(self, written: bool) -> None:
        """After a batch: forget the fetched keys; once `written` to the table, the learned
        ones too (a state without a table keeps them all)."""
        if self.table is None:
            return
        if written:
            self.resident.clear()
        else:
            for aggregate_id in self._fetched:
                self.resident.pop(aggregate_id, None)
        self._fetched.clear()


def encode(key: Any) -> str:
    return json.dumps(key)


def decode(text: str) -> Any:
    value = json.loads(text)
    return tuple(value) if isinstance(value, list) else value


class TableKeys:
    """The `keys` view table under a prefix, read a few hundred ids per statement."""

    CHUNK = 500

    def __init__(self, database: ViewDatabase, prefix: str) -> None:
        self.database, self.table = database, f"{prefix}keys"

    def lookup(self, ids: list[UUID]) -> dict[UUID, Any]:
        found: dict[UUID, Any] = {}
        with self.database.reading() as cursor:
            for start in range(0, len(ids), self.CHUNK):
                # str(UUID) is hex digits and dashes only: safe to quote inline
                listed = ", ".join(f"'{u}'" for u in ids[start : start + self.CHUNK])
                statement = f"SELECT aggregate_id, natural_key FROM {self.table} "  # noqa: S608
                rows = cursor.execute(f"{statement}WHERE aggregate_id IN ({listed})").fetchall()
                found.update((UUID(aggregate_id), decode(key)) for aggregate_id, key in rows)
        return found

    def ids(self) -> list[UUID]:
        with self.database.reading() as cursor:
            rows = cursor.execute(f"SELECT aggregate_id FROM {self.table}").fetchall()  # noqa: S608
        return [UUID(aggregate_id) for (aggregate_id,) in rows]
