"""Starting the audit trail inside a serving process (the projections role)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack

from fastapi import FastAPI

from services.audit.service import AuditService, open_audit
from services.eventlog.follower import Backoff, LogFollower
from services.eventlog.leader import LeaderLock
from services.projections.runner import AccessProjection
from services.settings import Settings

Background = Callable[[Callable[[threading.Event], None], str], AbstractContextManager[None]]


def start_audit(
    app: FastAPI,
    settings: Settings,
    stack: ExitStack,
    background: Background,
    access: AccessProjection,
) -> AuditService:
    """Open the audit service beside the access projection (sharing its log and its wake-ups);
    keep its tables current (one writer, by advisory lock) and check the hash chain at start
    and every `TOEGANG_AUDIT_VERIFY_INTERVAL` seconds."""
    audit = open_audit(settings, event_log=access.log)
    stack.callback(audit.close)
    app.state.audit = audit
    lock = LeaderLock(settings, "audit")
    stack.callback(lock.release)
    access.on_batch.append(audit.projection.wake)
    follower = LogFollower(
        audit.projection, lock=lock, backoff=Backoff(cap=settings.retry_backoff_max)
    )
    app.state.processors.append(follower)
    stack.enter_context(background(follower.run, "audit-projection"))
    stack.enter_context(
        background(
            lambda stop: audit.watch_chain(stop, settings.audit_verify_interval), "chain-watch"
        )
    )
    app.state.metrics.gauge(
        "toegang_audit_chain_intact",
        "1 when the last check found the log's hash chain intact, 0 when it found it altered",
        lambda: float(audit.chain_status().get("intact", True)),
    )
    app.state.metrics.gauge(
        "toegang_audit_view_lag_events",
        "events the audit view has not applied yet",
        lambda: audit.log.head_within(1.0) - audit.position,
    )
    return audit
