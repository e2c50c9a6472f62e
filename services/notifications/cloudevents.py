"""Events as CloudEvents 1.0 in Kafka's binary mode, with no personal data.

Value: the event's facts as JSON. Headers: ce_specversion, ce_id, ce_source, ce_type, ce_time,
ce_subject (aggregate id), ce_sequence (zero-padded position), ce_partitionkey (= the Kafka
key: the organisation the event is about) and the extension ce_aggregateversion.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from services.eventlog.event_ids import event_id
from services.grants.app_base import as_plain
from services.grants.domain.catalogue import CATALOGUE
from services.grants.domain.event_kind import BOOKKEEPING


@dataclass(frozen=True)
class Message:
    """One Kafka record: key, JSON value and CloudEvents headers."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


def event_type(event: Any) -> str:
    """The type it is published under: `toegang.grant.confirmed.v1`."""
    return CATALOGUE.of(event).type


def public_data(event: Any) -> dict[str, Any]:
    """The event's facts without names, e-mail addresses, token material or bookkeeping."""
    facts = {k: v for k, v in vars(event).items() if k not in BOOKKEEPING}
    return dict(as_plain(CATALOGUE.of(event).published(facts)))


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


ACCESS_CHANGED = "toegang.access.changed.v1"


def change_message(record: dict[str, Any]) -> Message:
    """The Kafka record for an access change (`record` as the HTTP feed gives it), keyed by
    its organisation; `ce_id` is the change's id, `ce_sequence` its `seq`."""
    headers = {
        "ce_specversion": "1.0",
        "ce_id": record["id"],
        "ce_source": f"/toegang/{record['platform']}",
        "ce_type": ACCESS_CHANGED,
        "ce_time": record["at"],
        "ce_subject": record["subject"]["id"],
        "ce_sequence": f"{record['seq']:020d}",
        "ce_partitionkey": record["organisation"],
        "content-type": "application/json",
    }
    value = json.dumps(record, separators=(",", ":"), sort_keys=True).encode()
    return Message(
        record["organisation"].encode(), value, [(k, v.encode()) for k, v in headers.items()]
    )
