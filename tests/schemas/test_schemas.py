"""The published contracts hold: files up to date, stored events valid, snapshot equal to the app.

Every event an in-memory application stores under hypothesis-generated commands is converted
by the relay's `to_message` and validated against its event schema and the message schema; the
schemas, the AsyncAPI document and the OpenAPI snapshot are what `python -m schemas.generate`
writes (so a change in events or API without regenerating them fails here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import yaml
from eventsourcing import domain
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from schemas import events, generate
from schemas.documents import OUTCOME_TYPES, mail_kinds
from schemas.events import GeneratorError, describe, event_types
from services.bootstrap.application import ToegangApplication
from services.grants.domain.event_kind import origin_of
from services.notifications.cloudevents import Message, to_message
from services.notifications.kafka import Topics
from services.notifications.loops import outcome_message
from services.notifications.mailers import MAILED_TYPES
from services.notifications.notifier import Outcome
from tests.schemas import commands as c

ROOT = generate.ROOT
EVENTS = generate.EVENTS_DIR
FORMATS = FormatChecker()
RUNS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339 date-time (jsonschema checks it only with an extra package installed)."""
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def schema_files() -> list[Path]:
    records = ("message.json", "outcome.json", "access_change.json", "decision.json")
    return [*sorted(EVENTS.glob("*.json")), *(ROOT / name for name in records)]


@cache
def registry() -> Registry[Any]:
    resources = [load(path) for path in schema_files()]
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in resources
    )


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, registry=registry(), format_checker=FORMATS)


def assert_valid(schema: dict[str, Any], instance: Any) -> None:
    errors = sorted(validator(schema).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, f"{schema.get('title')}: " + "; ".join(
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors
    )


@cache
def event_schema(ce_type: str) -> dict[str, Any]:
    path = EVENTS / f"{ce_type}.json"
    assert path.exists(), f"{ce_type} is published but has no schema file schemas/events/"
    return load(path)


def as_record(message: Message) -> dict[str, Any]:
    return {
        "key": message.key.decode(),
        "headers": {name: value.decode() for name, value in message.headers},
        "value": json.loads(message.value),
    }


def stored(app: ToegangApplication) -> Iterator[tuple[int, Any, dict[str, str]]]:
    """Every stored event with its log position and its aggregate's origin, in log order."""
    origins: dict[UUID, dict[str, str]] = {}
    for notification in app.store.recorder.select_notifications(start=1, limit=100_000):
        event: Any = app.store.mapper.to_domain_event(notification)
        if event.originator_id not in origins:
            first = next(iter(app.store.events.get(event.originator_id, lte=1)))
            origins[event.originator_id] = origin_of(first)
        assert notification.id is not None
        yield notification.id, event, origins[event.originator_id]


def check_published(app: ToegangApplication) -> set[str]:
    """Validate the record of every stored event; answer the ce_types seen."""
    message_schema = load(ROOT / "message.json")
    seen = set()
    for position, event, origin in stored(app):
        record = as_record(to_message(event, position, origin))
        ce_type = record["headers"]["ce_type"]
        assert_valid(event_schema(ce_type), record["value"])
        assert_valid(message_schema, record)
        assert record["key"] == record["headers"]["ce_partitionkey"]
        seen.add(ce_type)
    return seen


def run(harness: c.Harness, sequence: list[c.Command]) -> ToegangApplication:
    for command in sequence:
        harness.run(command)
    return harness.app


# (a) the committed files are what the generator writes


def test_generated_files_are_up_to_date() -> None:
    assert generate.differences(generate.outputs()) == [], "run `python -m schemas.generate`"


def test_every_schema_file_is_a_valid_2020_12_schema_whose_examples_validate() -> None:
    for path in schema_files():
        schema = load(path)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith(str(path.relative_to(ROOT)))
        assert schema["title"] and schema["description"]
        for example in schema.get("examples", []):
            assert_valid(schema, example)


def test_there_is_one_event_schema_per_event_class_and_no_other() -> None:
    names = {event.ce_type for event in event_types()}
    assert {path.stem for path in EVENTS.glob("*.json")} == names
    assert len(names) == len(event_types())


def test_event_schemas_are_closed_and_publish_nothing_personal() -> None:
    for path in EVENTS.glob("*.json"):
        schema = load(path)
        assert schema["additionalProperties"] is False, path.name
        forbidden = {"name", "email", "contact_email", "notification_email", "sent_to"}
        forbidden |= {"token_hash", "confirmation_id", "code_id", "code_hash"}
        assert not forbidden & set(schema["properties"]), path.name
        fiche = schema["properties"].get("fiche")
        assert fiche is None or not forbidden & set(fiche["properties"]), path.name


def test_the_generator_check_fails_on_a_changed_file() -> None:
    files = generate.contract_files()
    path = ROOT / "events" / "toegang.grant.confirmed.v1.json"
    changed = {**files, path: files[path].replace('"actor"', '"acteur"', 1)}
    assert generate.differences(changed) == ["events/toegang.grant.confirmed.v1.json: out of date"]
    assert generate.main(["events", "--check"]) == 0


def test_the_schemas_refuse_personal_data_and_a_value_of_another_type() -> None:
    schemas = {path.stem: load(path) for path in EVENTS.glob("*.json")}
    registered = schemas["toegang.organisation.registered.v1"]["examples"][0]
    with pytest.raises(AssertionError, match="contact_email"):
        assert_valid(
            schemas["toegang.organisation.registered.v1"],
            {**registered, "contact_email": "hr@example.org"},
        )
    message = load(ROOT / "message.json")
    example = asyncapi()["components"]["messages"]["toegang.grant.confirmed.v1"]["examples"][0]
    record = {"key": "kvk:12345678", "headers": example["headers"], "value": example["payload"]}
    assert_valid(message, record)
    with pytest.raises(AssertionError, match=r"'ref' was unexpected"):
        assert_valid(message, {**record, "value": registered})  # an Organisation.Registered value


class Toy(domain.Aggregate):
    @domain.event("Painted")
    def __init__(self, colour: str) -> None:
        self.colour = colour


def test_an_undescribed_event_or_field_stops_the_generator() -> None:
    painted = vars(Toy)["Painted"]
    with pytest.raises(GeneratorError, match=r"Toy\.Painted is recorded but not in the event"):
        describe(Toy, painted)
    colour = events.Field("colour", str, published=True)
    toy = events.EventType(Toy, painted, "toegang.toy.painted.v1", (colour,), "A toy was painted.")
    with pytest.raises(GeneratorError, match=r"Toy\.Painted\.colour is published but undocumented"):
        events.field_schema(toy, colour)


# (b) every event the application stores validates


@RUNS
@given(world=c.grant_worlds, sequence=c.sequences(c.grant_commands))
def test_grant_commands_publish_records_that_validate(
    world: c.GrantWorld, sequence: list[c.Command]
) -> None:
    check_published(run(world.build(), sequence))


@RUNS
@given(world=c.credential_worlds, sequence=c.sequences(c.credential_commands))
def test_credential_commands_publish_records_that_validate(
    world: c.CredentialWorld, sequence: list[c.Command]
) -> None:
    check_published(run(world.build(), sequence))


GRANT_STORY: list[c.Command] = [
    c.RequestGrant(1, "view", low_loa=False),  # advisor: Opened, Requested, …
    c.ConfirmGrant(0),
    c.ChangeRights(0, "edit"),
    c.RevokeGrant(0, "no longer our advisor"),
    c.RequestGrant(0, "view", low_loa=False),  # group company
    c.LetRequestsExpire(8),
    c.RequestGrant(1, "edit", low_loa=False),
    c.WithdrawLicence(),  # revokes the pending advisor grant
    c.RegisterAdvisor("AFM-2"),
    c.Reconfigure("requires_grant", "EH2", "fr"),
    c.UpdateOrganisation(0, "Nieuwe naam", "new@example.org"),
    c.AmendContract((2,), "C2"),  # the stranger in, the group company out
    c.RequestGrant(1, "view", low_loa=False, valid_for=20),  # the advisor again, with an end
    c.ConfirmGrant(0),
    c.ChangeRights(0, "view", valid_for=25),  # extended
    c.RemindGrantEnds(15),  # ten days before its end: EndReminderDue
    c.LetRequestsExpire(11),  # a day past its end: Expired
]
CREDENTIAL_STORY: list[c.Command] = [
    c.SignAgreement(0, "EXT-1", "a@example.org", 0),
    c.AppointMaster(0, "Meester", "m@example.org"),
    c.CreateUser(0, c.Fiche("An", "an@example.org", "view", True, True, 5)),
    c.ReplaceUser(1, c.Fiche("An", "an@example.org", "edit", False, True, 5, "fr")),
    c.ActivateCredentials(1),
    c.ReissueCredentials(1),
    c.LetUsersExpire(10),
    c.CreateUser(0, c.Fiche("Bert", "bert@example.org", "view", False, False, None)),
    c.RevokeUser(2, "left the company"),
    c.ForgetUser(2),
    c.SignAgreement(0, "EXT-1", "b@example.org", 0),
    c.SignAgreement(0, "EXT-1", "b@example.org", 0, "fr"),  # LanguageChanged
    c.SignAgreement(0, "EXT-2", "b@example.org", 1, "fr"),
    c.Announce(("nl", "fr"), "Nieuws"),
    c.PublishDocument(0, "invoice", "Factuur maart"),
]


def grant_world() -> c.Harness:
    return c.GrantWorld(
        "befrank",
        ("kvk:12345678", "kbo:0403170701", "kvk:87654321", "kvk:11112222"),
        "PC-1",
        "sufficient",
    ).build()


def credential_world() -> c.Harness:
    refs = ("kbo:0403170701", "kvk:12345678")
    return c.CredentialWorld("ethias", refs, "PC-1", False, with_masters=False).build()


def test_a_scripted_story_on_each_platform_reaches_every_event_type() -> None:
    grant_types = check_published(run(grant_world(), GRANT_STORY))
    credential_types = check_published(run(credential_world(), CREDENTIAL_STORY))
    legacy = {"toegang.advisor.client_linked.v1"}  # in older logs only: still described
    assert grant_types | credential_types | legacy == {path.stem for path in EVENTS.glob("*.json")}


def test_outcome_records_validate_on_both_topics() -> None:
    schema = load(ROOT / "outcome.json")
    record_schema = {"$ref": schema["$id"] + "#/$defs/record"}
    for mail_type in sorted(MAILED_TYPES):
        for kind in mail_kinds():
            for status, attempts, error in (("sent", 1, None), ("failed", 6, "temporary: 451")):
                outcome = Outcome(
                    "8e7d302b-1058-5d69-819d-653ffcbb17f8",
                    mail_type,
                    "d188a26c-81cb-52f9-b76c-61e0063c5153",
                    2,
                    kind,
                    "0f" * 16,
                    status,
                    attempts,
                    error,
                    extra={"not": "published"},
                )
                record = as_record(outcome_message(outcome))
                assert_valid(schema, record["value"])
                assert_valid(record_schema, record)
                assert record["headers"]["ce_type"] in OUTCOME_TYPES


# (c) the OpenAPI snapshot is the live app's


def test_openapi_snapshot_equals_the_live_app() -> None:
    snapshot = load(ROOT / "openapi.json")
    assert snapshot == generate.live_openapi(), "run `python -m schemas.generate openapi`"


# (d) the AsyncAPI document


def asyncapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "asyncapi.yaml").read_text("utf-8"))
    return document


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def resolve(document: dict[str, Any], ref: str) -> Any:
    """Follow a `#/…` or `./file#/…` reference from the AsyncAPI document."""
    location, _, pointer = ref.partition("#")
    node: Any = load(ROOT / location) if location else document
    for part in filter(None, pointer.split("/")):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_asyncapi_names_every_topic() -> None:
    document = asyncapi()
    assert document["asyncapi"] == "3.0.0"
    addresses = {channel["address"] for channel in document["channels"].values()}
    assert addresses == {*Topics().all, Topics().access, Topics().decisions}
    for operation in document["operations"].values():
        assert operation["action"] in ("send", "receive")
        channel = resolve(document, operation["channel"]["$ref"])
        for message in operation["messages"]:
            assert message["$ref"].startswith(operation["channel"]["$ref"] + "/messages/")
            assert resolve(document, message["$ref"]) in channel["messages"].values()


def test_asyncapi_references_every_event_schema_and_every_reference_resolves() -> None:
    document = asyncapi()
    all_refs = set(refs(document))
    for path in EVENTS.glob("*.json"):
        assert f"./events/{path.name}" in all_refs, path.name
    for ref in all_refs:
        assert resolve(document, ref) is not None, ref


def test_asyncapi_examples_validate_against_their_headers_and_payload() -> None:
    document = asyncapi()
    messages = document["components"]["messages"]
    derived = {"toegang.access.changed.v1", "decision"}
    events = {path.stem for path in EVENTS.glob("*.json")}
    assert set(messages) == events | set(OUTCOME_TYPES) | derived
    for name, message in messages.items():
        payload = resolve(document, message["payload"]["$ref"])
        assert message["examples"], name
        for example in message["examples"]:
            assert_valid(payload, example["payload"])
            if name == "decision":  # plain JSON records, without CloudEvents headers
                assert "headers" not in message and "headers" not in example
                continue
            assert example["headers"]["ce_type"] == name
            assert_valid(resolve(document, message["headers"]["$ref"]), example["headers"])
