"""Every operation of the client sends what schemas/openapi.json describes: an existing
method and path, a body valid against the operation's request schema, known query
parameters with valid values; and every /v1 operation of the contract has a method."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from toegang_client import CheckItem, Credentials, EHerkenning, Fiche
from toegang_client._call import Call
from toegang_client.ops import access, admin, audit, grants, users

CONTRACT = json.loads((Path(__file__).parents[3] / "schemas" / "openapi.json").read_text())
EMPLOYER = EHerkenning("kvk:12345678", "p", "urn:service", "urn:loa3", intermediary="kvk:87654321")
USER, ORG, KBO, P = Credentials("u-1"), "kvk:12345678", "kbo:0403019261", "befrank"
FICHE = Fiche("Jan", "jan@example.org", "view", ["G-1"], True, "Audit", date(2030, 6, 30))
AT = datetime(2026, 1, 1, tzinfo=UTC)
CALLS: list[Call[Any]] = [
    access.check(P, EMPLOYER, ORG, "view", contract="G-1", min_position=1),
    access.check_batch(P, [CheckItem(USER, KBO, "edit", "G-1")], min_position=1),
    access.portals(P, EMPLOYER, after=ORG, limit=10, min_position=1),
    access.advisor_clients(P, ORG, after=ORG, limit=10, min_position=1),
    access.organisation_grants(P, ORG, min_position=1),
    access.access_changes(P, after=1, limit=10, organisation=ORG, wait=0.5),
    grants.request_grant(P, EMPLOYER, ORG, "kvk:87654321", "view"),
    grants.request_grant(P, EMPLOYER, ORG, "kvk:87654321", "view", date(2030, 6, 30)),
    grants.confirm_grant("g.secret"),
    grants.change_rights("g-1", EMPLOYER, "edit"),
    grants.change_rights("g-1", EMPLOYER, "edit", date(2030, 6, 30)),
    grants.revoke_grant("g-1", EMPLOYER, "einde"),
    grants.get_grant("g-1"),
    admin.put_platform(P, name="B", login=["eherkenning"], services={"urn:s": "advisor"}),
    admin.put_organisation(ORG, name="W", contact_email="hr@example.org"),
    admin.put_contract(P, "PC-1", holder=ORG, name="R", covered=[KBO]),
    admin.register_advisor(P, ORG, licence="AFM-1"),
    admin.withdraw_licence(P, ORG),
    admin.announce(P, subject={"nl": "Nieuw"}, body={"nl": "Tekst", "fr": "Texte"}),
    admin.publish_document(P, KBO, kind="invoice", title="Factuur"),
    users.put_agreement(P, KBO, reference="E-1", notification_email="a@b.be", signed_on=AT.date()),
    users.put_master_user(P, KBO, name="Marie", email="marie@example.org"),
    users.create_user(P, KBO, USER, FICHE),
    users.replace_user(P, KBO, "u-2", USER, Fiche("Jan", "jan@example.org", "edit", "all")),
    users.revoke_user(P, KBO, "u-2", USER, "klaar"),
    users.new_access_code(P, KBO, "u-2", USER),
    users.list_users(P, KBO, "u-1", min_position=1),
    users.activate_code(P, "jan.peeters", "ABCD-EFGH-IJKL-MNOP"),
    audit.history(
        platform=P,
        organisation=ORG,
        grant="g",
        user="u",
        from_=AT,
        to=AT,
        after=3,
        limit=10,
        min_position=1,
    ),
    audit.access_at(P, ORG, AT, min_position=1),
    audit.verify(),
]


def operation(method: str, url: str) -> tuple[str, dict[str, Any]]:
    """The contract's path template and operation that `method url` is."""
    for template, operations in CONTRACT["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, url) and method.lower() in operations:
            return template, operations[method.lower()]
    raise AssertionError(f"{method} {url} is not in the contract")


def valid(schema: dict[str, Any], value: Any) -> None:
    Draft202012Validator({**schema, "components": CONTRACT["components"]}).validate(value)


@pytest.mark.parametrize("call", CALLS, ids=lambda call: f"{call.method} {call.path}")
def test_each_call_is_in_the_contract(call: Call[Any]) -> None:
    sent = call.request(None)
    _, described = operation(sent["method"], sent["url"])
    content = described.get("requestBody", {}).get("content", {}).get("application/json")
    assert ("json" in sent) == (content is not None)
    if content is not None:
        valid(content["schema"], sent["json"])
    parameters = {p["name"]: p for p in described.get("parameters", []) if p["in"] == "query"}
    assert set(sent["params"]) <= set(parameters)
    for name, value in sent["params"].items():
        schema = parameters[name]["schema"]
        kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
        number = int(value) if "integer" in kinds else float(value) if "number" in kinds else None
        valid(schema, value if number is None else number)


def test_every_operation_of_the_contract_has_a_method() -> None:
    covered = {operation(c.method, c.request(None)["url"])[0] + " " + c.method for c in CALLS}
    described = {
        f"{template} {method.upper()}"
        for template, operations in CONTRACT["paths"].items()
        for method in operations
        if template.startswith("/v1/")
    }
    assert described == covered
