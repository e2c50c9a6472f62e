"""Access check throughput and latency against a bare FastAPI endpoint, same server settings.

    python -m bench.check_endpoint [--grants 2000] [--seconds 5]

Prepares a SQLite store with one platform and `--grants` confirmed grants, starts
`toegang serve projections` and the bare endpoint with the same uvicorn settings, and loads
both with wrk at 1 and 16 connections. Prints requests/s, p50 and p99 and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from uuid import UUID

import httpx

from bench.load import LoadResult, wrk_post
from services.app import build_grants_application
from services.grants.domain.grant import Grant
from services.settings import Settings
from tests.support import ADVISOR_SERVICE, TOKENS, World, actor, free_port, platform_settings

UVICORN = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]


def prepare(settings: Settings, grants: int) -> tuple[str, dict[str, object]]:
    """A platform with `grants` confirmed grants; answer the platform and one check body."""
    app = build_grants_application(settings)
    world = World()
    app.configure_platform(world.platform, platform_settings(), "bench")
    app.register_organisation(world.advisor, "Adviseur", "a@example.org", "bench")
    app.register_advisor(world.platform, world.advisor, "AFM-1", "bench")
    employer = world.employer
    for number in range(grants):
        employer = f"kvk:{10_000_000 + number:08d}"
        app.register_organisation(employer, f"Werkgever {number}", "w@example.org", "bench")
        app.register_contract(world.platform, f"C{number}", employer, [], "C", "bench")
        grant_id = app.request_grant(
            world.platform, employer, world.advisor, "edit", actor(employer)
        )["grant_id"]
        grant: Grant = app.repository.get(UUID(grant_id))
        app.confirm_grant(app.tokens.derive(grant.id, grant.confirmation_id or ""), "bench")
    app.close()
    body: dict[str, object] = {
        "actor": actor(world.advisor, service=ADVISOR_SERVICE),
        "organisation": employer,
        "action": "edit",
    }
    return world.platform, body


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grants", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="toegang-bench-"))
    settings = Settings(data_dir=data)
    platform, body = prepare(settings, args.grants)
    env = {**os.environ, "TOEGANG_DATA_DIR": str(data), "TOEGANG_API_TOKENS": json.dumps(TOKENS)}
    ours_port, bare_port = free_port(), free_port()
    ours = serve([*UVICORN, "--factory", "services.serve:projections_app"], ours_port, env)
    bare = serve([*UVICORN, "bench.bare_app:app"], bare_port, env)
    path = f"/v1/platforms/{platform}/access/check"
    headers = {"Authorization": "Bearer reader-token"}
    check = httpx.post(f"http://127.0.0.1:{ours_port}{path}", json=body, headers=headers)
    assert check.json()["allowed"] is True, check.text
    try:
        for port in (bare_port, ours_port):  # warm both up; the first seconds are not typical
            wrk_post(f"http://127.0.0.1:{port}{path}", body, headers, 16, 3)
        rows = []
        for connections in (1, 16):
            bare_result = wrk_post(
                f"http://127.0.0.1:{bare_port}{path}", body, headers, connections, args.seconds
            )
            ours_result = wrk_post(
                f"http://127.0.0.1:{ours_port}{path}", body, headers, connections, args.seconds
            )
            rows.append((connections, ours_result, bare_result))
    finally:
        ours.terminate()
        bare.terminate()
    report(rows, args.grants)


def report(rows: list[tuple[int, LoadResult, LoadResult]], grants: int) -> None:
    print(
        f"access check vs bare FastAPI endpoint (same request model, same uvicorn settings, "
        f"{grants} grants in the view, wrk)"
    )
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
