"""The record schemas (event messages, outcomes) and the AsyncAPI 3.0 document of the topics."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import services.notifications
from schemas import feeds
from schemas.events import (
    BASE_URI,
    DIALECT,
    ORGANISATION,
    SLUG,
    UUID_STRING,
    EventType,
    GeneratorError,
)
from schemas.examples import Record
from services.grants import identifiers
from services.notifications.kafka import Topics
from services.notifications.mailers import MAILED_TYPES
from services.notifications.notifier import Outcome
from services.settings import Settings

Schema = dict[str, Any]
KAFKA_BINDING = "0.5.0"
TOPICS = Topics()
TEMPLATES = Path(services.notifications.__file__).parent / "templates" / "en"
OUTCOME_TYPES = ("toegang.notification.sent.v1", "toegang.notification.failed.v1")
PARTITIONS = Settings.model_fields["kafka_partitions"].default

KEY: Schema = {
    "description": (
        "The Kafka key: the organisation the event is about, or the platform's slug for "
        "platform-wide events. Equal to the ce_partitionkey header, so every event about one "
        "organisation lands on one partition, in log order."
    ),
    "anyOf": [ORGANISATION, SLUG],
}
EVENT_HEADERS: Schema = {
    "description": (
        "CloudEvents 1.0 attributes in Kafka binary mode (`ce_` headers, UTF-8). Brokers or "
        "tracing may add further headers; consumers ignore headers they do not know."
    ),
    "type": "object",
    "properties": {
        "ce_specversion": {"const": "1.0"},
        "ce_id": {
            **UUID_STRING,
            "description": "Stable per stored event (the same on every redelivery): "
            "deduplicate on it.",
        },
        "ce_source": {
            "type": "string",
            "pattern": f"^/toegang/(?:global|{identifiers.SLUG.pattern})$",
            "description": "`/toegang/<platform>`, or `/toegang/global` for organisations.",
        },
        "ce_type": {
            "type": "string",
            "pattern": r"^toegang\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*$",
            "description": "`toegang.<aggregate>.<event>.v<N>`: names the value's schema, "
            "events/<ce_type>.json.",
        },
        "ce_time": {
            "type": "string",
            "format": "date-time",
            "description": "When the event was recorded.",
        },
        "ce_subject": {**UUID_STRING, "description": "The aggregate (stream) id."},
        "ce_sequence": {
            "type": "string",
            "pattern": "^[0-9]{20}$",
            "description": "The event's position in the log, zero-padded: sorts as text.",
        },
        "ce_partitionkey": {**KEY, "description": "Equal to the record's key."},
        "ce_aggregateversion": {
            "type": "string",
            "pattern": "^[1-9][0-9]*$",
            "description": "The event's version within its aggregate (1 for the first).",
        },
        "content-type": {"const": "application/json"},
    },
    "required": [
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_time",
        "ce_subject",
        "ce_sequence",
        "ce_partitionkey",
        "ce_aggregateversion",
        "content-type",
    ],
}


def message_schema(events: list[EventType]) -> Schema:
    """A record on toegang.events.v1: key, headers, and a value chosen by `ce_type`."""
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}message.json",
        "title": f"A record on {TOPICS.events}",
        "description": (
            "One stored event as a CloudEvents 1.0 record in Kafka's binary mode, written as "
            "JSON: the key and the headers as UTF-8 strings, the value as the parsed JSON "
            "body. The value's schema is events/<ce_type>.json; a ce_type without a schema "
            "here is a newer event type (additive), which consumers may skip."
        ),
        "type": "object",
        "properties": {
            "key": {"$ref": "#/$defs/key"},
            "headers": {"$ref": "#/$defs/headers"},
            "value": {"type": "object"},
        },
        "required": ["key", "headers", "value"],
        "additionalProperties": False,
        "allOf": [
            {
                "if": {
                    "properties": {
                        "headers": {
                            "properties": {"ce_type": {"const": e.ce_type}},
                            "required": ["ce_type"],
                        }
                    },
                    "required": ["headers"],
                },
                "then": {"properties": {"value": {"$ref": f"events/{e.ce_type}.json"}}},
            }
            for e in events
        ],
        "$defs": {"key": KEY, "headers": EVENT_HEADERS},
    }


def mail_kinds() -> list[str]:
    return sorted(path.stem for path in TEMPLATES.glob("*.subject"))


OUTCOME_FIELDS: dict[str, Schema] = {
    "event_id": {**UUID_STRING, "description": "The ce_id of the event the mail was about."},
    "event_type": {"enum": sorted(MAILED_TYPES), "description": "The ce_type of that event."},
    "aggregate_id": {**UUID_STRING, "description": "The ce_subject of that event."},
    "version": {
        "type": "integer",
        "minimum": 1,
        "description": "The ce_aggregateversion of that event.",
    },
    "kind": {"enum": mail_kinds(), "description": "Which mail."},
    "recipient": {
        "type": "string",
        "pattern": "^[0-9a-f]{32}$",
        "description": "A stable key of the recipient's address (a hash, never the address).",
    },
    "status": {"enum": ["sent", "failed"], "description": "`failed`: after the last attempt."},
    "attempts": {"type": "integer", "minimum": 1, "description": "Delivery attempts made."},
    "error": {
        "type": ["string", "null"],
        "description": "The last failure (`temporary: …` or `permanent: …`), or null.",
    },
}
OUTCOME_HEADERS: Schema = {
    "description": "CloudEvents 1.0 attributes in Kafka binary mode (`ce_` headers, UTF-8).",
    "type": "object",
    "properties": {
        "ce_specversion": {"const": "1.0"},
        "ce_id": {
            "type": "string",
            "pattern": "^[0-9a-f-]{36}\\.[0-9a-f]{32}$",
            "description": "`<event ce_id>.<recipient>`: one outcome per mail.",
        },
        "ce_source": {"const": "/toegang/notifications"},
        "ce_type": {"enum": list(OUTCOME_TYPES)},
        "ce_subject": {**UUID_STRING, "description": "The ce_id of the event."},
        "ce_partitionkey": {**UUID_STRING, "description": "The aggregate id; the record key."},
        "content-type": {"const": "application/json"},
    },
    "required": [
        "ce_specversion",
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_subject",
        "ce_partitionkey",
        "content-type",
    ],
}


def outcome_schema(example_sent: Record, example_failed: Record) -> Schema:
    """The value of a record on the notifications topic and its dead-letter topic."""
    names = [field.name for field in fields(Outcome) if field.name != "extra"]
    if sorted(names) != sorted(OUTCOME_FIELDS):
        raise GeneratorError(f"Outcome has fields {names}; update OUTCOME_FIELDS")
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}outcome.json",
        "title": f"A mail outcome on {TOPICS.outcomes} and {TOPICS.dlq}",
        "description": (
            "What happened to one mail the notifier sent about an event, without the address. "
            f"Every outcome goes to {TOPICS.outcomes}; a failed one (after the last attempt "
            f"or a permanent refusal) also to {TOPICS.dlq}, from where `toegang "
            "notifications dlq retry` delivers it again. $defs/record describes the whole "
            "record (key and headers)."
        ),
        "type": "object",
        "properties": {name: OUTCOME_FIELDS[name] for name in names},
        "required": names,
        "additionalProperties": False,
        "examples": [example_sent.value, example_failed.value],
        "$defs": {
            "key": {**UUID_STRING, "description": "The aggregate id of the event."},
            "headers": OUTCOME_HEADERS,
            "record": {
                "type": "object",
                "properties": {
                    "key": {"$ref": "#/$defs/key"},
                    "headers": {"$ref": "#/$defs/headers"},
                    "value": {"$ref": "#"},
                },
                "required": ["key", "headers", "value"],
                "additionalProperties": False,
            },
        },
    }


def _event_message(event: EventType, record: Record) -> Schema:
    return {
        "name": event.ce_type,
        "title": event.name,
        "summary": event.about,
        "contentType": "application/json",
        "headers": {"$ref": "./message.json#/$defs/headers"},
        "payload": {"$ref": f"./events/{event.ce_type}.json"},
        "correlationId": {
            "description": "The aggregate the event belongs to.",
            "location": "$message.header#/ce_subject",
        },
        "bindings": {
            "kafka": {"key": {"$ref": "./message.json#/$defs/key"}, "bindingVersion": KAFKA_BINDING}
        },
        "examples": [{"name": event.name, "headers": record.headers, "payload": record.value}],
    }


def _outcome_message(ce_type: str, record: Record) -> Schema:
    status = ce_type.split(".")[2]
    return {
        "name": ce_type,
        "title": f"Mail {status}",
        "summary": f"One mail about an event was {status}.",
        "contentType": "application/json",
        "headers": {"$ref": "./outcome.json#/$defs/headers"},
        "payload": {"$ref": "./outcome.json"},
        "correlationId": {
            "description": "The event the mail was about (its ce_id).",
            "location": "$message.header#/ce_subject",
        },
        "bindings": {
            "kafka": {"key": {"$ref": "./outcome.json#/$defs/key"}, "bindingVersion": KAFKA_BINDING}
        },
        "examples": [{"name": status, "headers": record.headers, "payload": record.value}],
    }


def _topic_binding() -> Schema:
    """Partitions of the topics toegang creates itself (TOEGANG_KAFKA_PARTITIONS)."""
    return {"kafka": {"partitions": PARTITIONS, "bindingVersion": KAFKA_BINDING}}


def _refs(channel: str, names: list[str]) -> list[Schema]:
    return [{"$ref": f"#/channels/{channel}/messages/{name}"} for name in names]


def _channels(event_names: list[str]) -> Schema:
    prefix = "A prefix (TOEGANG_KAFKA_TOPIC_PREFIX) may stand before the name."
    return {
        "events": {
            "address": TOPICS.events,
            "title": "Events",
            "description": (
                "Every stored event, in log order, keyed by the organisation it is about "
                f"(at least once: deduplicate on ce_id). {prefix}"
            ),
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in event_names},
            "bindings": _topic_binding(),
        },
        "notifications": {
            "address": TOPICS.outcomes,
            "title": "Mail outcomes",
            "description": f"What happened to each mail, without addresses. {prefix}",
            "messages": {n: {"$ref": f"#/components/messages/{n}"} for n in OUTCOME_TYPES},
            "bindings": _topic_binding(),
        },
        "deadLetters": {
            "address": TOPICS.dlq,
            "title": "Dead letters",
            "description": (
                "Mail that failed after the last attempt; `toegang notifications dlq list` "
                f"shows it and `toegang notifications dlq retry` delivers it again. {prefix}"
            ),
            "messages": {OUTCOME_TYPES[1]: {"$ref": f"#/components/messages/{OUTCOME_TYPES[1]}"}},
            "bindings": _topic_binding(),
        },
    }


def _operations(event_names: list[str]) -> Schema:
    group = Settings.model_fields["kafka_group"].default
    return {
        "relayEvents": {
            "action": "send",
            "channel": {"$ref": "#/channels/events"},
            "title": "Relay the log",
            "summary": (
                "`toegang serve relay` publishes every stored event (idempotent producer, "
                "acks=all) and advances its position only after the broker acknowledged."
            ),
            "messages": _refs("events", event_names),
        },
        "notifyAboutEvents": {
            "action": "receive",
            "channel": {"$ref": "#/channels/events"},
            "title": "Turn events into mail",
            "summary": (
                "`toegang serve notifications`, a member of a consumer group, mails about "
                "the event types listed here and skips the others."
            ),
            "messages": _refs("events", sorted(MAILED_TYPES)),
            "bindings": {
                "kafka": {
                    "groupId": {"type": "string", "default": group},
                    "bindingVersion": KAFKA_BINDING,
                }
            },
        },
        "publishOutcomes": {
            "action": "send",
            "channel": {"$ref": "#/channels/notifications"},
            "title": "Report mail outcomes",
            "messages": _refs("notifications", list(OUTCOME_TYPES)),
        },
        "publishDeadLetters": {
            "action": "send",
            "channel": {"$ref": "#/channels/deadLetters"},
            "title": "Dead-letter failed mail",
            "messages": _refs("deadLetters", [OUTCOME_TYPES[1]]),
        },
    }


def asyncapi_document(
    events: list[EventType],
    records: dict[str, Record],
    outcomes: dict[str, Record],
    derived: tuple[Record, dict[str, Any]],
) -> Schema:
    """The AsyncAPI 3.0 document of the topics: the log, the mail outcomes and dead letters,
    and the derived ones (access changes, decisions; `derived` holds their examples)."""
    names = [event.ce_type for event in events]
    messages = {event.ce_type: _event_message(event, records[event.ce_type]) for event in events}
    for ce_type in OUTCOME_TYPES:
        messages[ce_type] = _outcome_message(ce_type, outcomes[ce_type])
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "toegang events, notifications, access changes and decisions",
            "version": "1.0.0",
            "description": (
                "The topics through which toegang publishes its event log, the outcomes of "
                "its mail, the access changes computed from the log and, when enabled, its "
                "decision log. Every record but a decision is a CloudEvents 1.0 event in "
                "Kafka's binary mode: "
                "`ce_` headers, the key equal to ce_partitionkey, and a JSON value without "
                "personal data (names, addresses and token material stay in the event "
                "store). Schemas are JSON Schema 2020-12 files next to this document; "
                "versioning rules are in README.md there. Generated by "
                "`python -m schemas.generate`."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "kafka": {
                "host": "{bootstrap}",
                "protocol": "kafka",
                "description": "The brokers of TOEGANG_KAFKA_BOOTSTRAP.",
                "variables": {"bootstrap": {"default": "localhost:9092"}},
            }
        },
        "channels": {**_channels(names), **feeds.channels(_topic_binding())},
        "operations": {**_operations(names), **feeds.operations()},
        "components": {"messages": {**messages, **feeds.messages(*derived)}},
    }
