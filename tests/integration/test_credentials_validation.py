"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API:
expiry, and organisation numbers, addresses, contracts and fiches refused.

How every test builds its own site and reads the views: see credential_support.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.support import wait_until

# ---------------------------------------------------------------- expiry


def test_an_external_user_expires_after_valid_until(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = cred.new_site(client)
    consultant = cred.add_user(
        client,
        site,
        cred.fiche(
            "Els Claes",
            external=True,
            assignment="Herziening reglement",
            valid_until=today + timedelta(days=3),
        ),
    )
    position = consultant["position"]
    api.allowed(
        cred.user_check(
            client, site.platform, consultant["user_id"], site.organisation, min_position=position
        ),
        "view",
    )
    stack.clock.advance(timedelta(days=3))  # the last valid day
    api.allowed(
        cred.user_check(client, site.platform, consultant["user_id"], site.organisation), "view"
    )
    stack.clock.advance(timedelta(days=1))
    api.denied(
        cred.user_check(client, site.platform, consultant["user_id"], site.organisation),
        ["user_expired"],
    )
    api.problem(
        cred.user_portals_response(client, site.platform, consultant["user_id"]),
        403,
        "user_expired",
    )
    assert cred.user_list(client, site, position)[consultant["user_id"]]["status"] == "expired"

    cred.sweep_until_expired(stack, consultant["user_id"])

    events = list(stack.app.store.events.get(UUID(consultant["user_id"])))
    assert [type(e).__qualname__ for e in events][-1] == "PlatformUser.Expired"
    row = cred.user_list(client, site, api.head(client))[consultant["user_id"]]
    assert (row["status"], row["end_reason"]) == ("expired", "valid_until_passed")
    assert row["ended_at"]
    api.denied(
        cred.user_check(client, site.platform, consultant["user_id"], site.organisation),
        ["user_expired"],
    )


def test_a_new_agreement_after_an_expiry_is_signed(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = cred.new_site(client)
    values = cred.fiche(external=True, assignment="Audit", valid_until=today + timedelta(days=1))
    consultant = cred.add_user(client, site, values)
    stack.clock.advance(timedelta(days=2))
    wait_until(
        lambda: cred.user_check(
            client,
            site.platform,
            consultant["user_id"],
            site.organisation,
            min_position=consultant["position"],
        )["reasons"]
    )
    cred.sweep_until_expired(stack, consultant["user_id"])
    answer = client.put(
        f"{site.base}/agreement",
        json={
            "reference": cred.unique("EXT"),
            "notification_email": site.notification_email,
            "signed_on": "2026-01-02",
        },
        headers=api.ADMIN,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["revoked"] == [site.master_id]


# ---------------------------------------------------------------- bad input


def test_organisation_numbers_with_a_wrong_check_digit(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    bad = cred.bad_check_digit(site.organisation)
    base = f"/v1/platforms/{site.platform}/organisations/{bad}"
    agreement = {
        "reference": cred.unique("EXT"),
        "notification_email": cred.address("lijst"),
        "signed_on": "2025-01-15",
    }
    cases: list[tuple[str, str, Any, dict[str, str]]] = [
        (
            "PUT",
            f"/v1/organisations/{bad}",
            {"name": "X", "contact_email": cred.address("c")},
            api.ADMIN,
        ),
        ("PUT", f"{base}/agreement", agreement, api.ADMIN),
        ("PUT", f"{base}/master-user", {"name": "Marie", "email": cred.address("m")}, api.ADMIN),
        ("POST", f"{base}/users", {"actor": site.master, **cred.fiche()}, api.USERS),
        ("POST", f"{base}/documents", {"kind": "invoice", "title": "F"}, api.ADMIN),
        (
            "PUT",
            f"/v1/platforms/{site.platform}/contracts/{cred.unique('GRP')}",
            {"holder": bad, "name": "Groep"},
            api.ADMIN,
        ),
        (
            "POST",
            f"/v1/platforms/{site.platform}/access/check",
            {"actor": site.master, "organisation": bad, "action": "view"},
            api.READER,
        ),
    ]
    for method, path, body, headers in cases:
        cred.refused(stack, client, method, path, body, 422, "invalid_identifier", headers)


def test_bad_email_addresses(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    for bad in ("geen-adres", "a@b", "jan@@example.be", "jan janssens@example.be"):
        cred.refused(
            stack,
            client,
            "PUT",
            f"{site.base}/agreement",
            {"reference": cred.unique("EXT"), "notification_email": bad, "signed_on": "2025-01-15"},
            422,
            "invalid_identifier",
        )
        cred.refused(
            stack,
            client,
            "PUT",
            f"{site.base}/master-user",
            {"name": "Marie", "email": bad},
            422,
            "invalid_identifier",
        )
        cred.refused(
            stack,
            client,
            "POST",
            f"{site.base}/users",
            {"actor": site.master, **cred.fiche(email=bad)},
            422,
            "invalid_identifier",
            api.USERS,
        )
    user = cred.add_user(client, site, cred.fiche())
    cred.refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{user['user_id']}",
        {"actor": site.master, **cred.fiche(email="geen-adres")},
        422,
        "invalid_identifier",
        api.USERS,
    )


def test_contracts_outside_the_organisation(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    neighbour = cred.new_site(client, platform=site.platform)
    elsewhere = cred.new_site(client, ref=site.organisation)  # same organisation, other platform
    user = cred.add_user(client, site, cred.fiche(contracts=[site.contracts[0]]))
    changed = f"{site.base}/users/{user['user_id']}"
    for contracts in (
        [cred.unique("GRP")],
        [site.contracts[0], neighbour.contracts[0]],
        [elsewhere.contracts[0]],
    ):
        for method, target in (("POST", f"{site.base}/users"), ("PUT", changed)):
            body = {"actor": site.master, **cred.fiche(contracts=contracts)}
            code = "contract_out_of_scope"
            cred.refused(stack, client, method, target, body, 422, code, api.USERS)


def test_fiches_that_are_incomplete_or_inconsistent(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    path = f"{site.base}/users"
    complete = cred.fiche(external=True, assignment="Audit", valid_until=today + timedelta(days=10))
    invalid_fiches = [
        {**complete, "assignment": None},
        {**complete, "valid_until": None},
        {**complete, "assignment": None, "valid_until": None},
        {k: v for k, v in complete.items() if k not in ("assignment", "valid_until")},
        {**complete, "valid_until": (today - timedelta(days=1)).isoformat()},
        cred.fiche(valid_until=today - timedelta(days=1)),
    ]
    changed = f"{path}/{user['user_id']}"
    # A change is a complete fiche: leaving out a field that applies is refused (an internal
    # user's assignment and valid_until do not apply).
    applies = [name for name in complete if name not in ("assignment", "valid_until")]
    partials = [{k: v for k, v in cred.fiche().items() if k != missing} for missing in applies]
    malformed = [
        cred.fiche(rights="all"),
        cred.fiche(contracts=[]),
        cred.fiche(contracts="some"),
        {**cred.fiche(), "external": "maybe"},
        {**cred.fiche(), "valid_until": "31-12-2025"},
    ]
    refusals = [
        *[("POST", path, values, "invalid_fiche") for values in invalid_fiches],
        *[("PUT", changed, values, "invalid_fiche") for values in invalid_fiches],
        *[("PUT", changed, values, "invalid_request") for values in partials],
        *[("POST", path, values, "invalid_request") for values in malformed],
    ]
    for method, target, values, code in refusals:
        body = {"actor": site.master, **values}
        cred.refused(stack, client, method, target, body, 422, code, api.USERS)
    created = cred.add_user(client, site, complete)
    assert created["user_id"] != user["user_id"]
    # Leave no active external user behind for the background sweeper of later tests.
    api.ok(cred.revoke_user(client, site, created["user_id"]))


def test_a_fiche_is_replaced_with_the_body_it_is_created_with(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client)
    created = {k: v for k, v in cred.fiche().items() if k not in ("assignment", "valid_until")}
    user = cred.add_user(client, site, created)
    replaced = api.ok(
        cred.replace_user(client, site, user["user_id"], {**created, "rights": "edit"})
    )
    assert (replaced["user_id"], replaced["login"]) == (user["user_id"], user["login"])
    # A field that applies, left out, is named: by the schema, or by the rule for externals.
    without_rights = {k: v for k, v in created.items() if k != "rights"}
    external = {**created, "external": True, "assignment": "Audit"}
    target = f"{site.base}/users/{user['user_id']}"
    for values, code, field in (
        (without_rights, "invalid_request", "rights"),
        (external, "invalid_fiche", "valid_until"),
    ):
        body = {"actor": site.master, **values}
        answer = cred.refused(stack, client, "PUT", target, body, 422, code, api.USERS)
        assert [e["location"] for e in answer["errors"]] == [["body", field]]
