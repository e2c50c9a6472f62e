"""Recompute the hash chain over the stored log and name every place where it breaks.

Problems, each with the position it concerns:
- `altered`: the stored event no longer matches the digest sealed when it was written;
- `missing`: the chain sealed an event at this position that the log no longer holds;
- `unchained`: the log holds an event the chain never sealed (written around toegang).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.eventlog.chain import GENESIS, chain_table, link
from services.eventlog.database import ViewDatabase

BATCH = 5000
Seal = tuple[int, bytes]
IN_DATABASE = """
SELECT COALESCE(e.notification_id, s.position), e.notification_id IS NOT NULL, s.previous,
  s.digest, CASE WHEN e.notification_id IS NOT NULL AND s.position IS NOT NULL THEN encode(sha256(
    decode(COALESCE(s.prior, :prior), 'hex')
    || int8send(e.notification_id) || int8send(e.originator_version::bigint)
    || int8send(octet_length(e.originator_id::text)::bigint)
    || convert_to(e.originator_id::text, 'UTF8')
    || int8send(octet_length(convert_to(e.topic, 'UTF8'))::bigint) || convert_to(e.topic, 'UTF8')
    || int8send(octet_length(e.state)::bigint) || e.state), 'hex') END
FROM (SELECT position, previous, digest, lag(digest) OVER (ORDER BY position) AS prior
      FROM {chain} WHERE position > :after AND position <= :upto) s
FULL JOIN (SELECT notification_id, originator_id, originator_version, topic, state FROM {events}
      WHERE notification_id > :after AND notification_id <= :upto) e
  ON e.notification_id = s.position
ORDER BY 1
"""
MAX_PROBLEMS = 100


@dataclass
class Problem:
    position: int
    kind: str
    detail: str


@dataclass
class Report:
    """The outcome of one verification: `ok`, how many events, the head and the problems."""

    events: int = 0
    head_position: int = 0
    head: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "head": {"position": self.head_position, "digest": self.head},
            "problems": [vars(p) for p in self.problems],
        }

    def add(self, position: int, kind: str, detail: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(position, kind, detail))


class ChainVerifier:
    """Reads the log and its chain in position order, in batches, and checks every link."""

    def __init__(self, database: ViewDatabase, events_table: str) -> None:
        self.database = database
        self.events_table, self.chain_table = events_table, chain_table(events_table)
        self.position_column = "notification_id" if database.is_postgres else "rowid"

    def verify(self) -> Report:
        """Check the whole chain from the first event to the last."""
        report = Report()
        last_position, last_digest = 0, GENESIS
        rows = self._computed() if self.database.is_postgres else self._merged()
        for position, event, sealed in rows:
            if event is not None:
                report.events += 1
            if sealed is None:
                report.add(position, "unchained", "a stored event the chain never sealed")
                continue
            previous, digest = sealed
            if event is None:
                report.add(position, "missing", "a sealed event is gone from the log")
            elif previous != last_position:
                report.add(previous, "missing", "the event sealed before this one is gone")
            elif _digest_of(last_digest, position, event) != digest:
                report.add(position, "altered", "the stored event differs from what was sealed")
            last_position, last_digest = position, digest
        report.head_position, report.head = (
            last_position,
            (last_digest.hex() if last_position else None),
        )
        return report

    def digest_at(self, position: int) -> str | None:
        """The digest the chain holds for `position` (to compare with an anchored copy)."""
        with self.database.reading() as cursor:
            row = cursor.execute(
                f"SELECT digest FROM {self.chain_table} WHERE position = :position",  # noqa: S608
                {"position": position},
            ).fetchone()
        return str(row[0]) if row else None

    def _merged(self) -> Iterator[tuple[int, StoredEvent | bytes | None, Seal | None]]:
        bound, after = self._bound(), 0
        while after < bound:
            events = self._events(after, bound)
            upto = max(events) if events else bound
            seals = self._seals(after, upto)
            for position in sorted(events.keys() | seals.keys()):
                yield position, events.get(position), seals.get(position)
            after = upto

    def _computed(self) -> Iterator[tuple[int, StoredEvent | bytes | None, Seal | None]]:
        """On PostgreSQL the digests are computed by the database, window by window: the
        same link as `chain.link`, from the stored digest of the seal before each one."""
        bound, after, prior = self._bound(), 0, GENESIS.hex()
        statement = IN_DATABASE.format(events=self.events_table, chain=self.chain_table)
        while after < bound:
            upto = min(after + BATCH, bound)
            params = {"after": after, "upto": upto, "prior": prior}
            with self.database.reading() as cursor:
                rows = cursor.execute(statement, params).fetchall()
            for position, stored, previous, digest, computed in rows:
                sealed = (int(previous), bytes.fromhex(digest)) if digest is not None else None
                prior = digest if digest is not None else prior
                found = bytes.fromhex(computed) if computed else (b"" if stored else None)
                yield int(position), found, sealed
            after = upto

    def _bound(self) -> int:
        """The last position to check: what was committed when the check began. The chain is
        read first, so an event written meanwhile is outside the bound with its seal."""
        column = self.position_column
        with self.database.reading() as cursor:
            sealed = cursor.execute(f"SELECT MAX(position) FROM {self.chain_table}").fetchone()  # noqa: S608
        with self.database.reading() as cursor:
            stored = cursor.execute(f"SELECT MAX({column}) FROM {self.events_table}").fetchone()  # noqa: S608
        return max(int((sealed or [0])[0] or 0), int((stored or [0])[0] or 0))

    def _events(self, after: int, bound: int) -> dict[int, StoredEvent]:
        column = self.position_column
        statement = (
            f"SELECT {column} AS position, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {self.events_table} WHERE {column} > :after AND {column} <= :bound "
            f"ORDER BY {column} LIMIT :limit"
        )
        params = {"after": after, "bound": bound, "limit": BATCH}
        with self.database.reading() as cursor:
            rows = cursor.execute(statement, params).fetchall()
        return {int(row[0]): _stored(row) for row in rows}

    def _seals(self, after: int, upto: int) -> dict[int, tuple[int, bytes]]:
        statement = (
            f"SELECT position, previous, digest FROM {self.chain_table} "  # noqa: S608
            "WHERE position > :after AND position <= :upto"
        )
        with self.database.reading() as cursor:
            rows = cursor.execute(statement, {"after": after, "upto": upto}).fetchall()
        return {int(row[0]): (int(row[1]), bytes.fromhex(row[2])) for row in rows}


def _digest_of(previous: bytes, position: int, event: StoredEvent | bytes) -> bytes:
    """The digest an event should have: computed here, or already by the database."""
    return event if isinstance(event, bytes) else link(previous, position, event)


def _stored(row: Any) -> StoredEvent:
    originator = row[1] if isinstance(row[1], UUID) else UUID(row[1])
    return StoredEvent(
        originator_id=originator, originator_version=int(row[2]), topic=row[3], state=bytes(row[4])
    )
