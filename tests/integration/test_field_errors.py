"""Every 422 names its field(s) in `errors[]`, each with a message for people in the request's
language (nl, en, fr): schema errors in a body, a path or a query, a body that is not JSON,
and the refusals of use cases that know their field (issue 14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.support import random_kvk
from tests.world import build_world_http

Case = tuple[str, str, str, dict[str, Any], dict[str, str], list[list[str]]]
"""(what, method, path, httpx options, headers, locations the errors must name)."""


def schema_cases(client: httpx.Client) -> list[Case]:
    """Bodies, paths and queries the schemas refuse."""
    kvk, slug = random_kvk(), cred.credential_platform(client)
    bad_platform = {"name": "", "login": ["sms"], "min_loa": "EH9", "colour": "blauw"}
    json = {**api.ADMIN, "Content-Type": "application/json"}
    return [
        ("platform body", "PUT", f"/v1/platforms/{slug}", {"json": bad_platform}, api.ADMIN,
         [["body", "name"], ["body", "login", "0"], ["body", "min_loa"], ["body", "colour"]]),
        ("not JSON", "PUT", f"/v1/organisations/{kvk}", {"content": b'{"name": '}, json,
         [["body"]]),
        ("not an object", "PUT", f"/v1/organisations/{kvk}", {"json": [1, 2]}, api.ADMIN,
         [["body"]]),
        ("too long", "PUT", f"/v1/organisations/{kvk}",
         {"json": {"name": "x" * 201, "contact_email": "a@example.be"}}, api.ADMIN,
         [["body", "name"]]),
        ("path", "PUT", "/v1/organisations/kvk:ABC",
         {"json": {"name": "X", "contact_email": "a@example.be"}}, api.ADMIN,
         [["path", "organisation"]]),
        ("query", "GET", "/v1/audit/history", {"params": {"organisation": "kvk:1", "limit": 0}},
         api.AUDITOR, [["query", "organisation"], ["query", "limit"]]),
        ("instant", "GET", "/v1/audit/history", {"params": {"from": "gisteren"}}, api.AUDITOR,
         [["query", "from"]]),
        ("range", "GET", "/v1/audit/history",
         {"params": {"from": "2026-03-02T00:00Z", "to": "2026-03-01T00:00Z"}}, api.AUDITOR,
         [["query", "from"], ["query", "to"]]),
        ("no body", "POST", f"/v1/platforms/{slug}/access/check", {}, api.READER, [["body"]]),
    ]  # fmt: skip


def credential_cases(client: httpx.Client, stack: Stack) -> list[Case]:
    """Refusals of the credential platforms' use cases (and their identifier checks)."""
    site, other = cred.new_site(client), cred.eherkenning_platform(client)
    today = stack.clock().date()
    agreement = {
        "reference": "EXT-1",
        "notification_email": cred.address("l"),
        "signed_on": "2025-01-15",
    }
    bad_kbo = (
        f"/v1/platforms/{site.platform}/organisations/{cred.bad_check_digit(site.organisation)}"
    )
    external = cred.fiche(external=True, assignment=None)
    past = cred.fiche(valid_until=today - timedelta(days=1))
    outside = cred.fiche(contracts=[cred.unique("GRP")])
    users = f"{site.base}/users"
    return [
        ("check digit", "PUT", f"{bad_kbo}/agreement", {"json": agreement}, api.ADMIN,
         [["path", "organisation"]]),
        ("reference", "PUT", f"{site.base}/agreement",
         {"json": {**agreement, "reference": "EXT 1!"}}, api.ADMIN, [["body", "reference"]]),
        ("address", "PUT", f"{site.base}/agreement",
         {"json": {**agreement, "notification_email": "geen-adres"}}, api.ADMIN,
         [["body", "notification_email"]]),
        ("platform mismatch", "PUT",
         f"/v1/platforms/{other}/organisations/{site.organisation}/agreement",
         {"json": agreement}, api.ADMIN, [["path", "platform"]]),
        ("master address", "PUT", f"{site.base}/master-user",
         {"json": {"name": "M", "email": "a@@b"}}, api.ADMIN, [["body", "email"]]),
        ("external fiche", "POST", users, {"json": {"actor": site.master, **external}},
         api.USERS, [["body", "assignment"], ["body", "valid_until"]]),
        ("fiche in the past", "POST", users, {"json": {"actor": site.master, **past}},
         api.USERS, [["body", "valid_until"]]),
        ("contracts", "POST", users, {"json": {"actor": site.master, **outside}}, api.USERS,
         [["body", "contracts"]]),
        ("fiche address", "POST", users,
         {"json": {"actor": site.master, **cred.fiche(email="geen-adres")}}, api.USERS,
         [["body", "email"]]),
    ]  # fmt: skip


def grant_cases(client: httpx.Client) -> list[Case]:
    """Refusals of grant requests that name the organisation at fault."""
    world = build_world_http(client)
    path = f"/v1/platforms/{world.platform}/grants"
    asked = {"grantor": world.employer, "rights": "view", "actor": world.employer_actor()}
    return [
        ("grantee is grantor", "POST", path, {"json": {**asked, "grantee": world.employer}},
         api.WRITER, [["body", "grantor"], ["body", "grantee"]]),
        ("advisor unknown", "POST", path, {"json": {**asked, "grantee": world.stranger}},
         api.WRITER, [["body", "grantee"]]),
        ("holder", "PUT", f"/v1/platforms/{world.platform}/contracts/{cred.unique('GRP')}",
         {"json": {"holder": "kvk:1", "name": "G"}}, api.ADMIN, [["body", "holder"]]),
    ]  # fmt: skip


def messages_in(client: httpx.Client, case: Case, language: str) -> dict[str, str]:
    """The 422's errors as location → message, asked in `language`; each entry complete."""
    what, method, path, options, headers, _ = case
    answer = client.request(
        method, path, headers={**headers, "Accept-Language": language}, **options
    )
    body = api.problem(answer, 422, answer.json().get("code", ""), echoes_status=False)
    assert answer.headers["content-language"] == language, what
    assert body["errors"], (what, body)
    for error in body["errors"]:
        assert error["location"] and isinstance(error["message"], str), (what, error)
        assert error["message"].strip().endswith((".", ")")), (what, error)
    return {"/".join(e["location"]): e["message"] for e in body["errors"]}


def test_every_422_names_its_fields_in_the_request_language(
    stack: Stack, client: httpx.Client
) -> None:
    cases = [*schema_cases(client), *credential_cases(client, stack), *grant_cases(client)]
    for case in cases:
        said = {language: messages_in(client, case, language) for language in ("nl", "en", "fr")}
        assert said["nl"].keys() == said["en"].keys() == said["fr"].keys(), case[0]
        for location in case[5]:
            assert "/".join(location) in said["en"], (case[0], said["en"])
        for where, english in said["en"].items():
            assert said["nl"][where] != english and said["fr"][where] != english, (case[0], said)


def test_a_body_that_is_not_json_is_placed_at_its_line_and_column(client: httpx.Client) -> None:
    answer = client.put(
        f"/v1/organisations/{random_kvk()}",
        content=b'{"name": "X",\n "contact_email": }',
        headers={**api.ADMIN, "Content-Type": "application/json", "Accept-Language": "nl"},
    )
    body = api.problem(answer, 422, "invalid_request", echoes_status=False)
    assert body["errors"] == [
        {"location": ["body"], "message": "De body is geen geldige JSON (regel 2, kolom 19)."}
    ]


def test_details_are_written_for_people_with_the_facts_of_the_refusal(
    client: httpx.Client,
) -> None:
    unknown = client.get("/v1/platforms/onbekend-platform/organisations/kvk:12345678/grants",
                         headers={**api.READER, "Accept-Language": "en"})  # fmt: skip
    assert api.problem(unknown, 404, "not_found")["detail"] == (
        "Platform onbekend-platform is not known."
    )
    scope = client.put(
        f"/v1/organisations/{random_kvk()}",
        json={"name": "X", "contact_email": "a@example.be"},
        headers={**api.READER, "Accept-Language": "nl"},
    )
    detail = api.problem(scope, 403, "insufficient_scope")["detail"]
    assert detail.startswith("Dit endpoint vraagt een token met een van deze scopes: "), detail


def test_an_identifier_of_one_kind_is_named_in_the_detail(client: httpx.Client) -> None:
    answer = client.put(
        "/v1/platforms/Geen_Portaal",
        json={"name": "X", "login": ["eherkenning"]},
        headers={**api.ADMIN, "Accept-Language": "fr"},
    )
    body = api.problem(answer, 422, "invalid_identifier", echoes_status=False)
    assert body["detail"] == "Le nom de la plateforme n'est pas valide."
    assert [e["location"] for e in body["errors"]] == [["path", "platform"]]
