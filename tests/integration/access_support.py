"""Helpers of the access API tests: checks, portals, grants and worlds over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import Stack
from tests.mailbox import mailed_token
from tests.support import (
    ADVISOR_SERVICE,
    EDIT_SERVICE,
    World,
    actor,
    random_kvk,
)
from tests.world import WRITER, build_world_http, put

PROBLEM = "application/problem+json"
READER = {"Authorization": "Bearer reader-token"}
LOA = "urn:etoegang:core:assurance-class:"
EIDAS = "http://eidas.europa.eu/LoA/"
CHECK_KEYS = {"allowed", "rights", "via", "reasons", "position"}
FAR_AHEAD = 2**62


# ---------------------------------------------------------------- helpers


def head(client: httpx.Client) -> int:
    """The last position in the event log, as /readyz reports it."""
    answer = client.get("/readyz")
    position: int = answer.json()["checks"]["store"]["position"]
    return position


def world_at(client: httpx.Client, chain: str = "sufficient") -> tuple[World, int]:
    """A fresh random world and the log position once it is registered."""
    world = build_world_http(client, chain=chain)
    return world, head(client)


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["remedy"]
    return body


def check_response(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    organisation: str,
    action: str = "view",
    *,
    contract: str | None = None,
    min_position: int | None = None,
    language: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"actor": who, "organisation": organisation, "action": action}
    if contract is not None:
        body["contract"] = contract
    if min_position is not None:
        body["min_position"] = min_position
    headers = dict(READER)
    if language is not None:
        headers["Accept-Language"] = language
    return client.post(f"/v1/platforms/{platform}/access/check", json=body, headers=headers)


def check(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    organisation: str,
    action: str = "view",
    *,
    contract: str | None = None,
    min_position: int | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """A check that must answer 200 with exactly the documented shape."""
    answer = check_response(
        client,
        platform,
        who,
        organisation,
        action,
        contract=contract,
        min_position=min_position,
        language=language,
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    body: dict[str, Any] = answer.json()
    assert set(body) == CHECK_KEYS
    assert isinstance(body["position"], int)
    if min_position is not None:
        assert body["position"] >= min_position
    for reason in body["reasons"]:
        assert set(reason) == {"code", "message", "remedy"}
        assert reason["message"] and reason["remedy"]
    assert body["allowed"] is (body["reasons"] == [])
    return body


def codes(decision: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in decision["reasons"]]


def allowed(decision: dict[str, Any], rights: str, via: str) -> None:
    assert decision["allowed"] is True, decision
    assert (decision["rights"], decision["via"], decision["reasons"]) == (rights, via, [])


def denied(
    decision: dict[str, Any], reasons: list[str], rights: str | None = None, via: str | None = None
) -> None:
    assert decision["allowed"] is False, decision
    assert codes(decision) == reasons, decision
    assert (decision["rights"], decision["via"]) == (rights, via), decision


def portals_response(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    min_position: int | None = None,
    language: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"actor": who}
    if min_position is not None:
        body["min_position"] = min_position
    headers = dict(READER)
    if language is not None:
        headers["Accept-Language"] = language
    return client.post(f"/v1/platforms/{platform}/access/portals", json=body, headers=headers)


def portals(
    client: httpx.Client, platform: str, who: dict[str, Any], min_position: int | None = None
) -> list[tuple[str, str, str]]:
    """The portals a login opens, as (organisation, rights, via), in the answer's order."""
    answer = portals_response(client, platform, who, min_position)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) == {"portals", "next_after", "position"}
    if min_position is not None:
        assert body["position"] >= min_position
    return [(p["organisation"], p["rights"], p["via"]) for p in body["portals"]]


def refused(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    code: str,
    min_position: int | None = None,
) -> dict[str, Any]:
    """A portals call whose login is refused: 403 problem with the refusal code."""
    body = problem(portals_response(client, platform, who, min_position), 403, code)
    assert body["reasons"][0]["code"] == code
    assert isinstance(body["position"], int)
    return body


def requested(
    client: httpx.Client,
    world: World,
    grantee: str,
    rights: str = "view",
    grantor: str | None = None,
) -> tuple[str, int]:
    """Request a grant (as the grantor's own employer_edit login); its id and position."""
    by = grantor or world.employer
    answer = client.post(
        f"/v1/platforms/{world.platform}/grants",
        json={"grantor": by, "grantee": grantee, "rights": rights, "actor": actor(by)},
        headers=WRITER,
    )
    assert answer.status_code == 202, answer.text
    return answer.json()["grant_id"], answer.json()["position"]


def confirmed(stack: Stack, client: httpx.Client, grant_id: str, mails: int = 1) -> int:
    """Confirm a grant with the token from its newest confirmation mail; the position."""
    token = mailed_token(stack.settings.outbox_dir, grant_id, mails)
    answer = client.post("/v1/grants/confirm", json={"token": token}, headers=WRITER)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "active"
    position: int = answer.json()["position"]
    return position


def active_grant(
    stack: Stack,
    client: httpx.Client,
    world: World,
    grantee: str,
    rights: str = "view",
    grantor: str | None = None,
) -> tuple[str, int]:
    grant_id, _ = requested(client, world, grantee, rights, grantor)
    return grant_id, confirmed(stack, client, grant_id)


def revoked(client: httpx.Client, world: World, grant_id: str, grantor: str | None = None) -> int:
    answer = client.post(
        f"/v1/grants/{grant_id}/revoke",
        json={"actor": actor(grantor or world.employer), "reason": "einde opdracht"},
        headers=WRITER,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "revoked"
    position: int = answer.json()["position"]
    return position


def new_employer(client: httpx.Client, world: World, covered: tuple[str, ...] = ()) -> str:
    """Another employer on the world's platform, with a contract of its own."""
    employer = random_kvk()
    put(
        client,
        f"/v1/organisations/{employer}",
        {"name": f"Werkgever {employer}", "contact_email": f"hr-{employer[4:]}@example.org"},
    )
    put(
        client,
        f"/v1/platforms/{world.platform}/contracts/C-{employer[4:]}",
        {"holder": employer, "covered": list(covered), "name": "Regeling"},
    )
    return employer


def new_advisor(client: httpx.Client, world: World) -> str:
    advisor = random_kvk()
    put(
        client,
        f"/v1/organisations/{advisor}",
        {"name": f"Adviseur {advisor}", "contact_email": f"adv-{advisor[4:]}@example.org"},
    )
    put(client, f"/v1/platforms/{world.platform}/advisors/{advisor}", {"licence": "AFM-2"})
    return advisor


def advisor_login(world: World, legal_subject: str | None = None) -> dict[str, Any]:
    return actor(legal_subject or world.advisor, service=ADVISOR_SERVICE)


def chain_login(world: World, service: str = EDIT_SERVICE) -> dict[str, Any]:
    """A person of the advisor acting for the employer through a ketenmachtiging."""
    return actor(world.employer, service=service, intermediary=world.advisor, person="keten-1")
