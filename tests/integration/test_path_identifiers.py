"""Identifiers in paths are checked as bodies check them: a malformed organisation number or
platform name gets 422 `invalid_identifier` naming the path parameter, on every route that
has one (read from the app's own routes), and nothing is appended to the log."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from services.bootstrap import create_app
from services.settings import Settings
from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.support import TOKENS, actor

BAD = {
    "platform": "Geen Portaal!",
    "organisation": "kvk:ABC",
    "grant_id": "' OR '1'='1",
    "user_id": "0000",
    "contract": "G 2024 001!",
}
GOOD = {
    "platform": "testportaal",
    "organisation": "kvk:12345678",
    "user_id": "00000000-0000-4000-8000-000000000000",
    "grant_id": "00000000-0000-4000-8000-000000000000",
    "contract": "PC-1",
}


def routes_with(parameter: str, tmp_path: Path) -> list[tuple[str, str, bool, bool]]:
    """(method, path, has a body, asks only its path) of every operation with `parameter` in
    its path, from the app's own OpenAPI document (a new route is checked without a list)."""
    document = create_app(Settings(data_dir=tmp_path), TOKENS).openapi()
    found = []
    for template, operations in document["paths"].items():
        if f"{{{parameter}}}" not in template:
            continue
        path = template.format(**{**GOOD, parameter: quote(BAD[parameter], safe="")})
        for method, operation in operations.items():
            body = "requestBody" in operation
            asks = [p for p in operation.get("parameters", ()) if p["in"] != "path"]
            only_path = not body and not any(p.get("required") for p in asks)
            found.append((method.upper(), path, body, only_path))
    return found


def answer_as_allowed(
    client: httpx.Client, method: str, path: str, has_body: bool
) -> httpx.Response:
    """The answer to the first token whose scope the route admits (scopes come first)."""
    for token in TOKENS:
        answer = client.request(
            method, path, headers=api.bearer(token), json={} if has_body else None
        )
        if answer.status_code not in (401, 403):
            return answer
    raise AssertionError(f"no token is admitted by {method} {path}")


@pytest.mark.parametrize("parameter", sorted(BAD))
def test_a_malformed_path_identifier_is_refused_on_every_route(
    stack: Stack, client: httpx.Client, tmp_path: Path, parameter: str
) -> None:
    routes = routes_with(parameter, tmp_path)
    assert len(routes) >= {"platform": 15, "organisation": 5, "grant_id": 3, "user_id": 3}.get(
        parameter, 1
    )
    for method, path, has_body, only_path in routes:
        before = api.head(client)
        answer = answer_as_allowed(client, method, path, has_body)
        assert answer.status_code == 422, (method, path, answer.text)
        body = answer.json()
        assert ["path", parameter] in [error["location"] for error in body["errors"]], body
        if only_path:
            assert body["code"] == "invalid_identifier", (method, path, body)
        cred.nothing_appended(stack, client, before)


def test_the_same_number_is_refused_alike_in_a_path_and_in_a_body(client: httpx.Client) -> None:
    in_path = client.get(
        "/v1/platforms/testportaal/organisations/kvk:ABC/grants", headers=api.READER
    )
    question = {"actor": actor("kvk:12345678"), "organisation": "kvk:ABC", "action": "view"}
    in_body = client.post(
        "/v1/platforms/testportaal/access/check", headers=api.READER, json=question
    )
    found = [(a.status_code, a.json()["code"], a.json()["errors"]) for a in (in_path, in_body)]
    (path_status, path_code, path_errors), (body_status, body_code, body_errors) = found
    assert (path_status, path_code) == (body_status, body_code) == (422, "invalid_identifier")
    assert [e["location"] for e in path_errors] == [["path", "organisation"]]
    assert [e["location"] for e in body_errors] == [["body", "organisation"]]
    assert path_errors[0]["message"] == body_errors[0]["message"]
