"""Access check throughput and latency against a bare FastAPI endpoint, same server settings.

    python -m bench.check_endpoint [--grants 2000] [--seconds 5] [--commands 4]

Prepares a SQLite store with one platform and `--grants` confirmed grants, starts
`toegang serve projections` (as an operator runs it: JSON logs, metrics, tokens) and the bare
endpoint under the same uvicorn, and loads both with wrk at 1 and 16 connections: requests/s,
p50 and p99 and the ratios; then batches of 100 questions: decisions/s. Then the embedded
service (`toegang serve`, commands and views in one process) is loaded with checks at 16
connections, first alone and then while `--commands` threads send commands (register an
employer and its contract, request a grant) as fast as it takes them: check p99 with and
without commands, and commands/s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from bench.load import LoadResult, wrk_post
from services.bootstrap import build_grants_application
from services.grants.domain.grant import Grant
from services.settings import Settings
from tests.support import ADVISOR_SERVICE, TOKENS, World, actor, free_port, platform_settings

UVICORN = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
TOEGANG = [sys.executable, "-m", "services.cli", "serve"]
READER = {"Authorization": "Bearer reader-token"}


def prepare(settings: Settings, grants: int) -> tuple[World, dict[str, object]]:
    """A platform with `grants` confirmed grants; answer the world and one check body."""
    app = build_grants_application(settings)
    world = World()
    app.reference.configure_platform(world.platform, platform_settings(), "bench")
    app.reference.register_organisation(world.advisor, "Adviseur", "a@example.org", "bench")
    app.reference.register_advisor(world.platform, world.advisor, "AFM-1", "bench")
    employer = world.employer
    for number in range(grants):
        employer = f"kvk:{10_000_000 + number:08d}"
        app.reference.register_organisation(
            employer, f"Werkgever {number}", "w@example.org", "bench"
        )
        app.reference.register_contract(world.platform, f"C{number}", employer, [], "C", "bench")
        grant_id = app.grants.request_grant(
            world.platform, employer, world.advisor, "edit", actor(employer)
        )["grant_id"]
        grant: Grant = app.store.repository.get(UUID(grant_id))
        app.grants.confirm_grant(app.tokens.derive(grant.id, grant.confirmation_id or ""), "bench")
    app.close()
    body: dict[str, object] = {
        "actor": actor(world.advisor, service=ADVISOR_SERVICE),
        "organisation": employer,
        "action": "edit",
    }
    return world, body


def serve(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{command} did not start")


class Commands:
    """Threads sending commands to the service until stopped: new employers asking grants."""

    def __init__(self, base: str, world: World, threads: int) -> None:
        self.base, self.world, self.sent = base, world, 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(threads)]

    def __enter__(self) -> Commands:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()
        self.rate = self.sent / (time.perf_counter() - self.started)

    def _run(self, worker: int) -> None:
        admin = {"Authorization": "Bearer admin-token"}
        writer = {"Authorization": "Bearer writer-token"}
        platform, number = self.world.platform, 0
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.is_set():
                number += 1
                employer = f"kvk:{30_000_000 + worker * 1_000_000 + number:08d}"
                client.put(
                    f"/v1/organisations/{employer}",
                    json={"name": "Werkgever", "contact_email": "w@example.org"},
                    headers=admin,
                ).raise_for_status()
                client.put(
                    f"/v1/platforms/{platform}/contracts/W{worker}-{number}",
                    json={"holder": employer, "covered": [], "name": "C"},
                    headers=admin,
                ).raise_for_status()
                client.post(
                    f"/v1/platforms/{platform}/grants",
                    json={
                        "grantor": employer,
                        "grantee": self.world.advisor,
                        "rights": "view",
                        "actor": actor(employer),
                    },
                    headers=writer,
                ).raise_for_status()
                self.sent += 3


def against_bare(env: dict[str, str], url_path: str, body: dict[str, object], seconds: int) -> None:
    ours_port, bare_port = free_port(), free_port()
    ours = serve([*TOEGANG, "projections"], ours_port, env)
    bare = serve([*UVICORN, "bench.bare_app:app"], bare_port, env)
    check = httpx.post(f"http://127.0.0.1:{ours_port}{url_path}", json=body, headers=READER)
    assert check.json()["allowed"] is True, check.text
    try:
        for port in (bare_port, ours_port):  # warm both up; the first seconds are not typical
            wrk_post(f"http://127.0.0.1:{port}{url_path}", body, READER, 16, 3)
        rows = []
        for connections in (1, 16):
            bare_result = wrk_post(
                f"http://127.0.0.1:{bare_port}{url_path}", body, READER, connections, seconds
            )
            ours_result = wrk_post(
                f"http://127.0.0.1:{ours_port}{url_path}", body, READER, connections, seconds
            )
            rows.append((connections, ours_result, bare_result))
        batch = batch_decisions(f"http://127.0.0.1:{ours_port}{url_path}/batch", body, seconds)
    finally:
        ours.terminate()
        bare.terminate()
    report(rows)
    single = rows[-1][1].requests_per_second
    print(
        f"batch of {BATCH} (80 allowed, 20 denied) at 16 connections: "
        f"{batch.requests_per_second * BATCH:,.0f} decisions/s, p99 {batch.p99_ms:.2f} ms, "
        f"{batch.requests_per_second * BATCH / single:.1f}× the single check's decisions/s"
    )


BATCH = 100


def batch_decisions(url: str, body: dict[str, object], seconds: int) -> LoadResult:
    """Batches of 100 questions about different employers, a fifth of them denied."""
    allowed = [{**body, "organisation": f"kvk:{10_000_000 + n:08d}"} for n in range(BATCH * 4 // 5)]
    denied = [{**body, "organisation": f"kvk:{90_000_000 + n:08d}"} for n in range(BATCH // 5)]
    checks: dict[str, object] = {"checks": allowed + denied}
    answer = httpx.post(url, json=checks, headers=READER).json()["results"]
    assert [r["allowed"] for r in answer] == [True] * len(allowed) + [False] * len(denied)
    wrk_post(url, checks, READER, 16, 2)
    return wrk_post(url, checks, READER, 16, seconds)


def while_commands(
    env: dict[str, str], world: World, url_path: str, body: dict[str, object], args: Any
) -> None:
    port = free_port()
    embedded = serve(TOEGANG, port, env)
    url = f"http://127.0.0.1:{port}{url_path}"
    try:
        wrk_post(url, body, READER, 16, 3)
        alone = wrk_post(url, body, READER, 16, args.seconds)
        with Commands(f"http://127.0.0.1:{port}", world, args.commands) as commands:
            loaded = wrk_post(url, body, READER, 16, args.seconds)
    finally:
        embedded.terminate()
    print(f"\nembedded service, checks at 16 connections, {args.commands} command threads")
    print(f"{'':>16} {'check req/s':>12} {'p50':>9} {'p99':>9} {'commands/s':>11}")
    print(
        f"{'alone':>16} {alone.requests_per_second:>12,.0f} {alone.p50_ms:>7.2f}ms "
        f"{alone.p99_ms:>7.2f}ms {'-':>11}"
    )
    print(
        f"{'while commands':>16} {loaded.requests_per_second:>12,.0f} {loaded.p50_ms:>7.2f}ms "
        f"{loaded.p99_ms:>7.2f}ms {commands.rate:>11,.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grants", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--commands", type=int, default=4, help="0: no embedded run")
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="toegang-bench-"))
    world, body = prepare(Settings(data_dir=data), args.grants)
    env = {**os.environ, "TOEGANG_DATA_DIR": str(data), "TOEGANG_API_TOKENS": json.dumps(TOKENS)}
    url_path = f"/v1/platforms/{world.platform}/access/check"
    print(f"{args.grants} grants in the view, wrk, same uvicorn (loop and parser) for both")
    against_bare(env, url_path, body, args.seconds)
    if args.commands:
        while_commands(env, world, url_path, body, args)


def report(rows: list[tuple[int, LoadResult, LoadResult]]) -> None:
    print("access check (toegang serve projections) vs a bare FastAPI endpoint, same model")
    print(
        f"{'conns':>5} {'check req/s':>12} {'bare req/s':>11} {'ratio':>6} "
        f"{'check p50':>10} {'check p99':>10} {'bare p50':>9} {'bare p99':>9}"
    )
    for connections, ours, bare in rows:
        assert ours.non_2xx == 0
        assert bare.non_2xx == 0
        print(
            f"{connections:>5} {ours.requests_per_second:>12,.0f} "
            f"{bare.requests_per_second:>11,.0f} "
            f"{ours.requests_per_second / bare.requests_per_second:>6.2f} "
            f"{ours.p50_ms:>8.2f}ms {ours.p99_ms:>8.2f}ms {bare.p50_ms:>7.2f}ms "
            f"{bare.p99_ms:>7.2f}ms"
        )


if __name__ == "__main__":
    main()
