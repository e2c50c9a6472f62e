"""The delivery log: one row per (event, recipient), checked before sending, written after.

Recipients are stored as a hash, so the log holds no address. The window that remains: a
crash after the SMTP server accepted a mail and before its row is written sends that mail
again on restart; the mail keeps its Message-ID, so receivers can recognise the repeat.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from services.projections.db import ViewDatabase

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS notification_deliveries (event_id TEXT NOT NULL, "
    "recipient TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, "
    "attempts INTEGER NOT NULL, updated_at TEXT NOT NULL, "
    "PRIMARY KEY (event_id, recipient))"
)


def recipient_key(address: str) -> str:
    """A stable, address-free key for a recipient."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]


class DeliveryLog:
    def __init__(self, database: ViewDatabase) -> None:
        self.database = database
        with database.transaction() as cursor:
            cursor.execute(SCHEMA)

    def was_sent(self, event_id: str, recipient: str) -> bool:
        with self.database.transaction() as cursor:
            row = cursor.execute(
                "SELECT status FROM notification_deliveries WHERE event_id = :event "
                "AND recipient = :recipient",
                {"event": event_id, "recipient": recipient},
            ).fetchone()
        return row is not None and row[0] == "sent"

    def record(self, event_id: str, recipient: str, kind: str, status: str, attempts: int) -> None:
        with self.database.transaction() as cursor:
            cursor.execute(
                "INSERT INTO notification_deliveries VALUES (:event, :recipient, :kind, :status, "
                ":attempts, :now) ON CONFLICT (event_id, recipient) DO UPDATE SET "
                "status = excluded.status, attempts = excluded.attempts, "
                "updated_at = excluded.updated_at",
                {
                    "event": event_id,
                    "recipient": recipient,
                    "kind": kind,
                    "status": status,
                    "attempts": attempts,
                    "now": datetime.now(UTC).isoformat(),
                },
            )

    def counts(self) -> dict[str, int]:
        with self.database.transaction() as cursor:
            rows = cursor.execute(
                "SELECT status, COUNT(*) FROM notification_deliveries GROUP BY status"
            ).fetchall()
        return {str(status): int(count) for status, count in rows}
