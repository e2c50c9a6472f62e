"""The composition root's building blocks: the roles a process runs and the grants application."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

from services import keys
from services.bootstrap.application import ToegangApplication
from services.eventlog.store import eventsourcing_env
from services.grants.app_base import utc_now
from services.grants.tokens import ConfirmationTokens
from services.settings import Settings

log = logging.getLogger("toegang")

ROLES = ("grants", "projections", "notifications")

ALL_ROLES = ("grants", "projections", "relay", "notifications")

READINESS_TIMEOUT = 1.0  # seconds /readyz and /metrics wait for the store before saying so


def build_grants_application(
    settings: Settings, clock: Callable[[], datetime] = utc_now
) -> ToegangApplication:
    """The grants application on the configured store (this connects)."""
    return ToegangApplication(
        eventsourcing_env(settings),
        tokens=ConfirmationTokens(keys.token_key(settings)),
        confirm_ttl=settings.confirm_ttl,
        reminder_days=settings.grant_reminder_days,
        clock=clock,
    )


def context_opener(name: str) -> Callable[[Settings], AbstractContextManager[Any]]:
    """For a CLI command: open the application on the store, hand it one context (`privacy`,
    `notices`), close it afterwards."""

    @contextmanager
    def opened(settings: Settings) -> Iterator[Any]:
        application = build_grants_application(settings)
        try:
            yield getattr(application, name)
        finally:
            application.close()

    return opened


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


def store_head(state: Any) -> int:
    """The log's head, read through whatever store this process has open."""
    for name in ("grants", "projection", "relay"):
        holder = getattr(state, name, None)
        if holder is not None:
            store = holder.store if name == "grants" else holder.log
            return int(store.head_within(READINESS_TIMEOUT))
    notifier = getattr(state, "notifier", None)
    if notifier is not None and hasattr(notifier.processor, "log"):
        return int(notifier.processor.log.head_within(READINESS_TIMEOUT))
    return 0
