"""View rebuild rate against the raw read-and-deserialise rate of the same notifications.

    python -m bench.rebuild [--events 200000] [--database-url postgresql://postgres@127.0.0.1:5432/toegang_bench]

Fills a fresh PostgreSQL database with about `--events` events (platform, organisations,
contracts, grants through request, confirmation, some rights changes and revocations),
then times (1) reading and deserialising every notification, (2) `rebuild_view` into fresh
tables and swapping them in. Prints both rates and the ratio.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql

from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.eventlog.store import eventsourcing_env
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.tokens import ConfirmationTokens
from services.projections.rebuild import rebuild_view
from services.settings import Settings
from tests.support import platform_settings

STAFF = {"method": "service", "client": "bench"}


def fresh_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def employer_events(platform: str, number: int, advisor: str) -> list[Any]:
    """About 9 events: an employer, its contract and coverage, a confirmed (and changed) grant."""
    now = datetime.now(UTC)
    employer = f"kvk:{20_000_000 + number:08d}"
    organisation = Organisation(
        ref=employer, name=f"Werkgever {number}", contact_email="hr@example.org", actor=STAFF
    )
    contract = Contract(
        platform=platform,
        contract=f"C{number}",
        holder=employer,
        covered=[employer],
        name="C",
        actor=STAFF,
    )
    coverage = Coverage(platform=platform, organisation=employer, actor=STAFF)
    coverage.add_contract(contract=f"C{number}", actor=STAFF)
    grant = Grant(platform=platform, grantor=employer, grantee=advisor, actor=STAFF)
    grant.request(
        rights="view", basis="advisor", actor=STAFF, now=now, expires_at=now + timedelta(days=7)
    )
    grant.issue_confirmation(
        confirmation_id="x",
        token_hash=f"{number:064x}",
        sent_to="hr@e.org",
        expires_at=now + timedelta(days=7),
        actor=STAFF,
    )
    grant.confirm(token_hash=f"{number:064x}", actor=STAFF, now=now)
    if number % 3 == 0:
        grant.change_rights(rights="edit", actor=STAFF, now=now)
    if number % 7 == 0:
        grant.revoke(actor=STAFF, reason="bench", now=now)
    return [organisation, contract, coverage, grant]


def fill(settings: Settings, events: int) -> int:
    app = ToegangApplication(eventsourcing_env(settings), tokens=ConfirmationTokens(b"k" * 32))
    platform = "bench-platform"
    app.store.save(Platform(slug=platform, settings=platform_settings(), actor=STAFF))
    advisors = [f"kvk:{30_000_000 + n:08d}" for n in range(50)]
    number = 0
    while app.position() < events:
        batch: list[Any] = []
        for _ in range(200):
            batch.extend(employer_events(platform, number, advisors[number % 50]))
            number += 1
        app.store.save(*batch)
    head = app.position()
    app.close()
    return head


def raw_read_rate(settings: Settings) -> tuple[int, float]:
    log = open_event_log(settings)
    started, count, after = time.perf_counter(), 0, 0
    while batch := log.read(after, 5000):
        for notification in batch:
            log.decode(notification)
        count += len(batch)
        after = batch[-1].id
    elapsed = time.perf_counter() - started
    log.close()
    return count, count / elapsed


def rebuild_rate(settings: Settings) -> tuple[int, float]:
    log, database = open_event_log(settings), ViewDatabase(settings)
    started = time.perf_counter()
    position = rebuild_view(log, database, lambda at, head: None, batch_size=5000)
    elapsed = time.perf_counter() - started
    log.close()
    database.close()
    return position, position / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/toegang_bench"
    )
    args = parser.parse_args()
    fresh_database(args.database_url)
    settings = Settings(database_url=args.database_url)
    started = time.perf_counter()
    head = fill(settings, args.events)
    print(f"filled {head:,} events in {time.perf_counter() - started:.1f} s")
    count, raw = raw_read_rate(settings)
    position, rebuilt = rebuild_rate(settings)
    assert count == position == head
    print("rebuild of the access view vs raw read-and-deserialise (PostgreSQL, same run)")
    print(f"  raw read + deserialise: {raw:>10,.0f} events/s")
    print(f"  rebuild and swap:       {rebuilt:>10,.0f} events/s")
    print(f"  ratio:                  {rebuilt / raw:>10.2f}")


if __name__ == "__main__":
    main()
