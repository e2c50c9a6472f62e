"""Start the stores and background processors of a process's roles."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime

from fastapi import FastAPI

from services.bootstrap.application import ToegangApplication
from services.bootstrap.audit import start_audit
from services.bootstrap.build import (
    READINESS_TIMEOUT,
    background,
    build_grants_application,
    store_head,
)
from services.bootstrap.decisions import start_decision_log
from services.bootstrap.notifications import start_change_relay, start_notifier, start_relay
from services.eventlog.database import ViewDatabase
from services.eventlog.follower import Backoff, LogFollower
from services.eventlog.leader import LeaderLock
from services.eventlog.log import listen_for_appends, open_event_log
from services.eventlog.metrics import ProcessorCollector
from services.notifications import kafka
from services.projections.runner import AccessProjection
from services.projections.sweeper import ExpirySweeper
from services.settings import Settings


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
        start_decision_log(app, settings, stack)
        start_audit(app, settings, stack, background, app.state.projection)
    if "grants" in roles or "notifications" in roles:
        grants = build_grants_application(settings, clock)
        stack.callback(grants.close)
        app.state.grants = grants
    if "projections" in roles and "grants" in roles and app.state.projection is not None:
        grants.store.listeners.append(app.state.projection.wake)
        grants.store.listeners.append(app.state.audit.projection.wake)
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
            grants.store.listeners.append(relay.wake)
        start_access_relay(app, settings, stack)
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


def start_access_relay(app: FastAPI, settings: Settings, stack: ExitStack) -> None:
    """The change relay beside the event relay; woken by the access view's batches when the
    view runs in this process (else it polls)."""
    follower, relay = start_change_relay(settings, stack, background)
    app.state.processors.append(follower)
    if getattr(app.state, "projection", None) is not None:
        app.state.projection.on_batch.append(lambda _: relay.wake())


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
    grants: ToegangApplication,
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
        grants.store.listeners.append(follower.processor.wake)


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
