"""Composition: the one place per process that builds the applications and the HTTP app.

Roles: `grants` (commands, confirmation page, confirmation mailer) and `projections` (access
views and queries). The embedded default runs both in one process.
"""

from __future__ import annotations

import gc
import logging
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from services import keys
from services.audit import api as audit_api
from services.audit.wiring import start_audit
from services.eventlog.database import ViewDatabase
from services.eventlog.follower import Backoff, LogFollower
from services.eventlog.leader import LeaderLock
from services.eventlog.log import listen_for_appends, open_event_log
from services.eventlog.metrics import ProcessorCollector
from services.eventlog.status import reports
from services.eventlog.store import eventsourcing_env
from services.grants import api as grants_api
from services.grants import confirm_page, users_api
from services.grants.app_base import utc_now
from services.grants.application import GrantsApplication
from services.grants.sweeper import ExpirySweeper
from services.grants.tokens import ConfirmationTokens
from services.http.auth import TokenRegistry
from services.http.lean import HotPaths
from services.http.metrics import Metrics
from services.http.middleware import RequestMiddleware
from services.http.problems import install_problem_handlers
from services.notifications import kafka
from services.notifications.wiring import start_notifier, start_relay
from services.projections import api as access_api
from services.projections.runner import AccessProjection
from services.settings import Settings

log = logging.getLogger("toegang")
ROLES = ("grants", "projections", "notifications")
ALL_ROLES = ("grants", "projections", "relay", "notifications")
READINESS_TIMEOUT = 1.0  # seconds /readyz and /metrics wait for the store before saying so


def build_grants_application(
    settings: Settings, clock: Callable[[], datetime] = utc_now
) -> GrantsApplication:
    """The grants application on the configured store (this connects)."""
    return GrantsApplication(
        eventsourcing_env(settings),
        tokens=ConfirmationTokens(keys.token_key(settings)),
        confirm_ttl=settings.confirm_ttl,
        clock=clock,
    )


def embedded_roles(settings: Settings) -> tuple[str, ...]:
    """Everything in one process; with a broker configured, the relay too."""
    return ALL_ROLES if settings.kafka_bootstrap else ROLES


@contextmanager
def background(target: Callable[[threading.Event], None], name: str) -> Iterator[None]:
    """Run `target(stop)` in a daemon thread for the duration of the block."""
    stop = threading.Event()
    thread = threading.Thread(target=target, args=(stop,), daemon=True, name=name)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def start_roles(
    app: FastAPI,
    settings: Settings,
    roles: tuple[str, ...],
    stack: ExitStack,
    clock: Callable[[], datetime],
) -> None:
    """Open the stores and start the background processors the roles need."""
    app.state.processors = []
    if "projections" in roles:
        start_projections(app, settings, stack)
        start_audit(app, settings, stack, background, app.state.projection)
    if "grants" in roles or "notifications" in roles:
        grants = build_grants_application(settings, clock)
        stack.callback(grants.close)
        app.state.grants = grants
    if "projections" in roles and "grants" in roles and app.state.projection is not None:
        grants.listeners.append(app.state.projection.wake)
        grants.listeners.append(app.state.audit.projection.wake)
    if "relay" in roles:
        follower, relay = start_relay(settings, stack, background)
        app.state.relay = relay
        app.state.processors.append(follower)
        app.state.metrics.gauge(
            "toegang_relay_lag_events",
            "events not yet on Kafka",
            lambda: relay.log.head_within(READINESS_TIMEOUT) - relay.position,
        )
        if "grants" in roles:
            grants.listeners.append(relay.wake)
    if "notifications" in roles:
        start_notifications(app, settings, grants, stack, wake_on_commands="grants" in roles)
    if "grants" in roles:
        sweeper = ExpirySweeper(grants, ViewDatabase(settings, "sweeper"))
        stack.callback(sweeper.database.close)
        stack.enter_context(
            background(lambda stop: sweeper.run(stop, settings.sweep_interval), "expiry-sweeper")
        )
    app.state.metrics.registry.register(
        ProcessorCollector(
            app.state.processors, lambda: store_head(app.state), settings.ready_stall_after
        )
    )


def start_projections(app: FastAPI, settings: Settings, stack: ExitStack) -> None:
    """The access projection. Every replica answers queries from its own in-memory state;
    only the replica holding the advisory lock writes the view tables, the others follow the
    log in memory and take over the writing when the leader goes."""
    lock = LeaderLock(settings, "projections")
    stack.callback(lock.release)
    projection = AccessProjection(
        open_event_log(settings),
        ViewDatabase(settings, "access"),
        settings.projection_batch_size,
        writer=False,  # until the follower finds it holds the lock
    )
    stack.callback(projection.log.close)
    stack.callback(projection.database.close)
    app.state.projection = projection
    app.state.metrics.watch_views(
        lambda: {"access": projection.position},
        lambda: projection.log.head_within(READINESS_TIMEOUT),
    )
    follower = LogFollower(
        projection,
        lock=lock,
        follows_in_standby=True,
        backoff=Backoff(cap=settings.retry_backoff_max),
    )
    app.state.processors.append(follower)
    follower.prime()  # answer queries from a current state from the first request on

    def serve(stop: threading.Event) -> None:
        listen_for_appends(settings, projection.log, projection.wake, stop)
        follower.run(stop)

    stack.enter_context(background(serve, "access-projection"))


def start_notifications(
    app: FastAPI,
    settings: Settings,
    grants: GrantsApplication,
    stack: ExitStack,
    wake_on_commands: bool,
) -> None:
    follower, deliveries = start_notifier(settings, grants, stack, background)
    app.state.notifier = follower
    app.state.processors.append(follower)
    watch_consumer_lag(app, settings)
    for status in ("sent", "failed"):
        app.state.metrics.gauge(
            f"toegang_mails_{status}",
            f"mails {status} (delivery log)",
            lambda status=status: deliveries.counts().get(status, 0),
        )
    if wake_on_commands:
        grants.listeners.append(follower.processor.wake)


def watch_consumer_lag(app: FastAPI, settings: Settings) -> None:
    """Report the notifier group's lag on the events topic (with Kafka only)."""
    if settings.kafka_bootstrap:
        topic = kafka.Topics(settings.kafka_topic_prefix).events
        bootstrap = settings.kafka_bootstrap
        app.state.metrics.gauge(
            "toegang_notifier_lag_records",
            "records the notifier group has not handled",
            lambda: kafka.consumer_lag(bootstrap, settings.kafka_group, topic),
        )


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

    app = FastAPI(
        title="toegang",
        version="0.2.0",
        lifespan=lifespan,
        summary="Event-sourced access rights for pension-provider portals",
    )
    app.state.locale = settings.locale
    app.state.clock = clock
    app.state.min_position_wait = settings.min_position_wait
    app.state.ready_max_lag = settings.ready_max_lag
    app.state.ready_stall_after = settings.ready_stall_after
    app.state.processors = []
    uses_broker = {"relay", "notifications"} & set(roles)
    app.state.broker = settings.kafka_bootstrap if uses_broker else None
    app.state.token_registry = TokenRegistry(tokens)
    app.state.metrics = Metrics()
    install_problem_handlers(app)
    hot = access_api.hot.routes if "projections" in roles else []
    app.add_middleware(HotPaths, owner=app, routes=hot)
    app.add_middleware(RequestMiddleware, latency=app.state.metrics.latency)
    if "projections" in roles:
        app.include_router(access_api.hot)
    if "grants" in roles:
        app.include_router(grants_api.router)
        app.include_router(users_api.router)
        app.include_router(confirm_page.router)
    if "projections" in roles:
        app.include_router(access_api.router)
        app.include_router(audit_api.router)
    app.get("/healthz", tags=["health"])(healthz)
    app.get("/readyz", tags=["health"])(readyz)
    app.get("/metrics", tags=["health"], include_in_schema=False)(metrics)
    return app


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


def store_head(state: Any) -> int:
    """The log's head, read through whatever store this process has open."""
    for name in ("grants", "projection", "relay"):
        holder = getattr(state, name, None)
        if holder is not None:
            store = holder if name == "grants" else holder.log
            return int(store.head_within(READINESS_TIMEOUT))
    notifier = getattr(state, "notifier", None)
    if notifier is not None and hasattr(notifier.processor, "log"):
        return int(notifier.processor.log.head_within(READINESS_TIMEOUT))
    return 0


def metrics(request: Request) -> Response:
    """Prometheus metrics: request latency, view positions and lag."""
    collected: Response = request.app.state.metrics.response()
    return collected
