"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API:
who manages users, unknown fields, routes, activations and scopes.

How every test builds its own site and reads the views: see credential_support.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.support import random_kbo, random_slug


def test_only_the_organisation_master_user_manages_users(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client)
    neighbour = cred.new_site(client, platform=site.platform)
    elsewhere = cred.new_site(client, ref=site.organisation)
    user = cred.add_user(client, site, cred.fiche(rights="edit"))
    actors = [
        cred.credentials(user["user_id"]),  # a normal user of the organisation
        neighbour.master,  # the master of another organisation on the platform
        elsewhere.master,  # the master of the same organisation on another platform
        cred.credentials(str(uuid4())),
        cred.credentials("not-a-uuid"),
    ]
    for actor in actors:
        for method, path, body in (
            ("POST", f"{site.base}/users", {"actor": actor, **cred.fiche()}),
            ("PUT", f"{site.base}/users/{user['user_id']}", {"actor": actor, **cred.fiche()}),
            (
                "POST",
                f"{site.base}/users/{user['user_id']}/revoke",
                {"actor": actor, "reason": "x"},
            ),
            ("POST", f"{site.base}/users/{user['user_id']}/credentials", {"actor": actor}),
        ):
            cred.refused(stack, client, method, path, body, 403, "not_master_user", api.USERS)
        api.problem(cred.user_list_response(client, site, actor["user_id"]), 403, "not_master_user")
    eherkenning_actor = {
        "method": "eherkenning",
        "legal_subject": site.organisation,
        "acting_subject": "p-1",
        "intermediary": None,
        "service_id": "urn:etoegang:DV:1:services:1",
        "loa": "urn:etoegang:core:assurance-class:loa3",
    }
    cred.refused(
        stack,
        client,
        "POST",
        f"{site.base}/users",
        {"actor": eherkenning_actor, **cred.fiche()},
        422,
        "invalid_request",
        api.USERS,
    )
    # A user of another organisation is not found through this organisation's routes.
    other_user = cred.add_user(client, neighbour, cred.fiche())
    cred.refused(
        stack,
        client,
        "POST",
        f"{site.base}/users/{other_user['user_id']}/revoke",
        {"actor": site.master, "reason": "x"},
        404,
        "not_found",
        api.USERS,
    )


def test_the_master_user_cannot_revoke_itself(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    cred.refused(
        stack,
        client,
        "POST",
        f"{site.base}/users/{site.master_id}/revoke",
        {"actor": site.master, "reason": "ik stop"},
        409,
        "master_user_protected",
        api.USERS,
    )
    api.allowed(
        cred.user_check(client, site.platform, site.master_id, site.organisation, "edit"), "edit"
    )


def test_unknown_fields_are_refused(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    extra = {"note": "x"}
    cases: list[tuple[str, str, Any, dict[str, str]]] = [
        (
            "PUT",
            f"{site.base}/agreement",
            {
                "reference": cred.unique("EXT"),
                "notification_email": cred.address("l"),
                "signed_on": "2025-01-15",
                **extra,
            },
            api.ADMIN,
        ),
        (
            "PUT",
            f"{site.base}/master-user",
            {"name": "M", "email": cred.address("m"), **extra},
            api.ADMIN,
        ),
        ("POST", f"{site.base}/users", {"actor": site.master, **cred.fiche(), **extra}, api.USERS),
        (
            "POST",
            f"{site.base}/users",
            {"actor": {**site.master, "role": "admin"}, **cred.fiche()},
            api.USERS,
        ),
        (
            "PUT",
            f"{site.base}/users/{user['user_id']}",
            {"actor": site.master, **cred.fiche(), **extra},
            api.USERS,
        ),
        (
            "POST",
            f"{site.base}/users/{user['user_id']}/revoke",
            {"actor": site.master, "reason": "x", **extra},
            api.USERS,
        ),
        (
            "POST",
            f"/v1/platforms/{site.platform}/credentials/activate",
            {"login": user["login"], "code": "AAAA-AAAA-AAAA-AAAA", **extra},
            api.USERS,
        ),
        (
            "POST",
            f"/v1/platforms/{site.platform}/announcements",
            {**cred.ANNOUNCEMENT, **extra},
            api.ADMIN,
        ),
        (
            "POST",
            f"/v1/platforms/{site.platform}/announcements",
            {"subject": {"de": "Wartung"}, "body": {"de": "Samstag"}},
            api.ADMIN,
        ),
        ("POST", f"{site.base}/documents", {"kind": "invoice", "title": "F", **extra}, api.ADMIN),
        ("POST", f"{site.base}/documents", {"kind": "payslip", "title": "F"}, api.ADMIN),
        (
            "POST",
            f"/v1/platforms/{site.platform}/access/check",
            {"actor": site.master, "organisation": site.organisation, "action": "view", **extra},
            api.READER,
        ),
    ]
    for method, path, body, headers in cases:
        cred.refused(stack, client, method, path, body, 422, "invalid_request", headers)


def test_credential_commands_on_an_eherkenning_platform(stack: Stack, client: httpx.Client) -> None:
    platform = cred.eherkenning_platform(client)
    ref = cred.organisation(client)
    base = f"/v1/platforms/{platform}/organisations/{ref}"
    agreement = {
        "reference": cred.unique("EXT"),
        "notification_email": cred.address("lijst"),
        "signed_on": "2025-01-15",
    }
    cred.refused(stack, client, "PUT", f"{base}/agreement", agreement, 422, "platform_mismatch")
    cred.refused(
        stack,
        client,
        "PUT",
        f"{base}/master-user",
        {"name": "M", "email": cred.address("m")},
        422,
        "platform_mismatch",
    )
    cred.refused(
        stack,
        client,
        "POST",
        f"{base}/documents",
        {"kind": "invoice", "title": "F"},
        422,
        "platform_mismatch",
    )


def test_agreements_need_a_known_platform_and_organisation(
    stack: Stack, client: httpx.Client
) -> None:
    platform = cred.credential_platform(client)
    agreement = {
        "reference": cred.unique("EXT"),
        "notification_email": cred.address("lijst"),
        "signed_on": "2025-01-15",
    }
    unregistered = random_kbo()
    cred.refused(
        stack,
        client,
        "PUT",
        f"/v1/platforms/{platform}/organisations/{unregistered}/agreement",
        agreement,
        404,
        "not_found",
    )
    cred.refused(
        stack,
        client,
        "PUT",
        f"/v1/platforms/{random_slug()}/organisations/{cred.organisation(client)}/agreement",
        agreement,
        404,
        "not_found",
    )
    ref = cred.organisation(client)
    for reference in ("", "EXT 1", "EXT/1", "x" * 80):
        cred.refused(
            stack,
            client,
            "PUT",
            f"/v1/platforms/{platform}/organisations/{ref}/agreement",
            {**agreement, "reference": reference},
            422,
            "invalid_identifier" if 0 < len(reference) <= 64 else "invalid_request",
        )


def test_user_routes_need_an_agreement(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    stranger = cred.organisation(client)
    cred.refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{site.platform}/organisations/{stranger}/users",
        {"actor": site.master, **cred.fiche()},
        409,
        "no_agreement",
        api.USERS,
    )
    api.problem(
        client.get(
            f"/v1/platforms/{site.platform}/organisations/{stranger}/users",
            params={"actor": site.master_id},
            headers=api.USERS,
        ),
        403,
        "not_master_user",
    )


def test_bad_activations(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    path = f"/v1/platforms/{site.platform}/credentials/activate"
    for login in (site.master_login, "abc", "0123456789-x", f"{site.organisation[4:]}-999", "---"):
        cred.refused(
            stack,
            client,
            "POST",
            path,
            {"login": login, "code": "AAAA-AAAA-AAAA-AAAA"},
            404,
            "access_code_invalid",
            api.USERS,
        )
    for body in (
        {"login": site.master_login},
        {"login": site.master_login, "code": "short"},
        {"login": "", "code": "AAAA-AAAA-AAAA-AAAA"},
    ):
        cred.refused(stack, client, "POST", path, body, 422, "invalid_request", api.USERS)


def test_user_routes_need_the_users_write_scope(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    for headers, status, code in (
        (api.READER, 403, "insufficient_scope"),
        (api.ADMIN, 403, "insufficient_scope"),
        ({}, 401, "unauthenticated"),
    ):
        cred.refused(
            stack,
            client,
            "POST",
            f"{site.base}/users",
            {"actor": site.master, **cred.fiche()},
            status,
            code,
            headers,
        )
        api.problem(
            client.get(f"{site.base}/users", params={"actor": site.master_id}, headers=headers),
            status,
            code,
        )
    for headers in (api.USERS, api.READER):
        cred.refused(
            stack,
            client,
            "PUT",
            f"{site.base}/agreement",
            {
                "reference": cred.unique("EXT"),
                "notification_email": cred.address("l"),
                "signed_on": "2025-01-15",
            },
            403,
            "insufficient_scope",
            headers,
        )
        cred.refused(
            stack,
            client,
            "POST",
            f"/v1/platforms/{site.platform}/announcements",
            cred.ANNOUNCEMENT,
            403,
            "insufficient_scope",
            headers,
        )


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/{o}/agreement",
        "/organisations/{o}/master-user",
        "/organisations/{o}/users",
        "/organisations/{o}/users/{u}",
        "/organisations/{o}/users/{u}/revoke",
        "/organisations/{o}/users/{u}/credentials",
        "/credentials/activate",
        "/announcements",
        "/organisations/{o}/documents",
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {"actor": None},
        {"actor": {"method": "credentials"}},
        {"actor": {"method": "credentials", "user_id": ""}},
        {"actor": {"method": "credentials", "user_id": "x" * 65}},
        {"actor": {"method": "credentials", "user_id": "🙂"}, "reason": "x"},
        {"subject": {}, "body": {}},
        {"reference": None, "signed_on": "yesterday"},
    ],
)
def test_malformed_bodies_never_give_a_server_error(
    client: httpx.Client, path: str, body: Any
) -> None:
    user_id = str(uuid4())
    target = f"/v1/platforms/{random_slug()}" + path.format(o=random_kbo(), u=user_id)
    for method in ("POST", "PUT"):
        for headers in (api.ADMIN, api.USERS):
            answer = client.request(method, target, json=body, headers=headers)
            assert answer.status_code < 500, answer.text
            assert answer.headers["content-type"] == api.PROBLEM
