"""Batch checks over HTTP on a replica holding a bench.scale world.

    (run by bench.scale: `decisions_per_second(database_url, prefix)`)

Serves `toegang serve projections`'s app (uvicorn, JSON logs, tokens) on an empty store of
its own, then gives its projection the state loaded from the scale tables under PREFIX, as a
replica starting on them would hold it. wrk then posts batches of 100 questions of advisor 0
(80 about its active clients, 20 denied) at 16 connections.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from bench.check_endpoint import BATCH, READER, serve
from bench.load import wrk_post
from bench.scale_world import CHAIN, advisor, employer
from services.bootstrap import create_app, settle_heap
from services.eventlog.database import ViewDatabase
from services.logs import configure_logging
from services.projections import rows
from services.projections.natural_keys import TableKeys
from services.projections.state import AccessState
from services.settings import Settings
from tests.support import ADVISOR_SERVICE, TOKENS, actor, free_port


def load(url: str, prefix: str) -> tuple[AccessState, float]:
    """The state a replica loads from the tables under `prefix`, and how long it took."""
    views = ViewDatabase(Settings(database_url=url), name="bench-scale")
    started = time.perf_counter()
    with views.reading() as cursor:
        keys = TableKeys(views, prefix)  # as AccessProjection.load does
        state, _ = rows.load_state(cursor, prefix, "bench-scale", keys)
    elapsed = time.perf_counter() - started
    return state, elapsed


def replica(database_url: str, prefix: str) -> FastAPI:
    """The projections app on an empty store, its state swapped for the scale world's."""
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp())), TOKENS, roles=("projections",))
    startup = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: FastAPI) -> AsyncIterator[None]:
        async with startup(served):
            state, _ = load(database_url, prefix)
            with served.state.projection.lock:
                served.state.projection.state = state
            settle_heap()  # as after a replica's own start-up
            yield

    app.router.lifespan_context = lifespan
    return app


def batch_body() -> dict[str, object]:
    login = actor(advisor(0), service=ADVISOR_SERVICE)
    allowed = [n for n in range(2000) if n % 20 > 4][: BATCH * 4 // 5]
    denied = [n for n in range(2000) if 1 <= n % 20 <= 4][: BATCH // 5]  # revoked, pending, …
    return {
        "checks": [
            {"actor": login, "organisation": employer(n), "action": "view"}
            for n in allowed + denied
        ]
    }


def decisions_per_second(database_url: str, prefix: str, seconds: int = 5) -> float:
    """Start the replica in a process of its own and load it with batches."""
    port = free_port()
    command = [sys.executable, "-m", "bench.scale_http", prefix, "--database-url", database_url]
    process = serve(command, port, {**os.environ})
    try:
        url = f"http://127.0.0.1:{port}/v1/platforms/{CHAIN}/access/check/batch"
        body = batch_body()
        answer = httpx.post(url, json=body, headers=READER, timeout=60).json()
        assert sum(r["allowed"] for r in answer["results"]) == BATCH * 4 // 5, answer
        wrk_post(url, body, READER, 16, 2)
        return wrk_post(url, body, READER, 16, seconds).requests_per_second * BATCH
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    configure_logging("json")
    app = replica(args.database_url, args.prefix)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
