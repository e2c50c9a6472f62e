"""Helpers of the access API tests: checks, portals, grants and worlds over HTTP."""

from __future__ import annotations

from typing import Any

import httpx

from tests.client import WRITER, allowed, check, head, portals_response, problem, put
from tests.conftest import Stack
from tests.mailbox import mailed_token
from tests.support import ADVISOR_SERVICE, EDIT_SERVICE, World, actor, random_kvk
from tests.world import build_world_http

LOA = "urn:etoegang:core:assurance-class:"
EIDAS = "http://eidas.europa.eu/LoA/"
FAR_AHEAD = 10**12  # a position no test log reaches


# ---------------------------------------------------------------- helpers


def world_at(client: httpx.Client, chain: str = "sufficient") -> tuple[World, int]:
    """A fresh random world and the log position once it is registered."""
    world = build_world_http(client, chain=chain)
    return world, head(client)


def portals_refused(
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
    stack: Stack, client: httpx.Client, world: World, *request: Any, **options: Any
) -> tuple[str, int]:
    """A grant requested (as `requested` takes it) and confirmed; its id and position."""
    grant_id, _ = requested(client, world, *request, **options)
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


def advisor_granted(
    stack: Stack, client: httpx.Client, rights: str = "view"
) -> tuple[World, str, int, dict[str, Any]]:
    """A fresh world whose employer granted its advisor `rights`, confirmed: the world, the
    grant id and position, and the advisor's login, whose check allows them."""
    world, _ = world_at(client)
    grant_id, position = active_grant(stack, client, world, world.advisor, rights)
    login = advisor_login(world)
    decision = check(client, world.platform, login, world.employer, rights, min_position=position)
    allowed(decision, rights, "grant")
    return world, grant_id, position, login
