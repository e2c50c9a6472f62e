"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API:
agreements, notices, announcements, master users.

How every test builds its own site and reads the views: see credential_support.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import httpx
import pytest

from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.support import wait_until


def test_unknown_users_and_other_login_methods(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    api.denied(
        cred.user_check(client, site.platform, str(uuid4()), site.organisation), ["user_unknown"]
    )
    api.denied(
        cred.user_check(client, site.platform, "not-a-uuid", site.organisation), ["user_unknown"]
    )
    api.problem(
        cred.user_portals_response(client, site.platform, str(uuid4())), 403, "user_unknown"
    )
    eherkenning = cred.eherkenning_platform(client)
    api.denied(
        cred.user_check(client, eherkenning, site.master_id, site.organisation),
        ["login_method_not_accepted"],
    )


def test_a_user_opens_its_own_organisation_only(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    neighbour = cred.new_site(client, platform=site.platform)
    stranger = cred.organisation(client)  # no agreement on the platform at all
    user = cred.add_user(client, site, cred.fiche(rights="edit"))
    position = user["position"]
    for elsewhere in (neighbour.organisation, stranger):
        api.denied(
            cred.user_check(
                client, site.platform, user["user_id"], elsewhere, min_position=position
            ),
            ["organisation_mismatch"],
        )
    answer = api.ok(cred.user_portals_response(client, site.platform, user["user_id"], position))
    assert [p["organisation"] for p in answer["portals"]] == [site.organisation]


def test_document_notices_need_an_agreement(stack: Stack, client: httpx.Client) -> None:
    platform = cred.credential_platform(client)
    stranger = f"/v1/platforms/{platform}/organisations/{cred.organisation(client)}"
    for method, target, body in (
        ("POST", f"{stranger}/documents", {"kind": "invoice", "title": "Factuur 2025-01"}),
        ("PUT", f"{stranger}/master-user", {"name": "Marie", "email": cred.address("master")}),
    ):
        cred.refused(stack, client, method, target, body, 409, "no_agreement")


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
@pytest.mark.parametrize("kind", ["pension_fiche", "invoice", "annual_adjustment"])
def test_document_notices_go_to_the_agreement_address_in_the_platform_language(
    stack: Stack, client: httpx.Client, locale: str, kind: str
) -> None:
    site = cred.new_site(client, locale=locale)
    notice = api.ok(cred.publish_document(client, site, kind, f"Titel {kind}"), 201)
    mail = cred.mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    assert cred.subject(mail).startswith(cred.SUBJECTS["document_notice"][locale])
    assert f"Titel {kind}" in cred.text_of(mail)
    assert site.master_email not in cred.raw(mail)


def test_mails_state_their_language(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client, locale="fr")
    mail = cred.access_code_mail(stack, site.master_id)
    assert cred.subject(mail).startswith(cred.SUBJECTS["access_code"]["fr"])
    assert mail["Content-Language"] == "fr"


def test_announcements_reach_every_agreement_of_the_platform_only(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client, locale="nl")
    neighbour = cred.new_site(client, platform=site.platform, locale="nl")
    elsewhere = cred.new_site(client, locale="nl")
    news = cred.announce(client, site.platform)
    outbox = stack.settings.outbox_dir
    for member in (site, neighbour):
        mail = cred.announcement_mail(stack, news["announcement_id"], member.organisation)
        assert mail["To"] == member.notification_email
        assert cred.subject(mail) == cred.ANNOUNCEMENT["subject"]["nl"]
        assert cred.ANNOUNCEMENT["body"]["nl"] in cred.text_of(mail)
        assert member.master_email not in cred.raw(mail)
    wait_until(lambda: len(list(outbox.glob(f"announcement-{news['announcement_id']}-*"))) == 2)
    assert not (
        outbox / f"announcement-{news['announcement_id']}-"
        f"{elsewhere.organisation.replace(':', '-')}.eml"
    ).exists()


def test_a_new_notification_address_keeps_the_users(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    new_address = cred.address("nieuwe-lijst")
    answer = cred.sign(client, site, site.reference, new_address)
    assert answer["revoked"] == []
    api.allowed(
        cred.user_check(
            client, site.platform, user["user_id"], site.organisation, min_position=site.position
        ),
        "view",
    )
    news = cred.announce(client, site.platform)
    assert cred.announcement_mail(stack, news["announcement_id"], site.organisation)["To"] == (
        new_address
    )
    # The same form again is accepted and appends nothing.
    before = api.head(client)
    again = cred.sign(client, site, site.reference, new_address)
    assert (again["revoked"], again["position"]) == ([], before)
    cred.nothing_appended(stack, client, before)


def test_the_same_reference_with_another_date_is_a_conflict(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client)
    signed = {"reference": site.reference, "notification_email": site.notification_email}
    redated = {**signed, "signed_on": "2025-02-01"}
    cred.refused(stack, client, "PUT", f"{site.base}/agreement", redated, 409, "agreement_conflict")


def test_a_new_master_user_form_replaces_the_master(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    old_master = site.master_id
    cred.appoint(client, site)
    api.denied(
        cred.user_check(
            client, site.platform, old_master, site.organisation, min_position=site.position
        ),
        ["user_revoked"],
    )
    api.problem(cred.user_list_response(client, site, old_master), 403, "not_master_user")
    users = cred.user_list(client, site, site.position)
    assert users[old_master]["status"] == "revoked"
    assert users[old_master]["end_reason"] == "master_user_replaced"
    assert {u["user_id"]: u["is_master"] for u in users.values()} == {
        old_master: True,
        user["user_id"]: False,
        site.master_id: True,
    }
    # The users of the organisation keep their access.
    api.allowed(cred.user_check(client, site.platform, user["user_id"], site.organisation), "view")
    api.ok(cred.revoke_user(client, site, user["user_id"]))


def test_the_master_user_has_a_new_code_mailed(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    first = cred.login_and_code(cred.access_code_mail(stack, user["user_id"]), user["login"])
    answer = api.ok(
        client.post(
            f"{site.base}/users/{user['user_id']}/credentials",
            json={"actor": site.master},
            headers=api.USERS,
        )
    )
    assert (answer["user_id"], answer["login"]) == (user["user_id"], user["login"])
    mail = cred.access_code_mail(stack, user["user_id"], count=2)
    assert mail["To"] == site.emails[user["user_id"]]
    second = cred.login_and_code(mail, user["login"])
    assert second != first
    before = api.head(client)
    api.problem(
        cred.activate(client, site.platform, user["login"], first), 404, "access_code_invalid"
    )
    cred.nothing_appended(stack, client, before)
    api.ok(cred.activate(client, site.platform, user["login"], second.lower()))
    users = cred.user_list(client, site, api.head(client))
    assert users[user["user_id"]]["activated"] is True


def test_an_expired_code_is_refused(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    code = cred.login_and_code(cred.access_code_mail(stack, site.master_id), site.master_login)
    stack.clock.advance(timedelta(days=15))
    cred.refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{site.platform}/credentials/activate",
        {"login": site.master_login, "code": code},
        410,
        "access_code_expired",
        api.USERS,
    )


def test_a_revoked_user_cannot_activate_or_be_changed(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    code = cred.login_and_code(cred.access_code_mail(stack, user["user_id"]), user["login"])
    api.ok(cred.revoke_user(client, site, user["user_id"]))
    changed = f"{site.base}/users/{user['user_id']}"
    for method, target, body in (
        (
            "POST",
            f"/v1/platforms/{site.platform}/credentials/activate",
            {"login": user["login"], "code": code},
        ),
        ("PUT", changed, {"actor": site.master, **cred.fiche()}),
        ("POST", f"{changed}/credentials", {"actor": site.master}),
    ):
        cred.refused(stack, client, method, target, body, 409, "user_revoked", api.USERS)


def test_a_listed_contract_that_moves_away_leaves_the_scope(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client)
    other = cred.organisation(client)
    moved = site.contracts[0]
    listed = cred.add_user(client, site, cred.fiche(contracts=[moved]))
    everything = cred.add_user(client, site, cred.fiche())
    api.put(
        client,
        f"/v1/platforms/{site.platform}/contracts/{moved}",
        {"holder": other, "name": "Overgedragen groepsverzekering"},
    )
    position = api.head(client)
    api.denied(
        cred.user_check(
            client,
            site.platform,
            everything["user_id"],
            site.organisation,
            contract=moved,
            min_position=position,
        ),
        ["contract_out_of_scope"],
        "view",
        "user",
    )
    api.denied(
        cred.user_check(
            client, site.platform, listed["user_id"], site.organisation, contract=moved
        ),
        ["contract_out_of_scope"],
        "view",
        "user",
    )


def test_announcements_on_an_eherkenning_platform_are_refused(
    stack: Stack, client: httpx.Client
) -> None:
    announcements = f"/v1/platforms/{cred.eherkenning_platform(client)}/announcements"
    cred.refused(
        stack,
        client,
        "POST",
        announcements,
        cred.ANNOUNCEMENT,
        422,
        "platform_mismatch",
    )
