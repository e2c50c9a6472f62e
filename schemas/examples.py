"""Example records: fixed field values run through the relay's own `to_message`.

Each event type's example is an instance of the real event class, built from the values below,
converted by `services.notifications.cloudevents.to_message`; so the examples in the schemas
and in the AsyncAPI document show what the relay really publishes (personal fields given here
are dropped by `to_message`, as they are on Kafka).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from prometheus_client import CollectorRegistry

from schemas.events import EventType, GeneratorError
from services.grants.domain.event_kind import origin_of
from services.notifications.cloudevents import Message, change_message, to_message
from services.notifications.loops import outcome_message
from services.notifications.notifier import Outcome
from services.projections.check import Decision
from services.projections.decision_log import DecisionLog, Entry, Pseudonyms, Sampling
from services.projections.examples import ACCESS_CHANGES_OUT
from services.projections.login import Reason

TIME = datetime(2025, 3, 3, 9, 30, 12, 345678, tzinfo=UTC)
DV = "urn:etoegang:DV:00000001003214345000:services"
PERSON = {
    "method": "eherkenning",
    "legal_subject": "kvk:12345678",
    "acting_subject": "NL:KVK:12345678:9f2c4e1ab7d3",
    "intermediary": None,
    "service_id": f"{DV}:2",
    "loa": "urn:etoegang:core:assurance-class:loa3",
}
SERVICE = {"method": "service", "client": "provider-admin"}
LINK = {"method": "confirmation_link", "client": "befrank-portal"}
MASTER = {"method": "credentials", "user_id": str(uuid5(NAMESPACE_URL, "toegang:example/master"))}
ACTORS = {
    "Grant": PERSON,
    "Grant.Confirmed": LINK,
    "Advisor.ClientLinked": PERSON,
    "PlatformUser.ProfileReplaced": MASTER,
    "PlatformUser.Revoked": MASTER,
}
FICHE = {
    "name": "An Peeters",
    "email": "an.peeters@example.be",
    "rights": "view",
    "contracts": ["PC-2024-0042"],
    "external": True,
    "assignment": "Payroll audit 2025",
    "valid_until": "2025-12-31",
    "language": "fr",
}
VALUES: dict[str, Any] = {
    "platform": "befrank-werkgeversportaal",
    "slug": "befrank-werkgeversportaal",
    "settings": {
        "name": "BeFrank werkgeversportaal",
        "login": ["eherkenning"],
        "min_loa": "EH3",
        "services": {f"{DV}:1": "employer_view", f"{DV}:2": "employer_edit", f"{DV}:3": "advisor"},
        "chain_authorisation": "sufficient",
        "locale": "nl",
    },
    "ref": "kvk:12345678",
    "name": "Bakkerij Jansen B.V.",
    "contact_email": "hr@bakkerij-jansen.example",
    "contract": "PC-2024-0042",
    "holder": "kvk:12345678",
    "covered": ["kvk:12345678", "kvk:23456789"],
    "organisation": "kvk:12345678",
    "licence": "AFM-12045678",
    "grantor": "kvk:12345678",
    "grantee": "kvk:87654321",
    "grant_id": str(uuid5(NAMESPACE_URL, "toegang:example/Grant")),
    "rights": "view",
    "basis": "advisor",
    "expires_at": TIME + timedelta(days=7),
    "at": TIME + timedelta(days=7),
    "confirmation_id": "5e" * 32,
    "token_hash": "a3" * 32,
    "sent_to": "hr@bakkerij-jansen.example",
    "reason": "advisor_licence_withdrawn",
    "reference": "EXT-2025-0042",
    "notification_email": "extranet@brouwerij-peeters.example",
    "signed_on": "2025-03-03",
    "previous": "EXT-2019-0007",
    "user_id": str(uuid5(NAMESPACE_URL, "toegang:example/PlatformUser")),
    "login": "0403170701-002",
    "number": 2,
    "agreement": "EXT-2025-0042",
    "fiche": FICHE,
    "is_master": False,
    "valid_until": "2025-12-31",
    "code_id": "c0" * 32,
    "code_hash": "d1" * 32,
    "subject": {"nl": "Nieuwe tarieven", "fr": "Nouveaux tarifs", "en": "New rates"},
    "body": {
        "nl": "Vanaf 1 april gelden nieuwe tarieven.",
        "fr": "De nouveaux tarifs s'appliquent à partir du 1er avril.",
        "en": "New rates apply from 1 April.",
    },
    "kind": "pension_fiche",
    "title": "Pensioenfiches 2024",
    "language": "fr",
}
CREDENTIAL_PLATFORM = {"platform": "ethias-extranet", "organisation": "kbo:0403170701"}
OVERRIDES: dict[str, dict[str, Any]] = {
    "Agreement": CREDENTIAL_PLATFORM,
    "AgreementRegister": CREDENTIAL_PLATFORM,
    "PlatformUser": CREDENTIAL_PLATFORM,
    "Announcement": CREDENTIAL_PLATFORM,
    "DocumentNotice": CREDENTIAL_PLATFORM,
    "PlatformUser.Revoked": {"reason": "left the company"},
}


@dataclass(frozen=True)
class Record:
    """A Kafka record as JSON: key, headers (decoded) and the value (parsed)."""

    key: str
    headers: dict[str, str]
    value: dict[str, Any]

    @classmethod
    def of(cls, message: Message) -> Record:
        return cls(
            message.key.decode(),
            {name: value.decode() for name, value in message.headers},
            json.loads(message.value),
        )

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "headers": self.headers, "value": self.value}


def _value(event: EventType, name: str) -> Any:
    aggregate = event.aggregate.__name__
    if name == "actor":
        return ACTORS.get(event.name, ACTORS.get(aggregate, SERVICE))
    for scope in (event.name, aggregate):
        if name in OVERRIDES.get(scope, {}):
            return OVERRIDES[scope][name]
    if name not in VALUES:
        raise GeneratorError(f"{event.name}.{name} has no example value in schemas/examples.py")
    return VALUES[name]


def example_event(event: EventType, version: int) -> Any:
    """An instance of the event class with the example values."""
    kwargs = {field.name: _value(event, field.name) for field in event.fields}
    if event.is_creation:
        kwargs["originator_topic"] = f"{event.aggregate.__module__}:{event.aggregate.__qualname__}"
    return event.cls(
        originator_id=uuid5(NAMESPACE_URL, f"toegang:example/{event.aggregate.__name__}"),
        originator_version=version,
        timestamp=TIME,
        **kwargs,
    )


def example_record(event: EventType, creation: EventType, position: int) -> Record:
    """The record the relay would publish for the example event at `position`."""
    origin = origin_of(example_event(creation, 1))
    version = 1 if event.is_creation else 2
    record = Record.of(to_message(example_event(event, version), position, origin))
    published = sorted(field.name for field in event.public_fields)
    if sorted(record.value) != published:
        raise GeneratorError(
            f"{event.name}: to_message publishes {sorted(record.value)}, the schema {published}"
        )
    return record


def example_outcome(status: str) -> Record:
    """An outcome record as the notifier publishes it (`failed` also goes to the DLQ)."""
    failed = status == "failed"
    outcome = Outcome(
        event_id=str(uuid5(NAMESPACE_URL, "toegang:event/example/3")),
        event_type="toegang.grant.confirmation_issued.v1",
        aggregate_id=str(UUID(VALUES["grant_id"])),
        version=3,
        kind="grant_confirmation",
        recipient="0f" * 16,
        status=status,
        attempts=6 if failed else 1,
        error="temporary: 451 4.3.0 mailbox temporarily unavailable" if failed else None,
    )
    return Record.of(outcome_message(outcome))


def example_change() -> Record:
    """The walk-through's revocation, as the change relay publishes it."""
    return Record.of(change_message(ACCESS_CHANGES_OUT["changes"][-1]))


def example_decision() -> dict[str, Any]:
    """A denied check as the decision log records it (the pseudonym under an example key)."""
    log = DecisionLog(
        sink=None,  # type: ignore[arg-type]  # only `record` is used
        pseudonyms=Pseudonyms(b"example decision key, not a real one"),
        chosen=Sampling("all"),
        registry=CollectorRegistry(),
    )
    question = SimpleNamespace(
        organisation="kvk:87654321", action="edit", actor=SimpleNamespace(**PERSON)
    )
    decision = Decision(allowed=False, reasons=[Reason("no_grant")])
    entry = Entry(TIME, VALUES["platform"], question, decision, 1042, "token:" + "5e" * 6)
    _, line = log.record(entry)
    value: dict[str, Any] = json.loads(line)
    return value
