"""Point-in-time timing: raw SELECT, in process, bare endpoint and GET, taking turns."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg

from bench.audit.common import ORGANISATION, PORTAL
from bench.check_endpoint import UVICORN, serve
from services.audit.service import AuditService, open_audit
from services.audit.timefmt import instant
from services.audit.views import ACCESS_COLUMNS
from services.settings import Settings
from tests.support import free_port

AUDITOR = {"Authorization": "Bearer auditor-token"}
ACCESS_SQL = (
    f"SELECT {', '.join(ACCESS_COLUMNS)} FROM audit_intervals "  # noqa: S608
    "WHERE platform = %(platform)s AND organisation = %(organisation)s "
    "AND valid_from <= %(at)s AND (valid_to IS NULL OR valid_to > %(at)s) "
    "ORDER BY kind, holder, subject_id"
)
FACTORIES = {"bare": "bench.audit.apps:bare_app", "audit": "bench.audit.apps:audit_app"}


@dataclass(frozen=True)
class Latency:
    p50: float
    p95: float
    p99: float
    mean: float

    @classmethod
    def of(cls, seconds: list[float]) -> Latency:
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
        ms = 1000.0
        return cls(cuts[49] * ms, cuts[94] * ms, cuts[98] * ms, statistics.fmean(seconds) * ms)


Call = Callable[[str], int]
"""One point-in-time query at an instant; answers the number of rows."""


def timed(calls: dict[str, Call], instants: list[str], warmup: int) -> dict[str, list[float]]:
    """Seconds per call, the calls taking turns at each instant (so that whatever else the
    machine does falls on all of them alike), after `warmup` untimed rounds."""
    for at in instants[:warmup]:
        for call in calls.values():
            call(at)
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for at in instants:
        for name, call in calls.items():
            started = time.perf_counter()
            call(at)
            samples[name].append(time.perf_counter() - started)
    return samples


def raw_select(conn: psycopg.Connection[tuple[Any, ...]]) -> Call:
    """The interval SELECT with psycopg on one autocommit connection."""

    def select(at: str) -> int:
        params = {"platform": PORTAL, "organisation": ORGANISATION, "at": at}
        return len(conn.execute(ACCESS_SQL, params).fetchall())

    return select


def in_process(audit: AuditService) -> Call:
    """`AuditService.access_at` on its own connection, no HTTP."""

    def access_at(at: str) -> int:
        return len(audit.access_at(PORTAL, ORGANISATION, datetime.fromisoformat(at))["access"])

    return access_at


def over_http(client: httpx.Client) -> Call:
    """A GET of /v1/audit/access on a keep-alive httpx client."""

    def get(at: str) -> int:
        params = {"platform": PORTAL, "organisation": ORGANISATION, "at": at}
        response = client.get("/v1/audit/access", params=params)
        assert response.status_code == 200, response.text
        return len(response.content)

    return get


def wait_ready(client: httpx.Client, head: int) -> None:
    """Wait until the served audit view reached `head` and its first chain check is done (it
    shares the query connection, so timing during it would time the check)."""
    deadline = time.monotonic() + 120
    moment = instant(datetime.now(UTC))
    params: dict[str, str | int] = {
        "platform": PORTAL,
        "organisation": ORGANISATION,
        "at": moment,
        "min_position": head,
    }
    while time.monotonic() < deadline:
        caught = client.get("/v1/audit/access", params=params)
        chain = client.get("/readyz").json().get("audit_chain", {})
        if caught.status_code == 200 and chain.get("checked"):
            assert chain["intact"], chain
            return
        time.sleep(0.2)
    raise RuntimeError("the audit view did not catch up")


def served(stack: ExitStack, factory: str, env: dict[str, str]) -> httpx.Client:
    """Serve the app `factory` with uvicorn in a process of its own, stopped with `stack`;
    answer a keep-alive client of it."""
    port = free_port()
    process = serve([*UVICORN, "--factory", factory], port, env)
    stack.callback(process.wait, 30)
    stack.callback(process.terminate)
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=AUDITOR, timeout=30)
    return stack.enter_context(client)


def point_in_time(
    settings: Settings, head: int, instants: list[str], warmup: int
) -> tuple[dict[str, list[float]], float]:
    """Serve the bare and the audit endpoint (uvicorn, a process each, same settings), then
    time the four ways of asking; answer the samples and the mean rows per answer."""
    url = settings.database_url or ""
    env = {**os.environ, "TOEGANG_DATABASE_URL": url}
    with ExitStack() as stack:
        clients = {name: served(stack, factory, env) for name, factory in FACTORIES.items()}
        wait_ready(clients["audit"], head)
        conn = stack.enter_context(psycopg.connect(url, autocommit=True))
        audit = open_audit(settings)
        stack.callback(audit.close)
        select = raw_select(conn)
        calls = {
            "raw": select,
            "service": in_process(audit),
            "bare": over_http(clients["bare"]),
            "audit": over_http(clients["audit"]),
        }
        samples = timed(calls, instants, warmup)
        rows = statistics.fmean(select(at) for at in instants)
    return samples, rows
