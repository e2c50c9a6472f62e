"""The delivery log: one row per (event, recipient) — an intent written before sending, the
outcome written the moment the SMTP server accepted the mail.

Recipients are stored as a hash, so the log holds no address. An intent younger than the
sender's timeout belongs to an attempt that may still be running (another notifier, or this
one before a crash): it is waited for, never raced. An older intent without an outcome means
the process died between writing it and recording the outcome; the mail goes out again with
the same Message-ID. That window — from the server's acceptance to the outcome row, one
local transaction — is the only one left (measured by `python -m bench.kill_loop`).

Outcomes still to be published on `toegang.notifications.v1` wait in `notification_outcomes`
until the broker acknowledged them, so a broker outage loses none.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from services.eventlog.database import ViewDatabase

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notification_deliveries (event_id TEXT NOT NULL, "
    "recipient TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, "
    "attempts INTEGER NOT NULL, updated_at TEXT NOT NULL, "
    "PRIMARY KEY (event_id, recipient))",
    "CREATE TABLE IF NOT EXISTS notification_outcomes (event_id TEXT NOT NULL, "
    "recipient TEXT NOT NULL, outcome TEXT NOT NULL, PRIMARY KEY (event_id, recipient))",
)
CLAIM = (
    "INSERT INTO notification_deliveries VALUES (:event, :recipient, :kind, 'sending', 0, :now) "
    "ON CONFLICT (event_id, recipient) DO UPDATE SET status = 'sending', "
    "updated_at = excluded.updated_at WHERE notification_deliveries.status <> 'sent' "
    "AND (notification_deliveries.status <> 'sending' "
    "OR notification_deliveries.updated_at < :stale) RETURNING status"
)


class Claim(Enum):
    """What a claim found: ours to send, sent already, or an attempt that may be running."""

    CLAIMED = "claimed"
    SENT = "sent"
    IN_FLIGHT = "in_flight"


def recipient_key(address: str) -> str:
    """A stable, address-free key for a recipient."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


def _stamp(moment: datetime) -> str:
    """Fixed-width UTC text, so stamps compare as strings."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


class DeliveryLog:
    def __init__(self, database: ViewDatabase) -> None:
        self.database = database
        with database.transaction() as cursor:
            for statement in SCHEMA:
                cursor.execute(statement)

    def claim(self, event_id: str, recipient: str, kind: str, timeout: float) -> Claim:
        """Write the intent to send, unless the mail was sent or an attempt is under way."""
        now = datetime.now(UTC)
        values = {"event": event_id, "recipient": recipient, "kind": kind, "now": _stamp(now)}
        values["stale"] = _stamp(now - timedelta(seconds=timeout))
        with self.database.transaction() as cursor:
            if cursor.execute(CLAIM, values).fetchone() is not None:
                return Claim.CLAIMED
            row = cursor.execute(
                "SELECT status FROM notification_deliveries WHERE event_id = :event "
                "AND recipient = :recipient",
                values,
            ).fetchone()
        return Claim.SENT if row is not None and row[0] == "sent" else Claim.IN_FLIGHT

    def record(
        self,
        event_id: str,
        recipient: str,
        kind: str,
        status: str,
        attempts: int,
        outcome: dict[str, Any] | None = None,
    ) -> None:
        """The outcome of an attempt; with `outcome`, also queue it for publication."""
        values = {
            "event": event_id,
            "recipient": recipient,
            "kind": kind,
            "status": status,
            "attempts": attempts,
            "now": _stamp(datetime.now(UTC)),
        }
        with self.database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO notification_deliveries VALUES (:event, :recipient, :kind, :status, "
                ":attempts, :now) ON CONFLICT (event_id, recipient) DO UPDATE SET "
                "status = excluded.status, attempts = excluded.attempts, "
                "updated_at = excluded.updated_at",
                values,
            )
            if outcome is not None:
                cursor.execute(
                    "INSERT INTO notification_outcomes VALUES (:event, :recipient, :outcome) "
                    "ON CONFLICT (event_id, recipient) DO UPDATE SET outcome = excluded.outcome",
                    {**values, "outcome": json.dumps(outcome)},
                )

    def unpublished(self, limit: int = 100) -> list[dict[str, Any]]:
        """Outcomes not yet acknowledged by the broker, oldest mails first."""
        with self.database.reading() as cursor:
            rows = cursor.execute(
                "SELECT outcome FROM notification_outcomes ORDER BY event_id, recipient "
                "LIMIT :limit",
                {"limit": limit},
            ).fetchall()
        return [json.loads(outcome) for (outcome,) in rows]

    def published(self, event_id: str, recipient: str) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(
                "DELETE FROM notification_outcomes WHERE event_id = :event "
                "AND recipient = :recipient",
                {"event": event_id, "recipient": recipient},
            )

    def counts(self) -> dict[str, int]:
        with self.database.transaction() as cursor:
            rows = cursor.execute(
                "SELECT status, COUNT(*) FROM notification_deliveries GROUP BY status"
            ).fetchall()
        return {str(status): int(count) for status, count in rows}
