"""The HTTP app of a process: its routes for the roles it runs, health, readiness and metrics."""

from __future__ import annotations

import gc
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import ExitStack, asynccontextmanager
from datetime import datetime
from importlib import metadata
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from services.audit import api as audit_api
from services.bootstrap import examples as ex
from services.bootstrap.build import ROLES, store_head
from services.bootstrap.roles import start_roles
from services.credentials import api as users_api
from services.eventlog.status import reports
from services.eventlog.subject_keys import SubjectErased
from services.grants import api as grants_api
from services.grants import confirm_page
from services.grants.app_base import utc_now
from services.grants.domain.base import DomainError
from services.grants.examples import answered
from services.http.auth import TokenRegistry, document_security
from services.http.docs import keep_examples
from services.http.lean import HotPaths
from services.http.metrics import Metrics
from services.http.middleware import LiteralPaths, RequestMiddleware
from services.http.problem_handlers import install_problem_handlers
from services.projections import api as access_api
from services.projections import check_api
from services.settings import Settings

REFUSALS = (DomainError, SubjectErased)
"""The errors a refused command raises; each answers a problem with its own `code`."""


def settle_heap() -> None:
    """Keep what start-up built (the stores, the loaded access state) out of the garbage
    collector's full passes: over a large state such a pass holds every thread, checks
    included, for tens of milliseconds. Acyclic objects are still freed when dropped."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings,
    tokens: dict[str, list[str]],
    *,
    roles: tuple[str, ...] = ROLES,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """The HTTP app for the given roles; stores open and processors start when it serves."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            start_roles(app, settings, roles, stack, clock)
            settle_heap()
            yield

    app = FastAPIOffline(  # /docs and /redoc with their assets served here, no CDN
        title="toegang",
        version=metadata.version("toegang"),
        lifespan=lifespan,
        summary="Event-sourced access rights for pension-provider portals",
    )
    app.state.locale = settings.locale
    app.state.clock = clock
    app.state.min_position_wait = settings.min_position_wait
    app.state.changes_max_wait = settings.changes_max_wait
    app.state.ready_max_lag = settings.ready_max_lag
    app.state.ready_stall_after = settings.ready_stall_after
    app.state.processors = []
    app.state.decisions = None  # the checks' decision log, when it runs (bootstrap.decisions)
    uses_broker = {"relay", "notifications"} & set(roles)
    app.state.broker = settings.kafka_bootstrap if uses_broker else None
    app.state.token_registry = TokenRegistry(tokens)
    app.state.metrics = Metrics()
    install_problem_handlers(app, REFUSALS)
    document_security(app)
    keep_examples(app)
    hot = check_api.hot.routes if "projections" in roles else []
    app.add_middleware(HotPaths, owner=app, routes=hot)
    app.add_middleware(LiteralPaths, owner=app)
    app.add_middleware(RequestMiddleware, latency=app.state.metrics.latency)
    if "projections" in roles:
        app.include_router(check_api.hot)
    if "grants" in roles:
        app.include_router(grants_api.router)
        app.include_router(users_api.router)
        app.include_router(confirm_page.router)
    if "projections" in roles:
        app.include_router(access_api.router)
        app.include_router(audit_api.router)
    app.get("/healthz", tags=["health"], responses=answered(ex.HEALTHY))(healthz)
    app.get("/readyz", tags=["health"], responses={**answered(ex.READY), **NOT_READY})(readyz)
    app.get("/metrics", tags=["health"], response_class=Response, responses=METRICS)(metrics)
    return app


NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {
        "description": "Not ready: the same document, with the failing check's `ok` false",
        "content": {"application/json": {}},
    }
}
METRICS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The Prometheus text format",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}


def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


def readyz(request: Request) -> JSONResponse:
    """Readiness: the event store answers, no view is far behind the log, and no processor of
    this process is failing or stalled (each named, with its position, lag and last error)."""
    checks: dict[str, Any] = {}
    state = request.app.state
    try:
        head = store_head(state)
        checks["store"] = {"ok": True, "position": head}
    except Exception as error:  # noqa: BLE001 - any store failure means not ready
        checks["store"] = {"ok": False, "error": type(error).__name__}
        head = None
    if hasattr(state, "projection"):
        lag = (head - state.projection.position) if head is not None else None
        ok = lag is not None and lag <= state.ready_max_lag
        checks["views"] = {"ok": ok, "access": {"position": state.projection.position, "lag": lag}}
        if hasattr(state, "audit") and head is not None:
            audit = state.audit.position  # reported, not gating: checks never read it
            checks["views"]["audit"] = {"position": audit, "lag": head - audit}
    if state.processors:
        entries = reports(state.processors, head, state.ready_stall_after)
        checks["processors"] = {"ok": all(e["ok"] for e in entries.values()), **entries}
    if request.app.state.broker:
        checks["broker"] = {"ok": broker_reachable(request.app.state.broker)}
    ready = all(check["ok"] for check in checks.values())
    answer = {"ready": ready, "checks": checks}
    if hasattr(state, "audit"):
        # Reported, not gating: every replica reads the same store, so failing readiness on
        # an altered chain would turn the evidence into an outage.
        answer["audit_chain"] = state.audit.chain_status()
    return JSONResponse(answer, status_code=200 if ready else 503)


def broker_reachable(bootstrap: str) -> bool:
    """Whether the first Kafka bootstrap server accepts a connection."""
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port or 9092)), timeout=1):
            return True
    except (OSError, ValueError):
        return False


def metrics(request: Request) -> Response:
    """Prometheus metrics: request latency, view positions and lag."""
    collected: Response = request.app.state.metrics.response()
    return collected
