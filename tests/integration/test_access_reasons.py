"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores:
every reason code a check or a portals call gives.

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import LOA2, LOA3, VIEW_SERVICE, actor, platform_settings, random_slug
from tests.world import sweep_until

# ---------------------------------------------------------------- 1. every reason code


@pytest.mark.parametrize(
    ("loa", "accepted"),
    [
        (LOA2, False),
        (f"{access.LOA}loa2plus", False),
        (f"{access.EIDAS}low", False),
        ("urn:example:not-a-level", False),
        (LOA3, True),
        (f"{access.LOA}loa4", True),
        (f"{access.EIDAS}substantial", True),
        (f"{access.EIDAS}high", True),
    ],
)
def test_assurance_level_against_the_eh3_minimum(
    client: httpx.Client, loa: str, accepted: bool
) -> None:
    world, position = access.world_at(client)
    login = world.employer_actor(loa=loa)
    decision = api.check(
        client, world.platform, login, world.employer, "edit", min_position=position
    )
    if accepted:
        api.allowed(decision, "edit", "own")
        assert api.portals(client, world.platform, login) == [(world.employer, "edit", "own")]
    else:
        api.denied(decision, ["loa_too_low"])
        reason = decision["reasons"][0]
        assert "EH3" in reason["remedy"] and "eHerkenning" in reason["remedy"]
        access.portals_refused(client, world.platform, login, "loa_too_low")


def test_eh2_is_enough_where_the_platform_asks_for_eh2(client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    api.put(client, f"/v1/platforms/{world.platform}", platform_settings(min_loa="EH2"))
    position = api.head(client)
    login = world.employer_actor(loa=LOA2)
    api.allowed(
        api.check(client, world.platform, login, world.employer, min_position=position),
        "edit",
        "own",
    )
    plus = world.employer_actor(loa=f"{access.LOA}loa2plus")
    api.allowed(api.check(client, world.platform, plus, world.employer, "edit"), "edit", "own")


def test_service_not_linked(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    login = world.employer_actor(service="urn:etoegang:DV:00000001003214345000:services:99")
    api.denied(
        api.check(client, world.platform, login, world.employer, min_position=position),
        ["service_not_linked"],
    )
    access.portals_refused(client, world.platform, login, "service_not_linked")


def test_organisation_unknown_for_an_advisor_with_nothing(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    login = access.advisor_login(world)
    decision = api.check(client, world.platform, login, world.advisor, min_position=position)
    api.denied(decision, ["organisation_unknown"])
    reason = decision["reasons"][0]
    # The FAQ: "KvK-nummer niet bekend; neem contact op met uw relatiebeheerder".
    assert reason["message"].startswith("KvK-nummer niet bekend")
    assert "relatiebeheerder" in reason["message"] + reason["remedy"]
    body = access.portals_refused(client, world.platform, login, "organisation_unknown")
    assert body["detail"].startswith("KvK-nummer niet bekend")
    assert body["reasons"] == decision["reasons"]
    english = api.check(client, world.platform, login, world.advisor, language="en")
    assert english["reasons"][0]["message"] == "This organisation number is not known here."
    assert "relationship manager" in english["reasons"][0]["remedy"]
    # Asking about a registered employer that gave nothing: no_grant, about that employer only
    # (not why the advisor's own login opens nothing).
    api.denied(api.check(client, world.platform, login, world.employer), ["no_grant"])
    # Asking about an organisation the platform does not know: both.
    api.denied(
        api.check(client, world.platform, login, world.stranger),
        ["no_grant", "organisation_unknown"],
    )


def test_an_unregistered_organisation_with_an_employer_service_is_unknown(
    client: httpx.Client,
) -> None:
    world, position = access.world_at(client)
    login = actor(world.stranger)
    api.denied(
        api.check(client, world.platform, login, world.stranger, "view", min_position=position),
        ["organisation_unknown"],
    )
    access.portals_refused(client, world.platform, login, "organisation_unknown")


def test_no_grant_when_the_login_opens_other_portals(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    login = world.employer_actor()
    # The reasons are about the organisation asked: the stranger is not known on the platform.
    api.denied(
        api.check(client, world.platform, login, world.stranger, min_position=position),
        ["no_grant", "organisation_unknown"],
    )
    api.denied(api.check(client, world.platform, login, world.group), ["no_grant"])
    reason = api.check(client, world.platform, login, world.stranger, language="en")["reasons"][0]
    assert reason["message"] == (
        "The employer has not given your organisation access to its portal."
    )


def test_grant_pending_confirmation(client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    _, position = access.requested(client, world, world.advisor)
    login = access.advisor_login(world)
    api.denied(
        api.check(client, world.platform, login, world.employer, min_position=position),
        ["grant_pending_confirmation"],
    )
    access.portals_refused(client, world.platform, login, "organisation_unknown")


def test_grant_revoked_names_the_organisation_asked_about(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, position, login = access.advisor_granted(stack, client)
    position = access.revoked(client, world, grant_id)
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    api.denied(decision, ["grant_revoked"])
    english = api.check(client, world.platform, login, world.employer, language="en")
    assert english["reasons"][0]["message"] == (
        "The employer has revoked your organisation's access to its portal."
    )
    access.portals_refused(client, world.platform, login, "organisation_unknown")


def test_revoked_grant_alone_when_other_portals_remain(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    other = access.new_employer(client, world)
    access.active_grant(stack, client, world, world.advisor, grantor=other)
    grant_id, _ = access.active_grant(stack, client, world, world.advisor)
    position = access.revoked(client, world, grant_id)
    login = access.advisor_login(world)
    api.denied(
        api.check(client, world.platform, login, world.employer, min_position=position),
        ["grant_revoked"],
    )
    api.allowed(api.check(client, world.platform, login, other), "view", "grant")
    assert api.portals(client, world.platform, login) == [(other, "view", "grant")]


def test_grant_request_expired(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    grant_id, position = access.requested(client, world, world.advisor)
    stack.clock.advance(timedelta(days=7, minutes=1))
    login = access.advisor_login(world)
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    api.denied(decision, ["grant_request_expired"])
    # An expired request may be made again: pending once more, then active.
    grant_id_again, position = access.requested(client, world, world.advisor)
    assert grant_id_again == grant_id
    api.denied(
        api.check(client, world.platform, login, world.employer, min_position=position),
        ["grant_pending_confirmation"],
    )
    position = access.confirmed(stack, client, grant_id, mails=2)
    api.allowed(
        api.check(client, world.platform, login, world.employer, min_position=position),
        "view",
        "grant",
    )


def test_rights_insufficient_through_a_view_grant(stack: Stack, client: httpx.Client) -> None:
    world, grant_id, _, login = access.advisor_granted(stack, client, "view")
    english = api.check(client, world.platform, login, world.employer, "edit", language="en")
    api.denied(english, ["rights_insufficient"], "view", "grant")
    assert (
        english["reasons"][0]["message"] == "The employer gave your organisation view rights only."
    )
    assert english["reasons"][0]["remedy"] == (
        "Ask the employer to change your rights to 'view and change' in the portal."
    )
    dutch = api.check(client, world.platform, login, world.employer, "edit", language="nl")
    api.denied(dutch, ["rights_insufficient"], "view", "grant")
    assert "rechten in het portaal te wijzigen" in dutch["reasons"][0]["remedy"]
    changed = client.patch(
        f"/v1/grants/{grant_id}",
        json={"rights": "edit", "actor": world.employer_actor()},
        headers=api.WRITER,
    )
    assert changed.status_code == 200, changed.text
    api.allowed(
        api.check(
            client,
            world.platform,
            login,
            world.employer,
            "edit",
            min_position=changed.json()["position"],
        ),
        "edit",
        "grant",
    )


def test_rights_insufficient_through_an_own_view_service(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    login = world.employer_actor(service=VIEW_SERVICE)
    dutch = api.view_not_edit(client, world.platform, login, world.employer, "own", position, "nl")
    assert "'bekijk en wijzig gegevens'" in dutch["reasons"][0]["remedy"]
    assert "eHerkenningsleverancier" in dutch["reasons"][0]["remedy"]
    english = api.check(client, world.platform, login, world.employer, "edit", language="en-GB,en")
    api.denied(english, ["rights_insufficient"], "view", "own")
    assert english["reasons"][0]["remedy"] == (
        "Have the service 'bekijk en wijzig gegevens' (view and change data) linked at your "
        "eHerkenning supplier."
    )
    assert english["reasons"][0]["message"] == (
        "Your eHerkenning service for this portal allows viewing only."
    )
    french = api.check(client, world.platform, login, world.employer, "edit", language="fr-BE")
    assert french["reasons"][0]["message"] not in (
        english["reasons"][0]["message"],
        dutch["reasons"][0]["message"],
    )
    assert api.portals(client, world.platform, login) == [(world.employer, "view", "own")]


def test_advisor_service_opens_no_own_portal_even_when_covered(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    login = access.advisor_login(world, world.employer)
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    assert decision["allowed"] is False
    assert api.codes(decision)[0] == "rights_insufficient"
    english = api.check(client, world.platform, login, world.employer, language="en")
    assert "advisor service" in english["reasons"][0]["message"]


def test_advisor_licence_withdrawn(stack: Stack, client: httpx.Client) -> None:
    world, grant_id, position, login = access.advisor_granted(stack, client, "edit")
    withdrawn = client.delete(
        f"/v1/platforms/{world.platform}/advisors/{world.advisor}", headers=api.ADMIN
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert "revoked" not in withdrawn.json()
    position = withdrawn.json()["position"]
    # Checks deny from the withdrawal's position on, before any revocation is recorded.
    assert client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()["status"] == "active"
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    api.denied(decision, ["advisor_licence_withdrawn"])
    access.portals_refused(client, world.platform, login, "organisation_unknown")
    app = stack.app
    sweep_until(app, stack.settings, lambda: app.grants.get_grant(grant_id)["status"] == "revoked")
    history = client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()
    assert history["history"][-1]["data"]["reason"] == "advisor_licence_withdrawn"
    position = history["history"][-1]["position"]
    decision = api.check(client, world.platform, login, world.employer, min_position=position)
    api.denied(decision, ["advisor_licence_withdrawn"])


def test_contract_out_of_scope(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    other = access.new_employer(client, world)
    _, position = access.active_grant(stack, client, world, world.advisor, "edit")
    own = world.employer_actor()
    api.allowed(
        api.check(
            client,
            world.platform,
            own,
            world.employer,
            "edit",
            contract=world.contract,
            min_position=position,
        ),
        "edit",
        "own",
    )
    for contract in (f"C-{other[4:]}", "PC-0"):
        api.denied(
            api.check(client, world.platform, own, world.employer, "edit", contract=contract),
            ["contract_out_of_scope"],
            "edit",
            "own",
        )
        api.denied(
            api.check(
                client,
                world.platform,
                access.advisor_login(world),
                world.employer,
                contract=contract,
            ),
            ["contract_out_of_scope"],
            "edit",
            "grant",
        )
    api.allowed(
        api.check(
            client,
            world.platform,
            access.advisor_login(world),
            world.employer,
            "edit",
            contract=world.contract,
        ),
        "edit",
        "grant",
    )


def test_login_method_not_accepted(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    credentials = {"method": "credentials", "user_id": "u-123"}
    api.denied(
        api.check(client, world.platform, credentials, world.employer, min_position=position),
        ["login_method_not_accepted"],
    )
    access.portals_refused(client, world.platform, credentials, "login_method_not_accepted")
    # The other way round: eHerkenning on a platform that only takes user name and code.
    ethias = random_slug()
    api.put(
        client,
        f"/v1/platforms/{ethias}",
        {**platform_settings(), "login": ["credentials"], "services": {}},
    )
    position = api.head(client)
    api.denied(
        api.check(client, ethias, world.employer_actor(), world.employer, min_position=position),
        ["login_method_not_accepted"],
    )
    access.portals_refused(client, ethias, world.employer_actor(), "login_method_not_accepted")
