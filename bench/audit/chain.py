"""Chain verification against a raw read of the same rows (and that read with the links)."""

from __future__ import annotations

import time
from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from services.audit.service import open_audit
from services.audit.verify import BATCH
from services.eventlog.chain import GENESIS, link
from services.settings import Settings

RAW_LOG_SQL = (
    "SELECT notification_id, originator_id, originator_version, topic, state "
    "FROM {} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
)


def raw_log_read(url: str, table: str, hash_links: bool) -> tuple[int, float]:
    """Read the log's rows in position order, `BATCH` at a time (optionally chaining their
    SHA-256 digests as the verifier does); answer how many and the seconds taken."""
    statement = sql.SQL(RAW_LOG_SQL).format(sql.Identifier(table))
    with psycopg.connect(url, autocommit=True) as conn:
        started, count, after, digest = time.perf_counter(), 0, 0, GENESIS
        while rows := conn.execute(statement, (after, BATCH)).fetchall():
            count, after = count + len(rows), rows[-1][0]
            if hash_links:
                for row in rows:
                    digest = link(digest, row[0], stored(row))
        return count, time.perf_counter() - started


def stored(row: tuple[Any, ...]) -> StoredEvent:
    return StoredEvent(
        originator_id=row[1], originator_version=row[2], topic=row[3], state=bytes(row[4])
    )


def verify_rates(settings: Settings, url: str, head: int, repeats: int) -> dict[str, float]:
    """Events/s of the raw read, the raw read with digests, and `ChainVerifier.verify`: the
    best of `repeats` turns (the least disturbed by whatever else runs on the machine)."""
    audit = open_audit(settings)
    table = audit.trail.table
    seconds: dict[str, list[float]] = {"raw": [], "hashed": [], "verify": []}
    try:
        for _ in range(repeats):
            for name, hashing in (("raw", False), ("hashed", True)):
                count, elapsed = raw_log_read(url, table, hashing)
                assert count == head
                seconds[name].append(elapsed)
            started = time.perf_counter()
            report = audit.verifier.verify()
            seconds["verify"].append(time.perf_counter() - started)
            assert report.ok, report.as_dict()
            assert report.events == head, report.as_dict()
    finally:
        audit.close()
    return {name: head / min(values) for name, values in seconds.items()}
