"""PostgreSQL back → views caught up, against a raw client's reconnect measured in the same run.

    python -m bench.faults_postgres [--runs 3] [--timeout 30]

Each run starts `toegang serve` (every role in one process) on a fresh database of a private
PostgreSQL 15 cluster (see tests/faults/postgres.py; the shared server on 5432 is never
touched), confirms a grant, then restarts PostgreSQL (`pg_ctl restart -m fast`). From the
moment the postmaster declares itself ready it times, concurrently:

- access: a revoke written right after the restart (retried until a command succeeds) is
  denied by a check without min_position;
- audit: the audit view's position (GET /v1/audit/history) reaches that revoke;
- baseline: a raw psycopg `connect()` + `SELECT 1`, polled every 10 ms, succeeds.

Prints one line per run, then the range over the runs and one JSON line.
"""

from __future__ import annotations

import argparse
import functools
import json
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import httpx
import psycopg

from tests.faults.postgres import PrivatePostgres, fresh_database, private_postgres_cluster
from tests.faults.test_postgres_restart import active_grant, check, embedded, setup_world
from tests.kafka.conftest import Sink
from tests.support import World
from tests.world import WRITER

AUDITOR = {"Authorization": "Bearer auditor-token"}
Sample = dict[str, float | None]
Revoked = tuple[int | None, float | None]


def poll(
    condition: Callable[[], bool], since: float, timeout: float, interval: float
) -> float | None:
    """Seconds from `since` until `condition()` holds, or None at the timeout. Errors count as
    "not yet", and so does a check helper's assertion on a non-200 answer."""
    deadline = since + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return time.monotonic() - since
        except (httpx.HTTPError, psycopg.Error, AssertionError):
            pass
        time.sleep(interval)
    return None


def raw_select(url: str) -> bool:
    """The baseline: a fresh psycopg connection answers `SELECT 1`."""
    with psycopg.connect(url, connect_timeout=1, autocommit=True) as connection:
        return connection.execute("SELECT 1").fetchone() == (1,)


def revoke_denied(url: str, world: World) -> bool:
    """(i) the access view: a check without min_position reflects the revoke."""
    answer = check(url, world)
    return not answer["allowed"] and answer["reasons"][0]["code"] == "grant_revoked"


def audit_reached(url: str, grant: str, revoked: Future[Revoked]) -> bool:
    """(ii) the audit view's position (as its history answers it) reached the revoke."""
    position = revoked.result()[0] if revoked.done() else None
    if position is None:
        return False
    params: dict[str, str | int] = {"grant": grant, "limit": 1}
    page = httpx.get(f"{url}/v1/audit/history", params=params, headers=AUDITOR, timeout=5)
    return page.status_code == 200 and int(page.json()["position"]) >= position


def revoke_when_possible(
    url: str, world: World, grant: str, since: float, timeout: float
) -> Revoked:
    """Revoke as soon as a command succeeds: (the revoke's position, seconds since `since`).

    An attempt whose answer was lost may have revoked: the grant's history has the position."""
    found: list[int] = []
    body = {"actor": world.employer_actor(), "reason": "bench"}

    def attempt() -> bool:
        answer = httpx.post(f"{url}/v1/grants/{grant}/revoke", json=body, headers=WRITER, timeout=5)
        if answer.status_code == 200:
            found.append(int(answer.json()["position"]))
        elif answer.status_code < 500:
            grant_now = httpx.get(f"{url}/v1/grants/{grant}", headers=WRITER, timeout=5).json()
            if grant_now["status"] == "revoked":
                found.append(max(int(entry["position"]) for entry in grant_now["history"]))
        return bool(found)

    took = poll(attempt, since, timeout, 0.01)
    return (found[0] if found else None), took


def measure(cluster: PrivatePostgres, sink: Sink, timeout: float) -> Sample:
    """One run: a service on a fresh database with a confirmed grant, then the restart."""
    with ExitStack() as stack:
        database = stack.enter_context(fresh_database(cluster))
        data = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(embedded(database, sink, data))
        world = setup_world(url)
        grant = active_grant(url, sink, world)
        return restart_and_time(cluster, url, world, grant, timeout)


def restart_and_time(
    cluster: PrivatePostgres, url: str, world: World, grant: str, timeout: float
) -> Sample:
    """Restart PostgreSQL; from its ready moment, time the baseline and both views at once."""
    cluster.restart("fast", wait=False)
    ready = cluster.wait_accepting()
    with ThreadPoolExecutor(4) as pool:
        revoked = pool.submit(revoke_when_possible, url, world, grant, ready, timeout)
        conditions: dict[str, Callable[[], bool]] = {
            "baseline": functools.partial(raw_select, cluster.url),
            "access": functools.partial(revoke_denied, url, world),
            "audit": functools.partial(audit_reached, url, grant, revoked),
        }
        running = {
            name: pool.submit(poll, condition, ready, timeout, 0.01)
            for name, condition in conditions.items()
        }
        sample = {name: future.result() for name, future in running.items()}
        return {"command": revoked.result()[1], **sample}


def shown(seconds: float | None) -> str:
    """Seconds for a report line, or `never` when the timeout passed."""
    return f"{seconds:.3f} s" if seconds is not None else "never"


def ratio(view: float | None, baseline: float | None) -> str:
    """A view's recovery time over the raw reconnect's, as `N×`."""
    if view is None or not baseline:
        return "—"
    return f"{view / baseline:.0f}×"


def report(number: int, sample: Sample) -> None:
    """Print one run's line."""
    base = sample["baseline"]
    print(
        f"  run {number}: access {shown(sample['access'])} ({ratio(sample['access'], base)}), "
        f"audit {shown(sample['audit'])} ({ratio(sample['audit'], base)}), "
        f"raw connect+SELECT 1 {shown(base)}; the revoke was accepted after "
        f"{shown(sample['command'])}"
    )


def spread(samples: list[Sample], name: str) -> str:
    """min–max of one measure over the runs (and of its ratio to the baseline)."""
    pairs = [(s[name], s["baseline"]) for s in samples]
    known = [(v, b) for v, b in pairs if v is not None and b]
    if len(known) < len(pairs):
        return f"{name} not within the timeout in {len(pairs) - len(known)} run(s)"
    seconds = [v for v, _ in known]
    ratios = [v / b for v, b in known]
    text = f"{name} {min(seconds):.3f}–{max(seconds):.3f} s"
    if name in ("baseline", "command"):
        return text
    return f"{text} ({min(ratios):.0f}–{max(ratios):.0f}×)"


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait per view")
    args = parser.parse_args()
    sink = Sink()
    sink.start()
    samples: list[Sample] = []
    print("PostgreSQL back (postmaster ready) → views caught up; `toegang serve`, pg_ctl restart")
    try:
        with private_postgres_cluster() as cluster:
            for number in range(1, args.runs + 1):
                samples.append(measure(cluster, sink, args.timeout))
                report(number, samples[-1])
    finally:
        sink.stop()
    print(
        f"  range over {len(samples)} runs: "
        + ", ".join(spread(samples, name) for name in ("access", "audit", "baseline", "command"))
    )
    print(json.dumps({"runs": samples}))


if __name__ == "__main__":
    main()
