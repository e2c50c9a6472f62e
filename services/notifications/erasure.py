"""Dropping an erased person from the mail side: outbox files and delivery-log keys."""

from __future__ import annotations

from email import message_from_bytes, policy
from pathlib import Path

from services.eventlog.database import ViewDatabase
from services.notifications.delivery import DeliveryLog, recipient_key


def purge_outbox(outbox: Path, subject: str, address: str | None) -> int:
    """Delete outbox mails about `subject` or addressed to `address`; answer how many."""
    if not outbox.is_dir():
        return 0
    removed = 0
    wanted = address.strip().lower() if address else None
    for path in outbox.glob("*.eml"):
        if subject in path.name or (wanted and _addressed_to(path, wanted)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _addressed_to(path: Path, address: str) -> bool:
    try:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
    except OSError:
        return False
    recipients = str(message.get("To", "")).lower()
    return address in recipients


def forget_recipient(database: ViewDatabase, address: str | None) -> int:
    """Replace the person's recipient key in the delivery log by a meaningless one.

    The rows stay (they say a mail of that event went out); the key that could be matched
    against a guessed address goes. Answers how many rows changed.
    """
    if not address:
        return 0
    DeliveryLog(database)  # creates the tables if this store never sent mail
    key = {"recipient": recipient_key(address)}
    with database.transaction() as cursor:
        cursor.execute("DELETE FROM notification_outcomes WHERE recipient = :recipient", key)
        cursor.execute(
            "UPDATE notification_deliveries SET recipient = 'erased:' || event_id "
            "WHERE recipient = :recipient",
            key,
        )
        return cursor.rowcount
