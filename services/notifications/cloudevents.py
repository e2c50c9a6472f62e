"""Events as CloudEvents 1.0 in Kafka's binary mode, with no personal data.

Value: the event's facts as JSON. Headers: ce_specversion, ce_id, ce_source, ce_type, ce_time,
ce_subject (aggregate id), ce_sequence (zero-padded position), ce_partitionkey (= the Kafka
key: the organisation the event is about) and the extension ce_aggregateversion.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from services.grants.app_base import as_plain

PERSONAL_OR_SECRET = {
    "name",
    "contact_email",
    "notification_email",
    "email",
    "sent_to",
    "token_hash",
    "confirmation_id",
    "code_id",
    "code_hash",
}
BOOKKEEPING = {"originator_id", "originator_version", "timestamp", "originator_topic"}


@dataclass(frozen=True)
class Message:
    """One Kafka record: key, JSON value and CloudEvents headers."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def event_id(aggregate_id: Any, version: int) -> str:
    """A stable id per stored event, the same on every redelivery."""
    return str(uuid5(NAMESPACE_URL, f"toegang:event/{aggregate_id}/{version}"))


def event_type(event: Any) -> str:
    """`Grant.Confirmed` → `toegang.grant.confirmed.v1`."""
    aggregate, _, name = type(event).__qualname__.partition(".")
    return f"toegang.{_snake(aggregate)}.{_snake(name)}.v1"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def public_data(event: Any) -> dict[str, Any]:
    """The event's facts without names, e-mail addresses, token material or bookkeeping."""
    data = {k: v for k, v in vars(event).items() if k not in BOOKKEEPING | PERSONAL_OR_SECRET}
    if isinstance(data.get("fiche"), dict):
        data["fiche"] = {k: v for k, v in data["fiche"].items() if k not in PERSONAL_OR_SECRET}
    return dict(as_plain(data))


def to_message(event: Any, position: int, origin: dict[str, str]) -> Message:
    """The Kafka record for a stored event; `origin` holds its platform and organisation."""
    key = origin["organisation"] or origin["platform"]
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id(event.originator_id, event.originator_version),
        "ce_source": f"/toegang/{origin['platform'] or 'global'}",
        "ce_type": event_type(event),
        "ce_time": event.timestamp.isoformat(),
        "ce_subject": str(event.originator_id),
        "ce_sequence": f"{position:020d}",
        "ce_partitionkey": key,
        "ce_aggregateversion": str(event.originator_version),
        "content-type": "application/json",
    }
    value = json.dumps(public_data(event), separators=(",", ":"), sort_keys=True).encode()
    return Message(key.encode(), value, [(k, v.encode()) for k, v in headers.items()])


def origin_of(first_event: Any) -> dict[str, str]:
    """Platform and organisation of an aggregate, read from its first event."""
    platform = getattr(first_event, "platform", None) or getattr(first_event, "slug", None)
    organisation = next(
        (
            getattr(first_event, f)
            for f in ("grantor", "organisation", "holder", "ref")
            if hasattr(first_event, f)
        ),
        None,
    )
    return {"platform": platform or "", "organisation": organisation or ""}
