"""Read access to the event log for processes that do not write it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import Notification

from services.eventlog import postgres
from services.eventlog.privacy import holds_sealed
from services.eventlog.store import ToegangStore, eventsourcing_env
from services.settings import Settings

log = logging.getLogger("toegang.log")


class EventLog(ToegangStore):
    """The toegang event store, opened to read notifications and decode them into events."""

    name = "toegang"  # eventsourcing names each subclass after itself; the table follows it

    def read(
        self, after: int, limit: int, topics: Sequence[str] = (), stop: int | None = None
    ) -> Sequence[Notification]:
        """Up to `limit` notifications after position `after` and up to `stop` (of `topics`,
        if given), in order."""
        return self.recorder.select_notifications(
            start=after, limit=limit, stop=stop, topics=topics, inclusive_of_start=False
        )

    def decode(self, notification: Notification) -> Any:
        return self.mapper.to_domain_event(notification)

    def decode_all(self, notifications: Sequence[Notification]) -> list[tuple[Any, int]]:
        """A batch of notifications as (event, position), the data subjects' keys read once."""
        subjects = {str(n.originator_id) for n in notifications if holds_sealed(n.state)}
        with self.subject_keys.prefetched(subjects):
            return [(self.mapper.to_domain_event(n), n.id) for n in notifications]

    def head(self) -> int:
        """The position of the last event in the log."""
        return self.recorder.max_notification_id() or 0


def open_event_log(settings: Settings) -> EventLog:
    return EventLog(eventsourcing_env(settings))


def listen_for_appends(
    settings: Settings, log_: EventLog, wake: Callable[[], None], stop: threading.Event
) -> threading.Thread | None:
    """On PostgreSQL, wake the caller whenever the store NOTIFYs an append (LISTEN)."""
    if not settings.uses_postgres:
        return None
    channel: str = log_.recorder.channel_name  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=_listen, args=(settings, channel, wake, stop), daemon=True, name="log-listener"
    )
    thread.start()
    return thread


def _listen(
    settings: Settings, channel: str, wake: Callable[[], None], stop: threading.Event
) -> None:
    while not stop.is_set():
        try:
            with postgres.connect(settings.database_url or "", "listen", autocommit=True) as conn:
                conn.execute(psycopg.sql.SQL("LISTEN {}").format(psycopg.sql.Identifier(channel)))
                wake()  # appends made while this connection was away were not announced
                while not stop.is_set():
                    for _ in conn.notifies(timeout=0.5, stop_after=1):
                        wake()
        except psycopg.Error as error:
            log.warning("LISTEN connection lost (%s); polling continues", type(error).__name__)
            stop.wait(1.0)
