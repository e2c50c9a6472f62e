"""The access state at a provider's scale: checks, memory and a replica's start-up per size.

    python -m bench.scale [--sizes 10000,100000] [--database-url URL]
                          [--grant-requests 10,1000,10000]

For each size, bench.scale_world writes that many employers straight into view tables of
their own (prefix `scale<size>_`, dropped afterwards) with COPY. A fresh process then loads a
replica's state from them (`rows.load_state`, as a starting replica does) and prints, beside
the baseline measured in the same run: the start-up time vs a raw psycopg SELECT of the same
rows, resident bytes per employer (tracemalloc of the state, and the process's RSS delta),
allowed and denied checks/s in process of an advisor with 10,000 clients and their ratio,
p50/p99 of a mixed check load (chain and credential logins too), and batch decisions/s over
HTTP on a replica holding those tables (bench.scale_http).
`--grant-requests` also runs bench.grant_requests for one advisor at those client counts.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from typing import Any

import psycopg

from bench import grant_requests, scale_http, scale_world
from bench.scale_http import load
from bench.scale_world import CHAIN, CREDENTIALS, advisor, advisor_of, employer
from services.bootstrap import settle_heap
from services.projections import rows
from services.projections.check import check_access
from services.projections.state import AccessState
from tests.support import ADVISOR_SERVICE, actor

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
Question = tuple[str, dict[str, Any], str]


def raw_select(url: str, prefix: str) -> float:
    """The baseline: the columns a replica loads, of the same tables, fetched with psycopg."""
    started = time.perf_counter()
    with psycopg.connect(url) as connection:
        for table, (columns, _, _) in rows.CODECS.items():
            if table == "keys":
                continue  # left in the table (looked up when a batch needs them)
            fetched = connection.execute(
                f"SELECT {', '.join(columns)} FROM {prefix}{table}"  # noqa: S608
            ).fetchall()
            del fetched
    return time.perf_counter() - started


def rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def questions(employers: int, allowed: bool) -> list[Question]:
    """Advisor 0 (up to 10,000 clients) asking about its active clients, or about employers
    it is denied: revoked, pending, expired grants, other advisors' clients, unregistered."""
    picks = random.Random(7)
    clients = min(employers, scale_world.FIRST_ADVISOR_CLIENTS)
    login = actor(advisor(0), service=ADVISOR_SERVICE)
    if allowed:
        numbers = [n for n in range(clients) if n % 20 > 4]
        return [(CHAIN, login, employer(picks.choice(numbers))) for _ in range(2000)]
    denied: list[Question] = []
    for _ in range(2000):
        number = picks.randrange(employers + employers // 10)  # a tenth unregistered
        if number < clients and number % 20 > 4:
            number = picks.randrange(clients // 20) * 20 + picks.randint(1, 4)
        denied.append((CHAIN, login, employer(number)))
    return denied


def other_logins(employers: int) -> list[Question]:
    """Chain logins of employers' advisors and credential users, also denied, for the mix."""
    picks, asked = random.Random(11), []
    for _ in range(400):
        number = picks.randrange(scale_world.FIRST_ADVISOR_CLIENTS, max(employers, 10_001))
        chain = actor(employer(number), intermediary=advisor(advisor_of(number)))
        asked.append((CHAIN, chain, employer(number + 1)))
    user = {"method": "credentials", "user_id": scale_world.user_id(10)}
    return asked + [(CREDENTIALS, user, employer(20))] * 40  # not the fiche's organisation


def rate(state: AccessState, asked: list[Question], seconds: float = 1.0) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for platform, login, organisation in asked:
            check_access(state, platform, login, organisation, "view", None, NOW)
        count += len(asked)
    return count / (time.perf_counter() - started)


def latencies(state: AccessState, asked: list[Question]) -> tuple[float, float]:
    timings = []
    for platform, login, organisation in asked * 5:
        started = time.perf_counter_ns()
        check_access(state, platform, login, organisation, "view", None, NOW)
        timings.append(time.perf_counter_ns() - started)
    timings.sort()
    return timings[len(timings) // 2] / 1000, timings[int(len(timings) * 0.99)] / 1000


def measure(url: str, prefix: str, employers: int) -> dict[str, float]:
    """In a fresh process: start-up, memory and check figures for the tables under `prefix`."""
    raw = raw_select(url, prefix)
    gc.collect()
    before = rss()
    state, startup = load(url, prefix)
    settle_heap()  # as the service does once started (gc.collect, gc.freeze)
    figures = {"startup": startup, "raw": raw, "rss": (rss() - before) / employers}
    allowed, denied = questions(employers, True), questions(employers, False)
    rounds = [(rate(state, allowed), rate(state, denied)) for _ in range(3)]  # alternating
    figures["allowed"] = max(a for a, _ in rounds)  # the best of three of each, so one noisy
    figures["denied"] = max(d for _, d in rounds)  # second on a shared machine does not decide
    figures["p50"], figures["p99"] = latencies(state, allowed + denied + other_logins(employers))
    del state
    gc.collect()
    tracemalloc.start()
    kept, _ = load(url, prefix)
    gc.collect()
    figures["traced"] = tracemalloc.get_traced_memory()[0] / employers
    tracemalloc.stop()
    del kept
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database-url", default=os.environ.get("TOEGANG_TEST_DATABASE_URL"))
    parser.add_argument("--grant-requests", default="", help="client counts, e.g. 10,1000,10000")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # PREFIX EMPLOYERS
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.database_url, args.measure[0], int(args.measure[1]))))
        return
    if not args.database_url:
        parser.error("--database-url (or TOEGANG_TEST_DATABASE_URL) is needed")
    print("employers  build_s  startup_s  raw_select_s  ratio  traced_B/emp  rss_B/emp  "
          "allowed/s  denied/s  ratio  p50_us  p99_us  batch_decisions/s")  # fmt: skip
    for size in (int(s) for s in args.sizes.split(",")):
        prefix, started = f"scale{size}_", time.perf_counter()
        scale_world.build(args.database_url, prefix, size)
        built = time.perf_counter() - started
        try:
            command = [sys.executable, "-m", "bench.scale", "--measure", prefix, str(size)]
            env = {**os.environ, "TOEGANG_TEST_DATABASE_URL": args.database_url}
            f = json.loads(
                subprocess.run(command, env=env, stdout=subprocess.PIPE, check=True).stdout
            )
            batch = scale_http.decisions_per_second(args.database_url, prefix)
        finally:
            scale_world.drop(args.database_url, prefix)
        print(
            f"{size:>9}  {built:7.1f}  {f['startup']:9.2f}  {f['raw']:12.2f}"
            f"  {f['startup'] / f['raw']:5.2f}  {f['traced']:12.0f}  {f['rss']:9.0f}"
            f"  {f['allowed']:9.0f}  {f['denied']:8.0f}  {f['denied'] / f['allowed']:5.2f}"
            f"  {f['p50']:6.1f}  {f['p99']:6.1f}  {batch:9.0f}",
            flush=True,
        )
    if args.grant_requests:
        grant_requests.measure(args.grant_requests, 100, args.database_url)


if __name__ == "__main__":
    main()
