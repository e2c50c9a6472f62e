"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores:
chain authorisation (ketenmachtiging).

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import ADVISOR_SERVICE, EDIT_SERVICE, VIEW_SERVICE, actor

# ---------------------------------------------------------------- 4. chain authorisation


def test_requires_grant_chain_without_a_grant_is_refused(client: httpx.Client) -> None:
    world, position = access.world_at(client, chain="requires_grant")
    login = access.chain_login(world)
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    assert decision["allowed"] is False
    assert (decision["rights"], decision["via"]) == (None, None)
    assert "chain_without_grant" in api.codes(decision)
    answer = api.portals_response(client, world.platform, login)
    assert answer.status_code == 403
    assert "chain_without_grant" in [r["code"] for r in answer.json()["reasons"]]


def test_requires_grant_chain_without_a_grant_answers_chain_without_grant(
    client: httpx.Client,
) -> None:
    world, position = access.world_at(client, chain="requires_grant")
    login = access.chain_login(world)
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    api.denied(decision, ["chain_without_grant"])
    access.portals_refused(client, world.platform, login, "chain_without_grant")


def test_requires_grant_chain_with_a_view_grant_gets_the_lower_rights(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = access.world_at(client, chain="requires_grant")
    grant_id, position = access.active_grant(stack, client, world, world.advisor, "view")
    login = access.chain_login(world, EDIT_SERVICE)
    edit = api.view_not_edit(client, world.platform, login, world.employer, "chain", position, "en")
    assert "chain authorisation" in edit["reasons"][0]["message"]
    assert "change its rights" in edit["reasons"][0]["remedy"]
    assert api.portals(client, world.platform, login) == [(world.employer, "view", "chain")]
    # The chain opens only the employer's portal: nothing else, not the advisor's own.
    api.denied(api.check(client, world.platform, login, world.group), ["no_grant"])
    changed = client.patch(
        f"/v1/grants/{grant_id}",
        json={"rights": "edit", "actor": world.employer_actor()},
        headers=api.WRITER,
    )
    assert changed.status_code == 200, changed.text
    position = changed.json()["position"]
    api.allowed(
        api.check(client, world.platform, login, world.employer, "edit", min_position=position),
        "edit",
        "chain",
    )
    viewer = access.chain_login(world, VIEW_SERVICE)
    api.view_not_edit(client, world.platform, viewer, world.employer, "chain")
    position = access.revoked(client, world, grant_id)
    api.denied(
        api.check(client, world.platform, login, world.employer, min_position=position),
        ["grant_revoked", "chain_without_grant"],
    )
    answer = api.portals_response(client, world.platform, login)
    assert answer.status_code == 403, answer.text
    assert {r["code"] for r in answer.json()["reasons"]} == {"grant_revoked", "chain_without_grant"}


def test_requires_grant_chain_with_a_pending_grant(client: httpx.Client) -> None:
    world, _ = access.world_at(client, chain="requires_grant")
    _, position = access.requested(client, world, world.advisor, "edit")
    api.denied(
        api.check(
            client, world.platform, access.chain_login(world), world.employer, min_position=position
        ),
        ["grant_pending_confirmation", "chain_without_grant"],
    )


def test_sufficient_chain_gets_the_capability_rights(client: httpx.Client) -> None:
    world, position = access.world_at(client, chain="sufficient")
    editor = access.chain_login(world, EDIT_SERVICE)
    api.allowed(
        api.check(client, world.platform, editor, world.employer, "edit", min_position=position),
        "edit",
        "chain",
    )
    assert api.portals(client, world.platform, editor) == [(world.employer, "edit", "chain")]
    viewer = access.chain_login(world, VIEW_SERVICE)
    api.view_not_edit(client, world.platform, viewer, world.employer, "chain")
    advisor_service = access.chain_login(world, ADVISOR_SERVICE)
    assert api.codes(api.check(client, world.platform, advisor_service, world.employer)) == [
        "rights_insufficient"
    ]
    stranger = actor(world.stranger, intermediary=world.advisor)
    api.denied(
        api.check(client, world.platform, stranger, world.stranger), ["organisation_unknown"]
    )
    access.portals_refused(client, world.platform, stranger, "organisation_unknown")


def test_not_accepted_chain(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client, chain="not_accepted")
    # Even a confirmed grant does not make the chain acceptable here.
    _, position = access.active_grant(stack, client, world, world.advisor, "edit")
    login = access.chain_login(world)
    api.denied(
        api.check(client, world.platform, login, world.employer, min_position=position),
        ["chain_not_accepted"],
    )
    access.portals_refused(client, world.platform, login, "chain_not_accepted")
    api.allowed(
        api.check(client, world.platform, access.advisor_login(world), world.employer),
        "edit",
        "grant",
    )
