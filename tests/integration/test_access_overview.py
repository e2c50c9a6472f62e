"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores:
overviews, advisor clients and scopes.

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import World, actor, random_kvk, random_slug
from tests.world import sweep_until

# ---------------------------------------------------------------- 6. overview, clients, scopes


def test_employer_overview_given_and_received(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    late = access.new_advisor(client, world)
    expired_id, _ = access.requested(client, world, late, "view")
    stack.clock.advance(timedelta(days=8))
    active_id, _ = access.active_grant(stack, client, world, world.advisor, "edit")
    pending_id, _ = access.requested(client, world, world.group, "view")
    api.put(
        client, f"/v1/platforms/{world.platform}/advisors/{world.stranger}", {"licence": "AFM-9"}
    )
    revoked_id, _ = access.active_grant(stack, client, world, world.stranger, "view")
    position = access.revoked(client, world, revoked_id)

    body = api.read(
        client, f"/v1/platforms/{world.platform}/organisations/{world.employer}/grants", position
    )
    assert set(body) == {"organisation", "name", "covered", "given", "received", "position"}
    assert (body["organisation"], body["name"], body["covered"]) == (
        world.employer,
        f"Organisatie {world.employer}",
        True,
    )
    assert body["received"] == []
    given = {g["grant_id"]: g for g in body["given"]}
    assert [g["grant_id"] for g in body["given"]] == [expired_id, active_id, pending_id, revoked_id]
    assert {k: (g["grantee"], g["rights"], g["status"]) for k, g in given.items()} == {
        expired_id: (late, "view", "expired"),
        active_id: (world.advisor, "edit", "active"),
        pending_id: (world.group, "view", "pending"),
        revoked_id: (world.stranger, "view", "revoked"),
    }
    for summary in body["given"]:
        assert summary["grantor"] == world.employer
        assert summary["grantor_name"] == f"Organisatie {world.employer}"
        assert summary["requested_at"] and summary["expires_at"]
    assert given[expired_id]["grantee_name"] == f"Adviseur {late}"
    assert given[active_id]["grantee_name"] == f"Organisatie {world.advisor}"
    assert given[active_id]["active_since"] and given[active_id]["ended_at"] is None
    assert given[pending_id]["active_since"] is None
    assert given[revoked_id]["ended_at"] and given[revoked_id]["end_reason"] == "einde opdracht"

    renamed = api.put(
        client,
        f"/v1/organisations/{world.advisor}",
        {"name": "Adviesbureau Nieuw", "contact_email": f"contact-{world.advisor[4:]}@example.org"},
    )
    received = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.advisor}/grants",
        params={"min_position": renamed["position"]},
        headers=api.READER,
    ).json()
    assert received["name"] == "Adviesbureau Nieuw"
    assert received["received"][0]["grantee_name"] == "Adviesbureau Nieuw"
    assert (received["covered"], received["given"]) == (False, [])
    assert [(g["grantor"], g["status"]) for g in received["received"]] == [
        (world.employer, "active")
    ]
    group = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.group}/grants", headers=api.READER
    ).json()
    assert group["covered"] is True
    assert [(g["grant_id"], g["status"]) for g in group["received"]] == [(pending_id, "pending")]
    nobody = client.get(
        f"/v1/platforms/{world.platform}/organisations/{random_kvk()}/grants", headers=api.READER
    ).json()
    assert (nobody["name"], nobody["covered"], nobody["given"], nobody["received"]) == (
        None,
        False,
        [],
        [],
    )


def test_advisor_clients_and_licence_withdrawal(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    pending_employer = access.new_employer(client, world)
    revoked_employer = access.new_employer(client, world)
    active_id, _ = access.active_grant(stack, client, world, world.advisor, "edit")
    pending_id, _ = access.requested(client, world, world.advisor, "view", grantor=pending_employer)
    gone_id, _ = access.active_grant(stack, client, world, world.advisor, grantor=revoked_employer)
    position = access.revoked(client, world, gone_id, grantor=revoked_employer)
    path = f"/v1/platforms/{world.platform}/advisors/{world.advisor}/clients"
    body = api.read(client, path, position)
    assert set(body) == {"advisor", "name", "licensed", "clients", "next_after", "position"}
    assert (body["advisor"], body["name"], body["licensed"]) == (
        world.advisor,
        f"Organisatie {world.advisor}",
        True,
    )
    clients = {c["grantor"]: c for c in body["clients"]}
    assert [c["grantor"] for c in body["clients"]] == sorted(clients)  # by organisation number
    assert [(g, clients[g]["status"], clients[g]["rights"]) for g in clients] == sorted(
        [(world.employer, "active", "edit"), (pending_employer, "pending", "view")]
    )
    assert clients[pending_employer]["grant_id"] == pending_id
    assert clients[pending_employer]["grantor_name"] == f"Werkgever {pending_employer}"
    assert body["next_after"] is None

    withdrawn = client.delete(
        f"/v1/platforms/{world.platform}/advisors/{world.advisor}", headers=api.ADMIN
    )
    assert withdrawn.status_code == 200, withdrawn.text
    after = client.get(
        path, params={"min_position": withdrawn.json()["position"]}, headers=api.READER
    ).json()
    assert (after["licensed"], after["clients"]) == (False, [])  # before the sweeper revokes
    app = stack.app
    ended = (active_id, pending_id)
    sweep_until(
        app,
        stack.settings,
        lambda: all(app.grants.get_grant(g)["status"] == "revoked" for g in ended),
    )
    swept = max(app.grants.get_grant(g)["history"][-1]["position"] for g in ended)
    client.get(path, params={"min_position": swept}, headers=api.READER)
    overview = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.advisor}/grants", headers=api.READER
    ).json()
    assert [(g["grantor"], g["status"], g["end_reason"]) for g in overview["received"]] == [
        (revoked_employer, "revoked", "einde opdracht"),
        (world.employer, "revoked", "advisor_licence_withdrawn"),
        (pending_employer, "revoked", "advisor_licence_withdrawn"),
    ]
    api.denied(
        api.check(client, world.platform, access.advisor_login(world), pending_employer),
        ["advisor_licence_withdrawn"],
    )
    reinstated = api.put(
        client, f"/v1/platforms/{world.platform}/advisors/{world.advisor}", {"licence": "AFM-3"}
    )
    again = client.get(path, params={"min_position": reinstated["position"]}, headers=api.READER)
    assert (again.json()["licensed"], again.json()["clients"]) == (True, [])
    # Reinstating the licence does not bring the revoked access back.
    api.denied(
        api.check(client, world.platform, access.advisor_login(world), world.employer),
        ["advisor_licence_withdrawn"],
    )
    # Someone who is no advisor here has no clients and no licence to speak of.
    nobody = client.get(
        f"/v1/platforms/{world.platform}/advisors/{world.stranger}/clients", headers=api.READER
    ).json()
    assert (nobody["licensed"], nobody["clients"]) == (None, [])


def test_unknown_platform_is_404(client: httpx.Client) -> None:
    platform = random_slug()
    employer = random_kvk()
    body = {"actor": actor(employer), "organisation": employer, "action": "view"}
    api.problem(
        client.post(f"/v1/platforms/{platform}/access/check", json=body, headers=api.READER),
        404,
        "not_found",
    )
    api.problem(
        client.post(
            f"/v1/platforms/{platform}/access/portals",
            json={"actor": actor(employer)},
            headers=api.READER,
        ),
        404,
        "not_found",
    )
    api.problem(
        client.get(f"/v1/platforms/{platform}/organisations/{employer}/grants", headers=api.READER),
        404,
        "not_found",
    )
    api.problem(
        client.get(f"/v1/platforms/{platform}/advisors/{employer}/clients", headers=api.READER),
        404,
        "not_found",
    )


def access_requests(world: World) -> list[tuple[str, str, dict[str, Any] | None]]:
    prefix = f"/v1/platforms/{world.platform}"
    login = world.employer_actor()
    return [
        (
            "POST",
            f"{prefix}/access/check",
            {"actor": login, "organisation": world.employer, "action": "view"},
        ),
        ("POST", f"{prefix}/access/portals", {"actor": login}),
        ("GET", f"{prefix}/organisations/{world.employer}/grants", None),
        ("GET", f"{prefix}/advisors/{world.advisor}/clients", None),
    ]


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({}, 401, "unauthenticated"),
        ({"Authorization": "Bearer not-a-token"}, 401, "unauthenticated"),
        ({"Authorization": "reader-token"}, 401, "unauthenticated"),
        (api.WRITER, 403, "insufficient_scope"),
        (api.ADMIN, 403, "insufficient_scope"),
        ({"Authorization": "Bearer auditor-token"}, 403, "insufficient_scope"),
    ],
)
def test_access_endpoints_need_the_access_read_scope(
    client: httpx.Client, headers: dict[str, str], status: int, code: str
) -> None:
    world, _ = access.world_at(client)
    for method, path, body in access_requests(world):
        answer = client.request(method, path, json=body, headers=headers)
        api.problem(answer, status, code)
        if status == 401:
            assert answer.headers["www-authenticate"] == "Bearer"
