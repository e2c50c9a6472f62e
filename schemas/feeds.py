"""The records of the derived topics: the access changes (`toegang.access.v1`) and the decision
log (`toegang.decisions.v1`), their JSON Schemas and their parts of the AsyncAPI document."""

from __future__ import annotations

from typing import Any

from schemas.events import BASE_URI, DIALECT, ORGANISATION, SLUG, UUID_STRING
from schemas.examples import Record
from services.grants import identifiers
from services.notifications.cloudevents import ACCESS_CHANGED
from services.notifications.kafka import Topics

Schema = dict[str, Any]
TOPICS = Topics()
RIGHTS: Schema = {"enum": ["view", "edit", None]}
KAFKA_BINDING = "0.5.0"

ACCESS_CHANGE_FIELDS: dict[str, Schema] = {
    "id": {**UUID_STRING, "description": "Stable per event and subject (equal to ce_id)."},
    "seq": {
        "type": "integer",
        "minimum": 0,
        "description": "Its place in log order: the cause's position × 65536 + its index "
        "among that event's changes. Pass the last one read as `after` to the HTTP feed.",
    },
    "platform": {**SLUG, "description": "The platform whose portal it is."},
    "organisation": {**ORGANISATION, "description": "Whose portal (the Kafka key)."},
    "subject": {
        "type": "object",
        "description": "Who may do less or more now: an organisation (a grantee, by its "
        "number) or a credential platform's user (by its id).",
        "properties": {
            "kind": {"enum": ["organisation", "user"]},
            "id": {"type": "string", "minLength": 1},
        },
        "required": ["kind", "id"],
        "additionalProperties": False,
    },
    "route": {"enum": ["grant", "user"], "description": "A route-B grant or a user fiche."},
    "rights_before": {**RIGHTS, "description": "What it had just before (null: no access)."},
    "rights_after": {**RIGHTS, "description": "What it has now (null: no access)."},
    "cause": {
        "type": "object",
        "description": "The event that changed it.",
        "properties": {
            "type": {
                "type": "string",
                "pattern": r"^toegang\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*$",
                "description": "Its ce_type on toegang.events.v1.",
            },
            "event_id": {**UUID_STRING, "description": "Its ce_id on toegang.events.v1."},
            "position": {"type": "integer", "minimum": 1, "description": "Its log position."},
        },
        "required": ["type", "event_id", "position"],
        "additionalProperties": False,
    },
    "at": {"type": "string", "format": "date-time", "description": "When the event was recorded."},
}

ACCESS_HEADERS: Schema = {
    "description": "CloudEvents 1.0 attributes in Kafka binary mode (`ce_` headers, UTF-8).",
    "type": "object",
    "properties": {
        "ce_specversion": {"const": "1.0"},
        "ce_id": {**UUID_STRING, "description": "The change's id: deduplicate on it."},
        "ce_source": {
            "type": "string",
            "pattern": f"^/toegang/{identifiers.SLUG.pattern}$",
            "description": "`/toegang/<platform>`.",
        },
        "ce_type": {"const": ACCESS_CHANGED},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "The subject's id."},
        "ce_sequence": {
            "type": "string",
            "pattern": "^[0-9]{20}$",
            "description": "The change's `seq`, zero-padded: sorts as text.",
        },
        "ce_partitionkey": {**ORGANISATION, "description": "Equal to the record's key."},
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
        "content-type",
    ],
}

DECISION_FIELDS: dict[str, Schema] = {
    "time": {"type": "string", "format": "date-time", "description": "When it was decided."},
    "platform": SLUG,
    "organisation": {**ORGANISATION, "description": "Whose data was asked for (the key)."},
    "action": {"enum": ["view", "edit"]},
    "allowed": {"type": "boolean"},
    "reasons": {
        "type": "array",
        "items": {"type": "string", "pattern": "^[a-z][a-z_]*$"},
        "description": "The reason codes of a denial (empty when allowed).",
    },
    "via": {"enum": ["own", "grant", "chain", "user", None], "description": "The route."},
    "position": {"type": "integer", "minimum": 0, "description": "The view's log position."},
    "caller": {
        "type": "string",
        "pattern": "^token:[0-9a-f]{12}$",
        "description": "The API token that asked, by a fingerprint of it.",
    },
    "subject": {
        "type": "string",
        "pattern": "^[0-9a-f]{32}$",
        "description": "The person logged in, as a keyed pseudonym (HMAC-SHA256 under the "
        "decision key, truncated): stable per person, not linkable without the key.",
    },
}


def _closed(properties: dict[str, Schema]) -> Schema:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def access_change_schema(example: Record) -> Schema:
    """The value of a record on toegang.access.v1 (the HTTP feed's items are the same)."""
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}access_change.json",
        "title": f"An access change on {TOPICS.access}",
        "description": (
            "One change of what a subject may do on an organisation's portal, computed from "
            "the access state before and after an event by the rules the check answers with. "
            "Numbers and ids only, no personal data. `GET /v1/platforms/{platform}/access/"
            "changes` pages the same records. $defs/record describes the whole Kafka record."
        ),
        **_closed(ACCESS_CHANGE_FIELDS),
        "examples": [example.value],
        "$defs": {
            "key": {**ORGANISATION, "description": "The organisation whose portal it is."},
            "headers": ACCESS_HEADERS,
            "record": _closed(
                {
                    "key": {"$ref": "#/$defs/key"},
                    "headers": {"$ref": "#/$defs/headers"},
                    "value": {"$ref": "#"},
                }
            ),
        },
    }


def decision_schema(example: dict[str, Any]) -> Schema:
    """The value of a record on toegang.decisions.v1, and a line of the decision file."""
    return {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}decision.json",
        "title": f"A decision on {TOPICS.decisions}",
        "description": (
            "One access check's decision (TOEGANG_DECISION_LOG), keyed by the organisation on "
            "Kafka, one JSON line in the `file` sink. No names or addresses; the subject is a "
            "keyed pseudonym. At most once: a batch the sink refuses is counted as dropped."
        ),
        **_closed(DECISION_FIELDS),
        "examples": [example],
    }


def channels(topic_binding: Schema) -> Schema:
    """The AsyncAPI channels of the two derived topics."""
    prefix = "A prefix (TOEGANG_KAFKA_TOPIC_PREFIX) may stand before the name."
    return {
        "accessChanges": {
            "address": TOPICS.access,
            "title": "Access changes",
            "description": (
                "Every change of what a subject may do on an organisation's portal, in log "
                "order per organisation (the key), at least once: deduplicate on ce_id. "
                f"{prefix}"
            ),
            "messages": {ACCESS_CHANGED: {"$ref": f"#/components/messages/{ACCESS_CHANGED}"}},
            "bindings": topic_binding,
        },
        "decisions": {
            "address": TOPICS.decisions,
            "title": "Decision log",
            "description": (
                "Each access check's decision when TOEGANG_DECISION_LOG_SINK is `kafka`, "
                f"keyed by organisation; plain JSON records without headers. {prefix}"
            ),
            "messages": {"decision": {"$ref": "#/components/messages/decision"}},
            "bindings": topic_binding,
        },
    }


def operations() -> Schema:
    """Who sends on the derived topics."""
    return {
        "relayAccessChanges": {
            "action": "send",
            "channel": {"$ref": "#/channels/accessChanges"},
            "title": "Relay the access changes",
            "summary": (
                "`toegang serve relay` publishes the changes the access view computed, in "
                "`seq` order, and records the last `seq` after the broker acknowledged."
            ),
            "messages": [{"$ref": f"#/channels/accessChanges/messages/{ACCESS_CHANGED}"}],
        },
        "logDecisions": {
            "action": "send",
            "channel": {"$ref": "#/channels/decisions"},
            "title": "Log decisions",
            "summary": "Every process that answers checks, in batches off the check's path.",
            "messages": [{"$ref": "#/channels/decisions/messages/decision"}],
        },
    }


def messages(change: Record, decision: dict[str, Any]) -> Schema:
    """The two messages, with their examples."""
    return {
        ACCESS_CHANGED: {
            "name": ACCESS_CHANGED,
            "title": "Access changed",
            "summary": "What a subject may do on an organisation's portal changed.",
            "contentType": "application/json",
            "headers": {"$ref": "./access_change.json#/$defs/headers"},
            "payload": {"$ref": "./access_change.json"},
            "bindings": {
                "kafka": {
                    "key": {"$ref": "./access_change.json#/$defs/key"},
                    "bindingVersion": KAFKA_BINDING,
                }
            },
            "examples": [{"name": "revoked", "headers": change.headers, "payload": change.value}],
        },
        "decision": {
            "name": "decision",
            "title": "Decision",
            "summary": "One access check's decision.",
            "contentType": "application/json",
            "payload": {"$ref": "./decision.json"},
            "bindings": {
                "kafka": {"key": {**ORGANISATION}, "bindingVersion": KAFKA_BINDING},
            },
            "examples": [{"name": "denied", "payload": decision}],
        },
    }
