"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores.

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Stack
from tests.mailbox import mailed_token
from tests.support import (
    ADVISOR_SERVICE,
    EDIT_SERVICE,
    LOA2,
    LOA3,
    VIEW_SERVICE,
    World,
    actor,
    platform_settings,
    random_kvk,
    random_slug,
)
from tests.world import ADMIN, WRITER, build_world_http, put, sweep_until

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


# ---------------------------------------------------------------- 1. every reason code


@pytest.mark.parametrize(
    ("loa", "accepted"),
    [
        (LOA2, False),
        (f"{LOA}loa2plus", False),
        (f"{EIDAS}low", False),
        ("urn:example:not-a-level", False),
        (LOA3, True),
        (f"{LOA}loa4", True),
        (f"{EIDAS}substantial", True),
        (f"{EIDAS}high", True),
    ],
)
def test_assurance_level_against_the_eh3_minimum(
    client: httpx.Client, loa: str, accepted: bool
) -> None:
    world, position = world_at(client)
    login = world.employer_actor(loa=loa)
    decision = check(client, world.platform, login, world.employer, "edit", min_position=position)
    if accepted:
        allowed(decision, "edit", "own")
        assert portals(client, world.platform, login) == [(world.employer, "edit", "own")]
    else:
        denied(decision, ["loa_too_low"])
        reason = decision["reasons"][0]
        assert "EH3" in reason["remedy"] and "eHerkenning" in reason["remedy"]
        refused(client, world.platform, login, "loa_too_low")


def test_eh2_is_enough_where_the_platform_asks_for_eh2(client: httpx.Client) -> None:
    world, _ = world_at(client)
    put(client, f"/v1/platforms/{world.platform}", platform_settings(min_loa="EH2"))
    position = head(client)
    login = world.employer_actor(loa=LOA2)
    allowed(
        check(client, world.platform, login, world.employer, min_position=position), "edit", "own"
    )
    plus = world.employer_actor(loa=f"{LOA}loa2plus")
    allowed(check(client, world.platform, plus, world.employer, "edit"), "edit", "own")


def test_service_not_linked(client: httpx.Client) -> None:
    world, position = world_at(client)
    login = world.employer_actor(service="urn:etoegang:DV:00000001003214345000:services:99")
    denied(
        check(client, world.platform, login, world.employer, min_position=position),
        ["service_not_linked"],
    )
    refused(client, world.platform, login, "service_not_linked")


def test_organisation_unknown_for_an_advisor_with_nothing(client: httpx.Client) -> None:
    world, position = world_at(client)
    login = advisor_login(world)
    decision = check(client, world.platform, login, world.advisor, min_position=position)
    denied(decision, ["organisation_unknown"])
    reason = decision["reasons"][0]
    # The FAQ: "KvK-nummer niet bekend; neem contact op met uw relatiebeheerder".
    assert reason["message"].startswith("KvK-nummer niet bekend")
    assert "relatiebeheerder" in reason["message"] + reason["remedy"]
    body = refused(client, world.platform, login, "organisation_unknown")
    assert body["detail"].startswith("KvK-nummer niet bekend")
    assert body["reasons"] == decision["reasons"]
    english = check(client, world.platform, login, world.advisor, language="en")
    assert english["reasons"][0]["message"] == "This organisation number is not known here."
    assert "relationship manager" in english["reasons"][0]["remedy"]
    # Asking about a registered employer that gave nothing: no_grant, about that employer only
    # (not why the advisor's own login opens nothing).
    denied(check(client, world.platform, login, world.employer), ["no_grant"])
    # Asking about an organisation the platform does not know: both.
    denied(
        check(client, world.platform, login, world.stranger), ["no_grant", "organisation_unknown"]
    )


def test_an_unregistered_organisation_with_an_employer_service_is_unknown(
    client: httpx.Client,
) -> None:
    world, position = world_at(client)
    login = actor(world.stranger)
    denied(
        check(client, world.platform, login, world.stranger, "view", min_position=position),
        ["organisation_unknown"],
    )
    refused(client, world.platform, login, "organisation_unknown")


def test_no_grant_when_the_login_opens_other_portals(client: httpx.Client) -> None:
    world, position = world_at(client)
    login = world.employer_actor()
    # The reasons are about the organisation asked: the stranger is not known on the platform.
    denied(
        check(client, world.platform, login, world.stranger, min_position=position),
        ["no_grant", "organisation_unknown"],
    )
    denied(check(client, world.platform, login, world.group), ["no_grant"])
    reason = check(client, world.platform, login, world.stranger, language="en")["reasons"][0]
    assert reason["message"] == (
        "The employer has not given your organisation access to its portal."
    )


def test_grant_pending_confirmation(client: httpx.Client) -> None:
    world, _ = world_at(client)
    _, position = requested(client, world, world.advisor)
    login = advisor_login(world)
    denied(
        check(client, world.platform, login, world.employer, min_position=position),
        ["grant_pending_confirmation"],
    )
    refused(client, world.platform, login, "organisation_unknown")


def test_grant_revoked_names_the_organisation_asked_about(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = world_at(client)
    grant_id, position = active_grant(stack, client, world, world.advisor)
    login = advisor_login(world)
    allowed(
        check(client, world.platform, login, world.employer, min_position=position),
        "view",
        "grant",
    )
    position = revoked(client, world, grant_id)
    decision = check(client, world.platform, login, world.employer, min_position=position)
    denied(decision, ["grant_revoked"])
    english = check(client, world.platform, login, world.employer, language="en")
    assert english["reasons"][0]["message"] == (
        "The employer has revoked your organisation's access to its portal."
    )
    refused(client, world.platform, login, "organisation_unknown")


def test_revoked_grant_alone_when_other_portals_remain(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    other = new_employer(client, world)
    active_grant(stack, client, world, world.advisor, grantor=other)
    grant_id, _ = active_grant(stack, client, world, world.advisor)
    position = revoked(client, world, grant_id)
    login = advisor_login(world)
    denied(
        check(client, world.platform, login, world.employer, min_position=position),
        ["grant_revoked"],
    )
    allowed(check(client, world.platform, login, other), "view", "grant")
    assert portals(client, world.platform, login) == [(other, "view", "grant")]


def test_grant_request_expired(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    grant_id, position = requested(client, world, world.advisor)
    stack.clock.advance(timedelta(days=7, minutes=1))
    login = advisor_login(world)
    decision = check(client, world.platform, login, world.employer, min_position=position)
    denied(decision, ["grant_request_expired"])
    # An expired request may be made again: pending once more, then active.
    grant_id_again, position = requested(client, world, world.advisor)
    assert grant_id_again == grant_id
    denied(
        check(client, world.platform, login, world.employer, min_position=position),
        ["grant_pending_confirmation"],
    )
    position = confirmed(stack, client, grant_id, mails=2)
    allowed(
        check(client, world.platform, login, world.employer, min_position=position),
        "view",
        "grant",
    )


def test_rights_insufficient_through_a_view_grant(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    grant_id, position = active_grant(stack, client, world, world.advisor, "view")
    login = advisor_login(world)
    allowed(
        check(client, world.platform, login, world.employer, "view", min_position=position),
        "view",
        "grant",
    )
    english = check(client, world.platform, login, world.employer, "edit", language="en")
    denied(english, ["rights_insufficient"], "view", "grant")
    assert (
        english["reasons"][0]["message"] == "The employer gave your organisation view rights only."
    )
    assert english["reasons"][0]["remedy"] == (
        "Ask the employer to change your rights to 'view and change' in the portal."
    )
    dutch = check(client, world.platform, login, world.employer, "edit", language="nl")
    denied(dutch, ["rights_insufficient"], "view", "grant")
    assert "rechten in het portaal te wijzigen" in dutch["reasons"][0]["remedy"]
    changed = client.patch(
        f"/v1/grants/{grant_id}",
        json={"rights": "edit", "actor": world.employer_actor()},
        headers=WRITER,
    )
    assert changed.status_code == 200, changed.text
    allowed(
        check(
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
    world, position = world_at(client)
    login = world.employer_actor(service=VIEW_SERVICE)
    allowed(
        check(client, world.platform, login, world.employer, "view", min_position=position),
        "view",
        "own",
    )
    dutch = check(client, world.platform, login, world.employer, "edit", language="nl")
    denied(dutch, ["rights_insufficient"], "view", "own")
    assert "'bekijk en wijzig gegevens'" in dutch["reasons"][0]["remedy"]
    assert "eHerkenningsleverancier" in dutch["reasons"][0]["remedy"]
    english = check(client, world.platform, login, world.employer, "edit", language="en-GB,en")
    denied(english, ["rights_insufficient"], "view", "own")
    assert english["reasons"][0]["remedy"] == (
        "Have the service 'bekijk en wijzig gegevens' (view and change data) linked at your "
        "eHerkenning supplier."
    )
    assert english["reasons"][0]["message"] == (
        "Your eHerkenning service for this portal allows viewing only."
    )
    french = check(client, world.platform, login, world.employer, "edit", language="fr-BE")
    assert french["reasons"][0]["message"] not in (
        english["reasons"][0]["message"],
        dutch["reasons"][0]["message"],
    )
    assert portals(client, world.platform, login) == [(world.employer, "view", "own")]


def test_advisor_service_opens_no_own_portal_even_when_covered(client: httpx.Client) -> None:
    world, position = world_at(client)
    login = advisor_login(world, world.employer)
    decision = check(client, world.platform, login, world.employer, min_position=position)
    assert decision["allowed"] is False
    assert codes(decision)[0] == "rights_insufficient"
    english = check(client, world.platform, login, world.employer, language="en")
    assert "advisor service" in english["reasons"][0]["message"]


def test_advisor_licence_withdrawn(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    grant_id, position = active_grant(stack, client, world, world.advisor, "edit")
    login = advisor_login(world)
    allowed(
        check(client, world.platform, login, world.employer, "edit", min_position=position),
        "edit",
        "grant",
    )
    withdrawn = client.delete(
        f"/v1/platforms/{world.platform}/advisors/{world.advisor}", headers=ADMIN
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert "revoked" not in withdrawn.json()
    position = withdrawn.json()["position"]
    # Checks deny from the withdrawal's position on, before any revocation is recorded.
    assert client.get(f"/v1/grants/{grant_id}", headers=WRITER).json()["status"] == "active"
    decision = check(client, world.platform, login, world.employer, min_position=position)
    denied(decision, ["advisor_licence_withdrawn"])
    refused(client, world.platform, login, "organisation_unknown")
    app = stack.app
    sweep_until(app, stack.settings, lambda: app.get_grant(grant_id)["status"] == "revoked")
    history = client.get(f"/v1/grants/{grant_id}", headers=WRITER).json()
    assert history["history"][-1]["data"]["reason"] == "advisor_licence_withdrawn"
    position = history["history"][-1]["position"]
    decision = check(client, world.platform, login, world.employer, min_position=position)
    denied(decision, ["advisor_licence_withdrawn"])


def test_contract_out_of_scope(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    other = new_employer(client, world)
    _, position = active_grant(stack, client, world, world.advisor, "edit")
    own = world.employer_actor()
    allowed(
        check(
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
        denied(
            check(client, world.platform, own, world.employer, "edit", contract=contract),
            ["contract_out_of_scope"],
            "edit",
            "own",
        )
        denied(
            check(client, world.platform, advisor_login(world), world.employer, contract=contract),
            ["contract_out_of_scope"],
            "edit",
            "grant",
        )
    allowed(
        check(
            client,
            world.platform,
            advisor_login(world),
            world.employer,
            "edit",
            contract=world.contract,
        ),
        "edit",
        "grant",
    )


def test_login_method_not_accepted(client: httpx.Client) -> None:
    world, position = world_at(client)
    credentials = {"method": "credentials", "user_id": "u-123"}
    denied(
        check(client, world.platform, credentials, world.employer, min_position=position),
        ["login_method_not_accepted"],
    )
    refused(client, world.platform, credentials, "login_method_not_accepted")
    # The other way round: eHerkenning on a platform that only takes user name and code.
    ethias = random_slug()
    put(
        client,
        f"/v1/platforms/{ethias}",
        {**platform_settings(), "login": ["credentials"], "services": {}},
    )
    position = head(client)
    denied(
        check(client, ethias, world.employer_actor(), world.employer, min_position=position),
        ["login_method_not_accepted"],
    )
    refused(client, ethias, world.employer_actor(), "login_method_not_accepted")


# ---------------------------------------------------------------- 2. shapes of check and portals


def test_check_is_200_even_when_the_login_is_refused(client: httpx.Client) -> None:
    world, position = world_at(client)
    for login, reasons, refusal in (
        (world.employer_actor(loa=LOA2), ["loa_too_low"], "loa_too_low"),
        (
            world.employer_actor(service="urn:x:unlinked"),
            ["service_not_linked"],
            "service_not_linked",
        ),
        (advisor_login(world), ["no_grant"], "organisation_unknown"),
        (
            {"method": "credentials", "user_id": "someone"},
            ["login_method_not_accepted"],
            "login_method_not_accepted",
        ),
    ):
        for action in ("view", "edit"):
            decision = check(
                client, world.platform, login, world.employer, action, min_position=position
            )
            denied(decision, reasons)
        refused(client, world.platform, login, refusal)


def test_portals_lists_own_first_then_grants_sorted(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    # Two more employers whose contracts cover the group company too.
    employers = sorted(new_employer(client, world, (world.group,)) for _ in range(2))
    for employer in reversed(employers):
        active_grant(stack, client, world, world.group, "edit", grantor=employer)
    _, position = active_grant(stack, client, world, world.group, "view")
    answer = portals_response(client, world.platform, actor(world.group), position)
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
    world, _ = world_at(client)
    _, position = active_grant(stack, client, world, world.advisor)
    grantee = advisor_login(world)
    assert portals(client, world.platform, grantee, position) == [(world.employer, "view", "grant")]
    allowed(check(client, world.platform, grantee, world.employer), "view", "grant")
    grantor = world.employer_actor()
    assert portals(client, world.platform, grantor) == [(world.employer, "edit", "own")]
    # The advisor's organisation is not covered on the platform: named as unknown, too.
    denied(
        check(client, world.platform, grantor, world.advisor), ["no_grant", "organisation_unknown"]
    )
    for service in (VIEW_SERVICE, EDIT_SERVICE):
        # Whatever the advisor's service, the grant gives the grant's rights on A's portal.
        assert portals(client, world.platform, actor(world.advisor, service=service)) == [
            (world.employer, "view", "grant")
        ]


def test_group_company_sees_its_own_portal_and_the_grantors(
    stack: Stack, client: httpx.Client
) -> None:
    world, position = world_at(client)
    group = actor(world.group, service=EDIT_SERVICE)
    assert portals(client, world.platform, group, position) == [(world.group, "edit", "own")]
    denied(check(client, world.platform, group, world.employer), ["no_grant"], None, None)
    _, position = active_grant(stack, client, world, world.group, "view")
    assert portals(client, world.platform, group, position) == [
        (world.group, "edit", "own"),
        (world.employer, "view", "grant"),
    ]
    allowed(check(client, world.platform, group, world.group, "edit"), "edit", "own")
    allowed(check(client, world.platform, group, world.employer, "view"), "view", "grant")
    denied(
        check(client, world.platform, group, world.employer, "edit"),
        ["rights_insufficient"],
        "view",
        "grant",
    )
    employer = world.employer_actor()
    assert portals(client, world.platform, employer) == [(world.employer, "edit", "own")]
    denied(check(client, world.platform, employer, world.group), ["no_grant"])


def test_own_portal_follows_contract_amendments(client: httpx.Client) -> None:
    world, position = world_at(client)
    group = actor(world.group)
    allowed(
        check(client, world.platform, group, world.group, "edit", min_position=position),
        "edit",
        "own",
    )
    contract_path = f"/v1/platforms/{world.platform}/contracts/{world.contract}"
    narrowed = put(
        client, contract_path, {"holder": world.employer, "covered": [], "name": "Pensioencontract"}
    )
    denied(
        check(client, world.platform, group, world.group, min_position=narrowed["position"]),
        ["organisation_unknown"],
    )
    refused(client, world.platform, group, "organisation_unknown")
    widened = put(
        client,
        contract_path,
        {"holder": world.employer, "covered": [world.group], "name": "Pensioencontract"},
    )
    allowed(
        check(
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
    world, _ = world_at(client, chain="requires_grant")
    other = new_employer(client, world, (world.group,))
    active_grant(stack, client, world, world.advisor, "view")
    active_grant(stack, client, world, world.group, "edit")
    requested(client, world, world.advisor, "edit", grantor=other)
    gone, _ = active_grant(stack, client, world, world.group, "view", grantor=other)
    position = revoked(client, world, gone, grantor=other)
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
        answer = portals_response(client, world.platform, login, position)
        opened: dict[str, tuple[str, str]] = {}
        if answer.status_code == 200:
            opened = {p["organisation"]: (p["rights"], p["via"]) for p in answer.json()["portals"]}
        else:
            assert answer.status_code == 403, answer.text
        for organisation in organisations:
            for action in ("view", "edit"):
                decision = check(client, world.platform, login, organisation, action)
                if organisation not in opened:
                    assert decision["allowed"] is False and decision["reasons"], decision
                    assert (decision["rights"], decision["via"]) == (None, None), decision
                    continue
                rights, via = opened[organisation]
                assert (decision["rights"], decision["via"]) == (rights, via), (login, organisation)
                assert decision["allowed"] is (action == "view" or rights == "edit")
                if not decision["allowed"]:
                    assert codes(decision) == ["rights_insufficient"]
                if answer.status_code == 200 and not decision["allowed"]:
                    assert (
                        "organisation_unknown" not in codes(decision)
                        or organisation == (login["legal_subject"])
                    )
    # Spot checks of what the loop compared.
    assert portals(client, world.platform, actor(world.group)) == [
        (world.group, "edit", "own"),
        (world.employer, "edit", "grant"),
    ]
    assert portals(client, world.platform, advisor_login(world)) == [
        (world.employer, "view", "grant")
    ]


# ---------------------------------------------------------------- 4. chain authorisation


def test_requires_grant_chain_without_a_grant_is_refused(client: httpx.Client) -> None:
    world, position = world_at(client, chain="requires_grant")
    login = chain_login(world)
    decision = check(client, world.platform, login, world.employer, min_position=position)
    assert decision["allowed"] is False
    assert (decision["rights"], decision["via"]) == (None, None)
    assert "chain_without_grant" in codes(decision)
    answer = portals_response(client, world.platform, login)
    assert answer.status_code == 403
    assert "chain_without_grant" in [r["code"] for r in answer.json()["reasons"]]


def test_requires_grant_chain_without_a_grant_answers_chain_without_grant(
    client: httpx.Client,
) -> None:
    world, position = world_at(client, chain="requires_grant")
    login = chain_login(world)
    decision = check(client, world.platform, login, world.employer, min_position=position)
    denied(decision, ["chain_without_grant"])
    refused(client, world.platform, login, "chain_without_grant")


def test_requires_grant_chain_with_a_view_grant_gets_the_lower_rights(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = world_at(client, chain="requires_grant")
    grant_id, position = active_grant(stack, client, world, world.advisor, "view")
    login = chain_login(world, EDIT_SERVICE)
    allowed(
        check(client, world.platform, login, world.employer, "view", min_position=position),
        "view",
        "chain",
    )
    edit = check(client, world.platform, login, world.employer, "edit", language="en")
    denied(edit, ["rights_insufficient"], "view", "chain")
    assert "chain authorisation" in edit["reasons"][0]["message"]
    assert "change its rights" in edit["reasons"][0]["remedy"]
    assert portals(client, world.platform, login) == [(world.employer, "view", "chain")]
    # The chain opens only the employer's portal: nothing else, not the advisor's own.
    denied(check(client, world.platform, login, world.group), ["no_grant"])
    changed = client.patch(
        f"/v1/grants/{grant_id}",
        json={"rights": "edit", "actor": world.employer_actor()},
        headers=WRITER,
    )
    assert changed.status_code == 200, changed.text
    position = changed.json()["position"]
    allowed(
        check(client, world.platform, login, world.employer, "edit", min_position=position),
        "edit",
        "chain",
    )
    viewer = chain_login(world, VIEW_SERVICE)
    allowed(check(client, world.platform, viewer, world.employer, "view"), "view", "chain")
    denied(
        check(client, world.platform, viewer, world.employer, "edit"),
        ["rights_insufficient"],
        "view",
        "chain",
    )
    position = revoked(client, world, grant_id)
    denied(
        check(client, world.platform, login, world.employer, min_position=position),
        ["grant_revoked", "chain_without_grant"],
    )
    answer = portals_response(client, world.platform, login)
    assert answer.status_code == 403, answer.text
    assert {r["code"] for r in answer.json()["reasons"]} == {"grant_revoked", "chain_without_grant"}


def test_requires_grant_chain_with_a_pending_grant(client: httpx.Client) -> None:
    world, _ = world_at(client, chain="requires_grant")
    _, position = requested(client, world, world.advisor, "edit")
    denied(
        check(client, world.platform, chain_login(world), world.employer, min_position=position),
        ["grant_pending_confirmation", "chain_without_grant"],
    )


def test_sufficient_chain_gets_the_capability_rights(client: httpx.Client) -> None:
    world, position = world_at(client, chain="sufficient")
    editor = chain_login(world, EDIT_SERVICE)
    allowed(
        check(client, world.platform, editor, world.employer, "edit", min_position=position),
        "edit",
        "chain",
    )
    assert portals(client, world.platform, editor) == [(world.employer, "edit", "chain")]
    viewer = chain_login(world, VIEW_SERVICE)
    allowed(check(client, world.platform, viewer, world.employer, "view"), "view", "chain")
    denied(
        check(client, world.platform, viewer, world.employer, "edit"),
        ["rights_insufficient"],
        "view",
        "chain",
    )
    advisor_service = chain_login(world, ADVISOR_SERVICE)
    assert codes(check(client, world.platform, advisor_service, world.employer)) == [
        "rights_insufficient"
    ]
    stranger = actor(world.stranger, intermediary=world.advisor)
    denied(check(client, world.platform, stranger, world.stranger), ["organisation_unknown"])
    refused(client, world.platform, stranger, "organisation_unknown")


def test_not_accepted_chain(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client, chain="not_accepted")
    # Even a confirmed grant does not make the chain acceptable here.
    _, position = active_grant(stack, client, world, world.advisor, "edit")
    login = chain_login(world)
    denied(
        check(client, world.platform, login, world.employer, min_position=position),
        ["chain_not_accepted"],
    )
    refused(client, world.platform, login, "chain_not_accepted")
    allowed(check(client, world.platform, advisor_login(world), world.employer), "edit", "grant")


# ---------------------------------------------------------------- 5. read-your-writes


def test_a_check_after_a_revoke_with_its_position_is_always_denied(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = world_at(client)
    login = advisor_login(world)
    grant_id = ""
    for round_ in range(5):
        grant_id, _ = requested(client, world, world.advisor, "edit")
        position = confirmed(stack, client, grant_id, mails=round_ + 1)
        allowed(
            check(client, world.platform, login, world.employer, "edit", min_position=position),
            "edit",
            "grant",
        )
        position = revoked(client, world, grant_id)
        denied(
            check(client, world.platform, login, world.employer, "view", min_position=position),
            ["grant_revoked"],
        )
        refused(client, world.platform, login, "organisation_unknown", position)


def test_min_position_beyond_the_head_is_503_view_not_caught_up(client: httpx.Client) -> None:
    world, position = world_at(client)
    advisor = advisor_login(world)
    prefix = f"/v1/platforms/{world.platform}"
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        (
            "POST",
            f"{prefix}/access/check",
            {
                "actor": advisor,
                "organisation": world.employer,
                "action": "view",
                "min_position": FAR_AHEAD,
            },
        ),
        ("POST", f"{prefix}/access/portals", {"actor": advisor, "min_position": FAR_AHEAD}),
        ("GET", f"{prefix}/organisations/{world.employer}/grants?min_position={FAR_AHEAD}", None),
        ("GET", f"{prefix}/advisors/{world.advisor}/clients?min_position={FAR_AHEAD}", None),
    ]

    def send(request: tuple[str, str, dict[str, Any] | None]) -> httpx.Response:
        method, path, body = request
        with httpx.Client(base_url=str(client.base_url), timeout=30) as http:
            return http.request(method, path, json=body, headers=READER)

    # The four wait at once: one bounded wait (2 s by default) for the whole test.
    with ThreadPoolExecutor(len(requests)) as pool:
        answers = list(pool.map(send, requests))
    for answer in answers:
        body = problem(answer, 503, "view_not_caught_up")
        assert isinstance(body["position"], int)
        assert position <= body["position"] < FAR_AHEAD


def test_a_check_waits_for_a_position_that_arrives_meanwhile(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = world_at(client)
    grant_id, position = active_grant(stack, client, world, world.advisor)
    login = advisor_login(world)
    allowed(
        check(client, world.platform, login, world.employer, min_position=position), "view", "grant"
    )
    upcoming = head(client) + 1

    def waiting_check() -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as http:
            return check_response(
                http, world.platform, login, world.employer, min_position=upcoming
            )

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(waiting_check)
        time.sleep(0.3)
        assert not pending.done()
        position = revoked(client, world, grant_id)
        answer = pending.result(timeout=10)
    assert position >= upcoming
    assert answer.status_code == 200, answer.text
    denied(answer.json(), ["grant_revoked"])
    assert answer.json()["position"] >= upcoming


def test_listings_accept_min_position(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    _, position = active_grant(stack, client, world, world.advisor)
    overview = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.employer}/grants",
        params={"min_position": position},
        headers=READER,
    )
    assert overview.status_code == 200, overview.text
    assert overview.json()["position"] >= position
    assert [g["status"] for g in overview.json()["given"]] == ["active"]
    clients = client.get(
        f"/v1/platforms/{world.platform}/advisors/{world.advisor}/clients",
        params={"min_position": position},
        headers=READER,
    )
    assert clients.status_code == 200, clients.text
    assert clients.json()["position"] >= position
    assert [c["grantor"] for c in clients.json()["clients"]] == [world.employer]
    for bad in ("-1", "x", str(2**62 + 1)):
        problem(
            client.get(
                f"/v1/platforms/{world.platform}/advisors/{world.advisor}/clients",
                params={"min_position": bad},
                headers=READER,
            ),
            422,
            "invalid_request",
        )


# ---------------------------------------------------------------- 6. overview, clients, scopes


def test_employer_overview_given_and_received(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    late = new_advisor(client, world)
    expired_id, _ = requested(client, world, late, "view")
    stack.clock.advance(timedelta(days=8))
    active_id, _ = active_grant(stack, client, world, world.advisor, "edit")
    pending_id, _ = requested(client, world, world.group, "view")
    put(client, f"/v1/platforms/{world.platform}/advisors/{world.stranger}", {"licence": "AFM-9"})
    revoked_id, _ = active_grant(stack, client, world, world.stranger, "view")
    position = revoked(client, world, revoked_id)

    answer = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.employer}/grants",
        params={"min_position": position},
        headers=READER,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
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

    renamed = put(
        client,
        f"/v1/organisations/{world.advisor}",
        {"name": "Adviesbureau Nieuw", "contact_email": f"contact-{world.advisor[4:]}@example.org"},
    )
    received = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.advisor}/grants",
        params={"min_position": renamed["position"]},
        headers=READER,
    ).json()
    assert received["name"] == "Adviesbureau Nieuw"
    assert received["received"][0]["grantee_name"] == "Adviesbureau Nieuw"
    assert (received["covered"], received["given"]) == (False, [])
    assert [(g["grantor"], g["status"]) for g in received["received"]] == [
        (world.employer, "active")
    ]
    group = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.group}/grants", headers=READER
    ).json()
    assert group["covered"] is True
    assert [(g["grant_id"], g["status"]) for g in group["received"]] == [(pending_id, "pending")]
    nobody = client.get(
        f"/v1/platforms/{world.platform}/organisations/{random_kvk()}/grants", headers=READER
    ).json()
    assert (nobody["name"], nobody["covered"], nobody["given"], nobody["received"]) == (
        None,
        False,
        [],
        [],
    )


def test_advisor_clients_and_licence_withdrawal(stack: Stack, client: httpx.Client) -> None:
    world, _ = world_at(client)
    pending_employer = new_employer(client, world)
    revoked_employer = new_employer(client, world)
    active_id, _ = active_grant(stack, client, world, world.advisor, "edit")
    pending_id, _ = requested(client, world, world.advisor, "view", grantor=pending_employer)
    gone_id, _ = active_grant(stack, client, world, world.advisor, grantor=revoked_employer)
    position = revoked(client, world, gone_id, grantor=revoked_employer)
    path = f"/v1/platforms/{world.platform}/advisors/{world.advisor}/clients"
    answer = client.get(path, params={"min_position": position}, headers=READER)
    assert answer.status_code == 200, answer.text
    body = answer.json()
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
        f"/v1/platforms/{world.platform}/advisors/{world.advisor}", headers=ADMIN
    )
    assert withdrawn.status_code == 200, withdrawn.text
    after = client.get(
        path, params={"min_position": withdrawn.json()["position"]}, headers=READER
    ).json()
    assert (after["licensed"], after["clients"]) == (False, [])  # before the sweeper revokes
    app = stack.app
    ended = (active_id, pending_id)
    sweep_until(
        app, stack.settings, lambda: all(app.get_grant(g)["status"] == "revoked" for g in ended)
    )
    swept = max(app.get_grant(g)["history"][-1]["position"] for g in ended)
    client.get(path, params={"min_position": swept}, headers=READER)
    overview = client.get(
        f"/v1/platforms/{world.platform}/organisations/{world.advisor}/grants", headers=READER
    ).json()
    assert [(g["grantor"], g["status"], g["end_reason"]) for g in overview["received"]] == [
        (revoked_employer, "revoked", "einde opdracht"),
        (world.employer, "revoked", "advisor_licence_withdrawn"),
        (pending_employer, "revoked", "advisor_licence_withdrawn"),
    ]
    denied(
        check(client, world.platform, advisor_login(world), pending_employer),
        ["advisor_licence_withdrawn"],
    )
    reinstated = put(
        client, f"/v1/platforms/{world.platform}/advisors/{world.advisor}", {"licence": "AFM-3"}
    )
    again = client.get(path, params={"min_position": reinstated["position"]}, headers=READER)
    assert (again.json()["licensed"], again.json()["clients"]) == (True, [])
    # Reinstating the licence does not bring the revoked access back.
    denied(
        check(client, world.platform, advisor_login(world), world.employer),
        ["advisor_licence_withdrawn"],
    )
    # Someone who is no advisor here has no clients and no licence to speak of.
    nobody = client.get(
        f"/v1/platforms/{world.platform}/advisors/{world.stranger}/clients", headers=READER
    ).json()
    assert (nobody["licensed"], nobody["clients"]) == (None, [])


def test_unknown_platform_is_404(client: httpx.Client) -> None:
    platform = random_slug()
    employer = random_kvk()
    body = {"actor": actor(employer), "organisation": employer, "action": "view"}
    problem(
        client.post(f"/v1/platforms/{platform}/access/check", json=body, headers=READER),
        404,
        "not_found",
    )
    problem(
        client.post(
            f"/v1/platforms/{platform}/access/portals",
            json={"actor": actor(employer)},
            headers=READER,
        ),
        404,
        "not_found",
    )
    problem(
        client.get(f"/v1/platforms/{platform}/organisations/{employer}/grants", headers=READER),
        404,
        "not_found",
    )
    problem(
        client.get(f"/v1/platforms/{platform}/advisors/{employer}/clients", headers=READER),
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
        (WRITER, 403, "insufficient_scope"),
        (ADMIN, 403, "insufficient_scope"),
        ({"Authorization": "Bearer auditor-token"}, 403, "insufficient_scope"),
    ],
)
def test_access_endpoints_need_the_access_read_scope(
    client: httpx.Client, headers: dict[str, str], status: int, code: str
) -> None:
    world, _ = world_at(client)
    for method, path, body in access_requests(world):
        answer = client.request(method, path, json=body, headers=headers)
        problem(answer, status, code)
        if status == 401:
            assert answer.headers["www-authenticate"] == "Bearer"


# ---------------------------------------------------------------- 7. metrics and readiness


def test_metrics_and_readiness(client: httpx.Client) -> None:
    world, position = world_at(client)
    for _ in range(3):
        check(client, world.platform, world.employer_actor(), world.employer, min_position=position)
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    lag = re.search(r'^toegang_view_lag_events\{view="access"\} (\S+)$', text, re.MULTILINE)
    assert lag is not None, text
    assert float(lag.group(1)) >= 0
    assert re.search(r'^toegang_view_position\{view="access"\} (\S+)$', text, re.MULTILINE)
    assert re.search(r"^toegang_log_head_position (\S+)$", text, re.MULTILINE)
    counts = re.findall(
        r"^toegang_http_request_duration_seconds_count\{(.*)\} (\S+)$", text, re.MULTILINE
    )
    assert counts, text
    checks = [
        float(value)
        for labels, value in counts
        if 'method="POST"' in labels
        and 'route="/v1/platforms/{platform}/access/check"' in labels
        and 'status="200"' in labels
    ]
    assert checks and checks[0] >= 3
    ready = client.get("/readyz")
    assert ready.status_code == 200
    views = ready.json()["checks"]["views"]
    assert views["ok"] is True
    assert isinstance(views["access"]["lag"], int) and views["access"]["lag"] >= 0
    assert views["access"]["position"] >= position


# ---------------------------------------------------------------- 8. bad input


@pytest.mark.parametrize(
    "change",
    [
        {"unknown": "field"},
        {"action": "delete"},
        {"action": None},
        {"actor": {"method": "password", "user": "x"}},
        {"actor": {"method": "eherkenning", "legal_subject": "kvk:12345678"}},
        {"actor": {"method": "credentials", "user_id": "u", "extra": 1}},
        {"actor": "kvk:12345678"},
        {"organisation": "kvk:" + "1" * 40},
        {"organisation": ""},
        {"contract": ""},
        {"min_position": -1},
        {"min_position": 2**62 + 1},
        {"min_position": "soon"},
    ],
)
def test_bad_check_input_is_422(client: httpx.Client, change: dict[str, Any]) -> None:
    world, _ = world_at(client)
    body = {
        "actor": world.employer_actor(),
        "organisation": world.employer,
        "action": "view",
        **change,
    }
    answer = client.post(f"/v1/platforms/{world.platform}/access/check", json=body, headers=READER)
    assert problem(answer, 422, "invalid_request")["errors"]


def test_malformed_organisation_numbers_on_check_are_invalid_identifier(
    client: httpx.Client,
) -> None:
    world, position = world_at(client)
    answers: dict[tuple[str, str], int] = {}
    for bad in ("kvk:1234567", "kbo:0403019262", "KVK:12345678"):
        for field in ("organisation", "legal_subject", "intermediary"):
            login = world.employer_actor()
            organisation = bad if field == "organisation" else world.employer
            if field != "organisation":
                login[field] = bad
            answer = check_response(
                client, world.platform, login, organisation, min_position=position
            )
            answers[(bad, field)] = answer.status_code
            if answer.status_code == 422:
                problem(answer, 422, "invalid_identifier")
    assert set(answers.values()) == {422}, answers


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"[]", b"null", b'{"actor": {"method": "eherkenning"}}'],
)
def test_malformed_bodies_never_give_a_server_error(client: httpx.Client, content: bytes) -> None:
    world, _ = world_at(client)
    for endpoint in ("check", "portals"):
        answer = client.post(
            f"/v1/platforms/{world.platform}/access/{endpoint}",
            content=content,
            headers={**READER, "Content-Type": "application/json"},
        )
        problem(answer, 422, "invalid_request")


def test_unknown_actor_field_on_portals_is_422(client: httpx.Client) -> None:
    world, _ = world_at(client)
    login = {**world.employer_actor(), "role": "admin"}
    problem(portals_response(client, world.platform, login), 422, "invalid_request")
