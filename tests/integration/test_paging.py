"""Lists in pages: an advisor's clients and a login's portals, in a stable order (by
organisation number; a login's own portal first), each entry once."""

from __future__ import annotations

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import actor, random_kvk
from tests.world import build_world

CLIENTS = 25


def test_pages_cover_every_client_once_in_order(stack: Stack, client: httpx.Client) -> None:
    app, world = stack.app, build_world(stack.app)
    employers = [random_kvk() for _ in range(CLIENTS)]
    for employer in employers:
        app.reference.register_organisation(employer, "Werkgever", "hr@example.nl", "test")
    app.reference.register_contract(
        world.platform, f"{world.contract}-P", employers[0], employers, "P", "t"
    )
    position = 0
    for employer in employers:
        answer = app.grants.request_grant(
            world.platform, employer, world.advisor, "view", actor(employer)
        )
        position = answer["position"]
    path = f"/v1/platforms/{world.platform}/advisors/{world.advisor}/clients"
    seen: list[str] = []
    after: str | None = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 10, "min_position": position}
        if after is not None:
            params["after"] = after
        page = client.get(path, params=params, headers=api.READER)
        assert page.status_code == 200, page.text
        seen += [c["grantor"] for c in page.json()["clients"]]
        pages += 1
        after = page.json()["next_after"]
        if after is None:
            break
    assert (pages, seen) == (3, sorted(employers))
    whole = client.get(path, headers=api.READER).json()
    assert [c["grantor"] for c in whole["clients"]] == seen and whole["next_after"] is None
    for bad in ({"limit": 0}, {"limit": 1001}, {"after": "' OR '1'='1"}):
        refused = client.get(path, params=bad, headers=api.READER)
        assert refused.status_code == 422 and refused.headers["content-type"] == api.PROBLEM


def test_portals_come_in_pages_own_portal_first(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    api.put(client, f"/v1/platforms/{world.platform}/advisors/{world.employer}", {"licence": "A-9"})
    grantors = [access.new_employer(client, world) for _ in range(12)]
    position = 0
    for grantor in grantors:  # the employer, an advisor too, receives access from twelve others
        _, position = access.active_grant(stack, client, world, world.employer, grantor=grantor)
    path = f"/v1/platforms/{world.platform}/access/portals"
    login = world.employer_actor()
    seen: list[tuple[str, str]] = []
    after: str | None = None
    while True:
        body = {"actor": login, "min_position": position, "limit": 5}
        page = client.post(
            path, json=body | ({"after": after} if after else {}), headers=api.READER
        )
        assert page.status_code == 200, page.text
        seen += [(p["via"], p["organisation"]) for p in page.json()["portals"]]
        after = page.json()["next_after"]
        if after is None:
            break
    assert seen == [("own", world.employer)] + [("grant", g) for g in sorted(grantors)]
    whole = client.post(path, json={"actor": login}, headers=api.READER).json()
    assert [(p["via"], p["organisation"]) for p in whole["portals"]] == seen
    assert whole["next_after"] is None
    for bad in ({"limit": 0}, {"limit": 1001}, {"after": "' OR '1'='1"}):
        refused = client.post(path, json={"actor": login, **bad}, headers=api.READER)
        assert refused.status_code == 422 and refused.headers["content-type"] == api.PROBLEM
