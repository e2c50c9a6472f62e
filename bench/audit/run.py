"""The run: options, a fresh database, the three stages in order, and dropping it."""

from __future__ import annotations

import argparse
import random
import time

import psycopg
from psycopg import sql

from bench.audit.chain import verify_rates
from bench.audit.common import ORGANISATION, PORTAL
from bench.audit.fill import Filled, fill
from bench.audit.latency import Latency, point_in_time
from bench.audit.report import report_catch_up, report_fill, report_latency, report_verify
from bench.rebuild import fresh_database
from services.audit.service import open_audit
from services.audit.timefmt import instant
from services.settings import Settings


def drop_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def intervals(url: str) -> dict[str, int]:
    """The organisation's intervals by kind (on the benchmarked platform), and in all."""
    statement = (
        "SELECT kind, count(*) FROM audit_intervals "
        "WHERE platform = %s AND organisation = %s GROUP BY kind"
    )
    with psycopg.connect(url, autocommit=True) as conn:
        counts: dict[str, int] = dict(conn.execute(statement, (PORTAL, ORGANISATION)).fetchall())
        row = conn.execute(
            "SELECT count(DISTINCT position) FROM audit_parties WHERE organisation = %s",
            (ORGANISATION,),
        ).fetchone()
        total = conn.execute("SELECT count(*) FROM audit_intervals").fetchone()
    assert row is not None
    assert total is not None
    return {**counts, "history": int(row[0]), "everyone": int(total[0])}


def random_instants(filled: Filled, count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    span = filled.last - filled.first
    return [instant(filled.first + span * rng.random()) for _ in range(count)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.audit")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5, help="verification runs (best)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/toegang_bench_audit"
    )
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    fresh_database(args.database_url)
    try:
        run(args)
    finally:
        if not args.keep:
            drop_database(args.database_url)


def run(args: argparse.Namespace) -> None:
    settings, url = Settings(database_url=args.database_url), args.database_url
    started = time.perf_counter()
    filled = fill(settings, args.events, args.seed)
    report_fill(filled, time.perf_counter() - started)
    started = time.perf_counter()
    open_audit(settings, catch_up=True).close()
    report_catch_up(filled.head, time.perf_counter() - started, intervals(url))
    instants = random_instants(filled, args.requests, args.seed)
    warmup = min(200, args.requests)
    samples, rows = point_in_time(settings, filled.head, instants, warmup)
    report_latency(args.requests, rows, {name: Latency.of(s) for name, s in samples.items()})
    rates = verify_rates(settings, url, filled.head, args.repeats)
    report_verify(filled.head, args.repeats, rates)
