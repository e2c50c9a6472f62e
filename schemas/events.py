"""The event types toegang publishes, found by introspection, and the JSON Schema of each value.

Every aggregate in `services.grants.domain` and every event class nested in it is found by
introspection; the fields come from the event class's `__init__` signature and type hints. The
published value is what `services.notifications.cloudevents.public_data` keeps: bookkeeping and
personal or secret fields are left out. Field names carry the refinements (patterns, enums,
formats) and descriptions below; a new event or a new published field without a description
stops the generator, so the contract never grows undocumented.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Union, get_args, get_origin, get_type_hints
from uuid import UUID

from eventsourcing.domain import Aggregate

import services.grants.domain as domain_package
from services.grants import identifiers
from services.grants.domain.actor import CAPABILITIES, LOA_NAMES
from services.grants.domain.base import RIGHTS
from services.grants.domain.catalogue import CATALOGUE
from services.grants.domain.document import DOCUMENT_KINDS
from services.grants.domain.event_kind import BOOKKEEPING, FICHE_PERSONAL
from services.grants.domain.platform import CHAIN_POLICIES, LOCALES, LOGIN_METHODS
from services.grants.domain.platform_user import FICHE_FIELDS

Schema = dict[str, Any]
BASE_URI = "https://toegang.example/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
EVENTS_TOPIC = "toegang.events.v1"


def _anchored(*patterns: str) -> str:
    return "^(?:" + "|".join(patterns) + ")$"


ORGANISATION: Schema = {
    "type": "string",
    "pattern": _anchored(identifiers.KVK.pattern, identifiers.KBO.pattern),
}
SLUG: Schema = {"type": "string", "pattern": _anchored(identifiers.SLUG.pattern)}
REFERENCE: Schema = {"type": "string", "pattern": _anchored(identifiers.REFERENCE.pattern)}
UUID_STRING: Schema = {"type": "string", "format": "uuid"}
LANGUAGES: Schema = {
    "type": "object",
    "propertyNames": {"enum": list(LOCALES)},
    "additionalProperties": {"type": "string", "minLength": 1},
    "minProperties": 1,
}
PLATFORM_SETTINGS: Schema = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "The portal's display name."},
        "login": {
            "type": "array",
            "items": {"enum": list(LOGIN_METHODS)},
            "minItems": 1,
            "description": "The login methods the portal accepts.",
        },
        "min_loa": {"enum": list(LOA_NAMES), "description": "The minimum eHerkenning LoA."},
        "services": {
            "type": "object",
            "additionalProperties": {"enum": list(CAPABILITIES)},
            "description": "eHerkenning service id → the capability a login with it gives.",
        },
        "chain_authorisation": {
            "enum": list(CHAIN_POLICIES),
            "description": "How the portal treats an eHerkenning chain authorisation.",
        },
        "locale": {"enum": list(LOCALES), "description": "The portal's language for mail."},
    },
    "required": ["name", "login", "min_loa", "services", "chain_authorisation", "locale"],
    "additionalProperties": False,
}
PUBLIC_FICHE: Schema = {
    "type": "object",
    "properties": {
        "rights": {"enum": list(RIGHTS)},
        "contracts": {
            "anyOf": [
                {"const": "all"},
                {"type": "array", "items": REFERENCE, "minItems": 1},
            ],
            "description": "`all`, or the contract references the user may see.",
        },
        "external": {"type": "boolean", "description": "An external consultant."},
        "assignment": {
            "type": ["string", "null"],
            "description": "An external consultant's assignment.",
        },
        "valid_until": {
            "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
            "description": "The last day of the user's access (required when external).",
        },
        "language": {
            "enum": [*LOCALES, None],
            "description": (
                "The language the person reads (their access-code mail's); null or absent "
                "(fiches recorded before it existed): not known, the platform's locale applies."
            ),
        },
    },
    "required": ["rights", "contracts", "external", "assignment", "valid_until"],
    "additionalProperties": False,
}
ACTOR: Schema = {
    "description": (
        "Who did it. An eHerkenning person is the pair legal_subject and acting_subject (a "
        "pseudonym, never a name); a service or person at the provider is its API client; a "
        "confirmation is the confirmation link used through an API client; a credential "
        "platform's master user is its user id."
    ),
    "oneOf": [
        {
            "title": "eHerkenning",
            "type": "object",
            "properties": {
                "method": {"const": "eherkenning"},
                "legal_subject": ORGANISATION,
                "acting_subject": {"type": "string", "minLength": 1},
                "intermediary": {"anyOf": [ORGANISATION, {"type": "null"}]},
                "service_id": {"type": "string", "minLength": 1},
                "loa": {"type": "string", "minLength": 1},
            },
            "required": [
                "method",
                "legal_subject",
                "acting_subject",
                "intermediary",
                "service_id",
                "loa",
            ],
            "additionalProperties": False,
        },
        {
            "title": "service",
            "type": "object",
            "properties": {"method": {"const": "service"}, "client": {"type": "string"}},
            "required": ["method", "client"],
            "additionalProperties": False,
        },
        {
            "title": "confirmation link",
            "type": "object",
            "properties": {
                "method": {"const": "confirmation_link"},
                "client": {"type": "string"},
            },
            "required": ["method", "client"],
            "additionalProperties": False,
        },
        {
            "title": "credential-platform user",
            "type": "object",
            "properties": {"method": {"const": "credentials"}, "user_id": UUID_STRING},
            "required": ["method", "user_id"],
            "additionalProperties": False,
        },
    ],
}

FIELDS: dict[str, tuple[str, Schema]] = {
    "actor": ("Who did it.", {"$ref": "#/$defs/actor"}),
    "platform": ("The platform's slug.", SLUG),
    "slug": ("The platform's slug.", SLUG),
    "settings": ("The platform's complete login settings.", PLATFORM_SETTINGS),
    "ref": ("The organisation: `kvk:` and 8 digits or `kbo:` and 10 digits.", ORGANISATION),
    "organisation": ("The organisation the event is about (`kvk:…` or `kbo:…`).", ORGANISATION),
    "contract": ("The contract's reference on the platform.", REFERENCE),
    "holder": ("The organisation that holds the contract.", ORGANISATION),
    "covered": (
        "Every organisation the contract covers, the holder first.",
        {"type": "array", "items": ORGANISATION, "minItems": 1},
    ),
    "licence": ("The advisor's licence reference.", REFERENCE),
    "grantor": ("The employer that gives access to its portal.", ORGANISATION),
    "grantee": ("The organisation that receives access.", ORGANISATION),
    "grant_id": ("The grant (its aggregate id).", UUID_STRING),
    "rights": ("`view` or `edit` (`edit` includes `view`).", {"enum": list(RIGHTS)}),
    "basis": (
        "Why the grantee may receive a grant: a licensed `advisor`, or a `group_company` "
        "under one of the grantor's contracts.",
        {"enum": ["advisor", "group_company"]},
    ),
    "expires_at": (
        "When the mailed link or access code stops working.",
        {"type": "string", "format": "date-time"},
    ),
    "at": ("When the confirmation link ran out.", {"type": "string", "format": "date-time"}),
    "reason": ("Why the access ended.", {"type": "string", "minLength": 1}),
    "reference": ("The agreement's reference.", REFERENCE),
    "signed_on": ("The day the agreement was signed.", {"type": "string", "format": "date"}),
    "previous": ("The reference of the agreement this one supersedes.", REFERENCE),
    "user_id": ("The platform user (its aggregate id).", UUID_STRING),
    "login": (
        "The user's login: the organisation number's digits, a dash, a sequence number.",
        {"type": "string", "pattern": "^[0-9]{8}(?:[0-9]{2})?-[0-9]{3,}$"},
    ),
    "number": ("The user's sequence number in the organisation.", {"minimum": 1}),
    "agreement": ("The reference of the agreement the user falls under.", REFERENCE),
    "fiche": ("The user fiche, without the person's name and e-mail address.", PUBLIC_FICHE),
    "is_master": ("Whether the user is the organisation's master user.", {}),
    "valid_until": ("The last day of the user's access.", {"type": "string", "format": "date"}),
    "subject": ("The subject per language (`nl`, `fr`, `en`).", LANGUAGES),
    "body": ("The text per language (`nl`, `fr`, `en`).", LANGUAGES),
    "kind": ("What became available.", {"enum": list(DOCUMENT_KINDS)}),
    "title": ("The documents' title.", {"type": "string", "minLength": 1}),
    "language": (
        "The language the organisation reads its notices in; null: not known, the platform's "
        "locale applies.",
        {"enum": list(LOCALES)},
    ),
}

ADDED_LATER: dict[str, tuple[str, ...]] = {
    "Agreement.Signed": ("language",),
    "Agreement.Superseded": ("language",),
}
"""Fields added to an event type after it was first published, by event (`Grant.Revoked`).

Records already on the topic lack them, so the schema lists them but does not require them
(an additive change, README.md: Versioning). Name a field here when you add it.
"""


class GeneratorError(Exception):
    """The code and the contract's description disagree; the message says what to add."""


@dataclass(frozen=True)
class Field:
    name: str
    hint: Any
    published: bool


@dataclass(frozen=True)
class EventType:
    """One published event type: its class, `ce_type` and fields (in `__init__` order)."""

    aggregate: type[Aggregate]
    cls: type[Aggregate.Event]
    ce_type: str
    fields: tuple[Field, ...]
    about: str

    @property
    def name(self) -> str:
        return self.cls.__qualname__

    @property
    def is_creation(self) -> bool:
        return issubclass(self.cls, Aggregate.Created)

    @property
    def public_fields(self) -> list[Field]:
        return [field for field in self.fields if field.published]

    @property
    def class_version(self) -> int:
        return int(getattr(self.cls, "class_version", 1))


def aggregates() -> list[type[Aggregate]]:
    """Every aggregate class defined in a module of `services.grants.domain`."""
    found: list[type[Aggregate]] = []
    for info in sorted(pkgutil.iter_modules(domain_package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{domain_package.__name__}.{info.name}")
        found.extend(
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Aggregate)
            and value.__module__ == module.__name__
        )
    return found


def event_types() -> list[EventType]:
    """Every event type the domain records, sorted by `ce_type`."""
    found = [
        describe(aggregate, cls)
        for aggregate in aggregates()
        for cls in vars(aggregate).values()
        if _is_recorded_event(aggregate, cls)
    ]
    return sorted(found, key=lambda event: event.ce_type)


def _is_recorded_event(aggregate: type[Aggregate], value: object) -> bool:
    """A nested event class the aggregate records (not its base or unused default classes)."""
    if not isinstance(value, type) or not issubclass(value, aggregate.Event):
        return False
    if value is aggregate.Event:
        return False
    implicit = value.__name__ == "Created" and not vars(value).get("__annotations__")
    return not implicit


def describe(aggregate: type[Aggregate], cls: type[Aggregate.Event]) -> EventType:
    try:
        kind = CATALOGUE.of_class(cls)
    except KeyError:
        raise GeneratorError(
            f"{cls.__qualname__} is recorded but not in the event catalogue: add it to "
            "services/grants/domain/catalogue_*.py"
        ) from None
    hints = get_type_hints(cls)
    parameters = inspect.signature(cls.__init__).parameters
    fields = tuple(
        Field(name, hints[name], name not in kind.unpublished)
        for name in parameters
        if name != "self" and name not in BOOKKEEPING
    )
    return EventType(aggregate, cls, kind.type, fields, kind.about)


def type_schema(hint: Any) -> Schema:
    """The JSON Schema of a field's Python type, as `as_plain` writes it."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        options = [type_schema(arg) for arg in args if arg is not type(None)]
        nullable = type(None) in args
        return {"anyOf": [*options, {"type": "null"}]} if nullable else {"anyOf": options}
    if origin is list:
        return {"type": "array", "items": type_schema(args[0])}
    if origin is dict:
        values = type_schema(args[1])
        return {"type": "object", "additionalProperties": values} if values else {"type": "object"}
    simple: dict[Any, Schema] = {
        bool: {"type": "boolean"},
        int: {"type": "integer"},
        float: {"type": "number"},
        str: {"type": "string"},
        datetime: {"type": "string", "format": "date-time"},
        date: {"type": "string", "format": "date"},
        UUID: {"type": "string", "format": "uuid"},
        Any: {},
    }
    if hint in simple:
        return dict(simple[hint])
    raise GeneratorError(f"no JSON Schema for the type {hint!r}; add it to schemas/events.py")


def field_schema(event: EventType, field: Field) -> Schema:
    """The field's schema: its type, refined by what the field's name means."""
    if field.name not in FIELDS:
        raise GeneratorError(
            f"{event.name}.{field.name} is published but undocumented: add it to FIELDS in "
            "schemas/events.py (or to its entry's personal or secret fields in the event "
            "catalogue if it must not be published)"
        )
    description, refinement = FIELDS[field.name]
    base = type_schema(field.hint)
    nullable = "anyOf" in base and {"type": "null"} in base["anyOf"]
    if nullable:
        options = [option for option in base["anyOf"] if option != {"type": "null"}]
        base = options[0] if len(options) == 1 else {"anyOf": options}
    kind = base.get("type")
    if "type" in refinement and refinement["type"] != kind:
        raise GeneratorError(
            f"{event.name}.{field.name} is {kind} in the code but {refinement['type']} in FIELDS"
        )
    refined = {**base, **refinement} if "$ref" not in refinement else dict(refinement)
    if nullable:
        refined = {"anyOf": [refined, {"type": "null"}]}
    return {"description": description, **refined}


def event_schema(event: EventType, example: dict[str, Any]) -> Schema:
    """The JSON Schema (2020-12) of one event type's published value."""
    properties = {field.name: field_schema(event, field) for field in event.public_fields}
    schema: Schema = {
        "$schema": DIALECT,
        "$id": f"{BASE_URI}events/{event.ce_type}.json",
        "title": f"{event.name} ({event.ce_type})",
        "description": (
            f"{event.about} The value of a `{event.ce_type}` record on "
            f"{EVENTS_TOPIC}: the event's facts as JSON, without personal data, token "
            "material or bookkeeping (those are the record's headers)."
        ),
        "x-toegang-event-class": f"{event.cls.__module__}:{event.name}",
        "x-toegang-class-version": event.class_version,
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in ADDED_LATER.get(event.name, ())],
        "additionalProperties": False,
        "examples": [example],
    }
    if any(field.name == "actor" for field in event.public_fields):
        schema["$defs"] = {"actor": ACTOR}
    return schema


def check_added_later(events: list[EventType]) -> None:
    """Every field named in ADDED_LATER is a published field of that event."""
    published = {event.name: {f.name for f in event.public_fields} for event in events}
    for name, added in ADDED_LATER.items():
        unknown = set(added) - published.get(name, set())
        if unknown:
            raise GeneratorError(
                f"ADDED_LATER names {name}.{sorted(unknown)}, which is not published"
            )


def check_fiche_fields() -> None:
    """The public fiche schema names exactly the fiche fields that are published."""
    personal = {path.removeprefix("fiche.") for path in FICHE_PERSONAL}
    published = [name for name in FICHE_FIELDS if name not in personal]
    if sorted(published) != sorted(PUBLIC_FICHE["properties"]):
        raise GeneratorError(
            f"the fiche's published fields are {published}; update PUBLIC_FICHE in "
            "schemas/events.py"
        )
