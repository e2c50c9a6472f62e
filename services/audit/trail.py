"""History entries for auditors: stored events read back by position, with who did it and how.

Entries are decoded from the log itself (the views only say which positions match), so
they show exactly what was recorded; personal data of an erased person reads `[erased]`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from services.audit.timefmt import instant
from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog
from services.grants.app_base import as_plain
from services.grants.domain.catalogue import CATALOGUE
from services.grants.history import event_type, history_data

ERASED = "[erased]"
SEALED_PATHS = CATALOGUE.sealed()
LOGIN = re.compile(r"\d{9,10}-\d{3}")


def actor_route(actor: dict[str, Any] | None) -> dict[str, Any]:
    """Who acted and through which route: own eHerkenning, chain, staff, master user, ..."""
    if not actor:
        return {"route": "unknown", "label": "unknown"}
    method = actor.get("method")
    if method == "eherkenning":
        chain = actor.get("intermediary")
        label = f"{actor['acting_subject']} of {chain or actor['legal_subject']}"
        if chain:
            label += f" for {actor['legal_subject']}"
        return {"route": "chain" if chain else "own", "label": label, **actor}
    if method == "credentials":
        return {"route": "master_user", "label": f"master user {actor['user_id']}", **actor}
    if method == "confirmation_link":
        return {"route": "confirmation_link", "label": "grantor's contact, by mailed link", **actor}
    client = str(actor.get("client", ""))
    if client == "toegang":
        return {"route": "system", "label": "toegang (expiry sweeper)", **actor}
    if LOGIN.fullmatch(client):
        return {"route": "user", "label": f"user {client}", **actor}
    return {"route": "staff", "label": f"staff token {client}", **actor}


def entry(event: Any, position: int, topic: str) -> dict[str, Any]:
    """One history entry: position, time, type, aggregate, actor (with route) and the facts."""
    data = history_data(event)
    for path in SEALED_PATHS.get(topic, ()):
        _mark_erased(data, path)
    return {
        "position": position,
        "time": instant(event.timestamp),
        "type": event_type(event),
        "aggregate_id": str(event.originator_id),
        "actor": actor_route(as_plain(getattr(event, "actor", None))),
        "data": data,
    }


def _mark_erased(data: dict[str, Any], path: str) -> None:
    head, _, rest = path.partition(".")
    if rest and isinstance(data.get(head), dict):
        _mark_erased(data[head], rest)
    elif not rest and head in data and data[head] is None:
        data[head] = ERASED


class AuditTrail:
    """Reads stored events by position and turns them into history entries."""

    def __init__(self, log: EventLog, database: ViewDatabase) -> None:
        self.log, self.database = log, database
        self.table: str = log.recorder.events_table_name  # type: ignore[attr-defined]
        self.column = "notification_id" if database.is_postgres else "rowid"

    def entries(self, positions: Sequence[int]) -> list[dict[str, Any]]:
        """The entries at these positions, in position order (missing positions skipped)."""
        if not positions:
            return []
        # `:name` parameters are letters only (ViewDatabase turns them into %(name)s)
        names = {
            "p" + "".join(chr(97 + int(d)) for d in str(i)): p for i, p in enumerate(positions)
        }
        statement = (
            f"SELECT {self.column}, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {self.table} WHERE {self.column} IN ({', '.join(':' + n for n in names)}) "
            f"ORDER BY {self.column}"
        )
        with self.database.reading() as cursor:
            rows = cursor.execute(statement, names).fetchall()
        notifications = [_notification(row) for row in rows]
        decoded = self.log.decode_all(notifications)  # the subjects' keys read once
        return [
            entry(event, position, n.topic)
            for (event, position), n in zip(decoded, notifications, strict=True)
        ]


def _notification(row: tuple[Any, ...]) -> Notification:
    position, originator, version, topic, state = row
    return Notification(
        id=int(position),
        originator_id=originator if isinstance(originator, UUID) else UUID(originator),
        originator_version=int(version),
        topic=topic,
        state=bytes(state),
    )
