"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores:
the shapes of check and portals, and who sees whom.

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import ADVISOR_SERVICE, EDIT_SERVICE, LOA2, VIEW_SERVICE, actor

# ---------------------------------------------------------------- 2. shapes of check and portals


def test_check_is_200_even_when_the_login_is_refused(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    for login, reasons, refusal in (
        (world.employer_actor(loa=LOA2), ["loa_too_low"], "loa_too_low"),
        (
            world.employer_actor(service="urn:x:unlinked"),
            ["service_not_linked"],
            "service_not_linked",
        ),
        (access.advisor_login(world), ["no_grant"], "organisation_unknown"),
        (
            {"method": "credentials", "user_id": "someone"},
            ["login_method_not_accepted"],
            "login_method_not_accepted",
        ),
    ):
        for action in ("view", "edit"):
            decision = api.check(
                client, world.platform, login, world.employer, action, min_position=position
            )
            api.denied(decision, reasons)
        access.portals_refused(client, world.platform, login, refusal)


def test_portals_lists_own_first_then_grants_sorted(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    # Two more employers whose contracts cover the group company too.
    employers = sorted(access.new_employer(client, world, (world.group,)) for _ in range(2))
    for employer in reversed(employers):
        access.active_grant(stack, client, world, world.group, "edit", grantor=employer)
    _, position = access.active_grant(stack, client, world, world.group, "view")
    answer = api.portals_response(client, world.platform, actor(world.group), position)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json()["position"] >= position
    assert [tuple(p.values()) for p in answer.json()["portals"]] == [
        (world.group, "edit", "own"),
        *sorted([(world.employer, "view", "grant"), *((e, "edit", "grant") for e in employers)]),
    ]


# ---------------------------------------------------------------- 3. directional visibility


def test_a_grant_lets_the_grantee_see_the_grantor_never_the_reverse(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = access.world_at(client)
    _, position = access.active_grant(stack, client, world, world.advisor)
    grantee = access.advisor_login(world)
    assert api.portals(client, world.platform, grantee, position) == [
        (world.employer, "view", "grant")
    ]
    api.allowed(api.check(client, world.platform, grantee, world.employer), "view", "grant")
    grantor = world.employer_actor()
    assert api.portals(client, world.platform, grantor) == [(world.employer, "edit", "own")]
    # The advisor's organisation is not covered on the platform: named as unknown, too.
    api.denied(
        api.check(client, world.platform, grantor, world.advisor),
        ["no_grant", "organisation_unknown"],
    )
    for service in (VIEW_SERVICE, EDIT_SERVICE):
        # Whatever the advisor's service, the grant gives the grant's rights on A's portal.
        assert api.portals(client, world.platform, actor(world.advisor, service=service)) == [
            (world.employer, "view", "grant")
        ]


def test_group_company_sees_its_own_portal_and_the_grantors(
    stack: Stack, client: httpx.Client
) -> None:
    world, position = access.world_at(client)
    group = actor(world.group, service=EDIT_SERVICE)
    assert api.portals(client, world.platform, group, position) == [(world.group, "edit", "own")]
    api.denied(api.check(client, world.platform, group, world.employer), ["no_grant"], None, None)
    _, position = access.active_grant(stack, client, world, world.group, "view")
    assert api.portals(client, world.platform, group, position) == [
        (world.group, "edit", "own"),
        (world.employer, "view", "grant"),
    ]
    api.allowed(api.check(client, world.platform, group, world.group, "edit"), "edit", "own")
    api.view_not_edit(client, world.platform, group, world.employer, "grant")
    employer = world.employer_actor()
    assert api.portals(client, world.platform, employer) == [(world.employer, "edit", "own")]
    api.denied(api.check(client, world.platform, employer, world.group), ["no_grant"])


def test_own_portal_follows_contract_amendments(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    group = actor(world.group)
    api.allowed(
        api.check(client, world.platform, group, world.group, "edit", min_position=position),
        "edit",
        "own",
    )
    contract_path = f"/v1/platforms/{world.platform}/contracts/{world.contract}"
    narrowed = api.put(
        client, contract_path, {"holder": world.employer, "covered": [], "name": "Pensioencontract"}
    )
    api.denied(
        api.check(client, world.platform, group, world.group, min_position=narrowed["position"]),
        ["organisation_unknown"],
    )
    access.portals_refused(client, world.platform, group, "organisation_unknown")
    widened = api.put(
        client,
        contract_path,
        {"holder": world.employer, "covered": [world.group], "name": "Pensioencontract"},
    )
    api.allowed(
        api.check(
            client,
            world.platform,
            group,
            world.group,
            "edit",
            contract=world.contract,
            min_position=widened["position"],
        ),
        "edit",
        "own",
    )


def test_check_agrees_with_portals_for_every_login_and_organisation(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = access.world_at(client, chain="requires_grant")
    other = access.new_employer(client, world, (world.group,))
    access.active_grant(stack, client, world, world.advisor, "view")
    access.active_grant(stack, client, world, world.group, "edit")
    access.requested(client, world, world.advisor, "edit", grantor=other)
    gone, _ = access.active_grant(stack, client, world, world.group, "view", grantor=other)
    position = access.revoked(client, world, gone, grantor=other)
    organisations = [world.employer, world.group, world.advisor, world.stranger, other]
    logins = [
        actor(subject, service=service)
        for subject in organisations
        for service in (VIEW_SERVICE, EDIT_SERVICE, ADVISOR_SERVICE)
    ]
    logins += [
        actor(employer, service=service, intermediary=world.advisor)
        for employer in (world.employer, other)
        for service in (VIEW_SERVICE, EDIT_SERVICE)
    ]
    for login in logins:
        answer = api.portals_response(client, world.platform, login, position)
        opened: dict[str, tuple[str, str]] = {}
        if answer.status_code == 200:
            opened = {p["organisation"]: (p["rights"], p["via"]) for p in answer.json()["portals"]}
        else:
            assert answer.status_code == 403, answer.text
        for organisation in organisations:
            for action in ("view", "edit"):
                decision = api.check(client, world.platform, login, organisation, action)
                if organisation not in opened:
                    assert decision["allowed"] is False and decision["reasons"], decision
                    assert (decision["rights"], decision["via"]) == (None, None), decision
                    continue
                rights, via = opened[organisation]
                assert (decision["rights"], decision["via"]) == (rights, via), (login, organisation)
                assert decision["allowed"] is (action == "view" or rights == "edit")
                if not decision["allowed"]:
                    assert api.codes(decision) == ["rights_insufficient"]
                if answer.status_code == 200 and not decision["allowed"]:
                    assert (
                        "organisation_unknown" not in api.codes(decision)
                        or organisation == (login["legal_subject"])
                    )
    # Spot checks of what the loop compared.
    assert api.portals(client, world.platform, actor(world.group)) == [
        (world.group, "edit", "own"),
        (world.employer, "edit", "grant"),
    ]
    assert api.portals(client, world.platform, access.advisor_login(world)) == [
        (world.employer, "view", "grant")
    ]
