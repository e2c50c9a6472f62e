"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API:
agreements, notices, announcements, master users.

Every test builds its own random platform, KBO organisation, contracts, agreement and master
user over HTTP, on SQLite and on PostgreSQL, and reads the views with the position of its last
write (or the head of the log) as `min_position`. Mail is read from the file outbox as a person
would read it. Refused commands are checked to append nothing.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import httpx
import pytest

from tests.conftest import Stack
from tests.integration.credential_support import (
    ANNOUNCEMENT,
    SUBJECTS,
    USERS,
    access_code_mail,
    activate,
    add_user,
    address,
    allowed,
    announce,
    announcement_mail,
    appoint,
    check,
    credential_platform,
    denied,
    eherkenning_platform,
    fiche,
    head,
    login_and_code,
    mail_file,
    new_site,
    nothing_appended,
    ok,
    organisation,
    portals_response,
    problem,
    publish_document,
    put,
    raw,
    refused,
    revoke_user,
    sign,
    subject,
    text_of,
    user_list,
    user_list_response,
)
from tests.support import wait_until


def test_unknown_users_and_other_login_methods(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    denied(check(client, site.platform, str(uuid4()), site.organisation), "user_unknown")
    denied(check(client, site.platform, "not-a-uuid", site.organisation), "user_unknown")
    problem(portals_response(client, site.platform, str(uuid4())), 403, "user_unknown")
    eherkenning = eherkenning_platform(client)
    denied(
        check(client, eherkenning, site.master_id, site.organisation), "login_method_not_accepted"
    )


def test_a_user_opens_its_own_organisation_only(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    neighbour = new_site(client, platform=site.platform)
    stranger = organisation(client)  # no agreement on the platform at all
    user = add_user(client, site, fiche(rights="edit"))
    position = user["position"]
    for elsewhere in (neighbour.organisation, stranger):
        denied(
            check(client, site.platform, user["user_id"], elsewhere, min_position=position),
            "organisation_mismatch",
        )
    answer = ok(portals_response(client, site.platform, user["user_id"], position))
    assert [p["organisation"] for p in answer["portals"]] == [site.organisation]


def test_document_notices_need_an_agreement(stack: Stack, client: httpx.Client) -> None:
    platform = credential_platform(client)
    stranger = organisation(client)
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{platform}/organisations/{stranger}/documents",
        {"kind": "invoice", "title": "Factuur 2025-01"},
        409,
        "no_agreement",
    )
    refused(
        stack,
        client,
        "PUT",
        f"/v1/platforms/{platform}/organisations/{stranger}/master-user",
        {"name": "Marie", "email": address("master")},
        409,
        "no_agreement",
    )


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
@pytest.mark.parametrize("kind", ["pension_fiche", "invoice", "annual_adjustment"])
def test_document_notices_go_to_the_agreement_address_in_the_platform_language(
    stack: Stack, client: httpx.Client, locale: str, kind: str
) -> None:
    site = new_site(client, locale=locale)
    notice = ok(publish_document(client, site, kind, f"Titel {kind}"), 201)
    mail = mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    assert subject(mail).startswith(SUBJECTS["document_notice"][locale])
    assert f"Titel {kind}" in text_of(mail)
    assert site.master_email not in raw(mail)


def test_mails_state_their_language(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client, locale="fr")
    mail = access_code_mail(stack, site.master_id)
    assert subject(mail).startswith(SUBJECTS["access_code"]["fr"])
    assert mail["Content-Language"] == "fr"


def test_announcements_reach_every_agreement_of_the_platform_only(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client, locale="nl")
    neighbour = new_site(client, platform=site.platform, locale="nl")
    elsewhere = new_site(client, locale="nl")
    news = announce(client, site.platform)
    outbox = stack.settings.outbox_dir
    for member in (site, neighbour):
        mail = announcement_mail(stack, news["announcement_id"], member.organisation)
        assert mail["To"] == member.notification_email
        assert subject(mail) == ANNOUNCEMENT["subject"]["nl"]
        assert ANNOUNCEMENT["body"]["nl"] in text_of(mail)
        assert member.master_email not in raw(mail)
    wait_until(lambda: len(list(outbox.glob(f"announcement-{news['announcement_id']}-*"))) == 2)
    assert not (
        outbox / f"announcement-{news['announcement_id']}-"
        f"{elsewhere.organisation.replace(':', '-')}.eml"
    ).exists()


def test_a_new_notification_address_keeps_the_users(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    new_address = address("nieuwe-lijst")
    answer = sign(client, site, site.reference, new_address)
    assert answer["revoked"] == []
    allowed(
        check(
            client, site.platform, user["user_id"], site.organisation, min_position=site.position
        ),
        "view",
    )
    news = announce(client, site.platform)
    assert announcement_mail(stack, news["announcement_id"], site.organisation)["To"] == (
        new_address
    )
    # The same form again is accepted and appends nothing.
    before = head(client)
    again = sign(client, site, site.reference, new_address)
    assert (again["revoked"], again["position"]) == ([], before)
    nothing_appended(stack, client, before)


def test_the_same_reference_with_another_date_is_a_conflict(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client)
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/agreement",
        {
            "reference": site.reference,
            "notification_email": site.notification_email,
            "signed_on": "2025-02-01",
        },
        409,
        "agreement_conflict",
    )


def test_a_new_master_user_form_replaces_the_master(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    old_master = site.master_id
    appoint(client, site)
    denied(
        check(client, site.platform, old_master, site.organisation, min_position=site.position),
        "user_revoked",
    )
    problem(user_list_response(client, site, old_master), 403, "not_master_user")
    users = user_list(client, site, site.position)
    assert users[old_master]["status"] == "revoked"
    assert users[old_master]["end_reason"] == "master_user_replaced"
    assert {u["user_id"]: u["is_master"] for u in users.values()} == {
        old_master: True,
        user["user_id"]: False,
        site.master_id: True,
    }
    # The users of the organisation keep their access.
    allowed(check(client, site.platform, user["user_id"], site.organisation), "view")
    ok(revoke_user(client, site, user["user_id"]))


def test_the_master_user_has_a_new_code_mailed(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    first = login_and_code(access_code_mail(stack, user["user_id"]), user["login"])
    answer = ok(
        client.post(
            f"{site.base}/users/{user['user_id']}/credentials",
            json={"actor": site.master},
            headers=USERS,
        )
    )
    assert (answer["user_id"], answer["login"]) == (user["user_id"], user["login"])
    mail = access_code_mail(stack, user["user_id"], count=2)
    assert mail["To"] == site.emails[user["user_id"]]
    second = login_and_code(mail, user["login"])
    assert second != first
    before = head(client)
    problem(activate(client, site.platform, user["login"], first), 404, "access_code_invalid")
    nothing_appended(stack, client, before)
    ok(activate(client, site.platform, user["login"], second.lower()))
    users = user_list(client, site, head(client))
    assert users[user["user_id"]]["activated"] is True


def test_an_expired_code_is_refused(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    code = login_and_code(access_code_mail(stack, site.master_id), site.master_login)
    stack.clock.advance(timedelta(days=15))
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{site.platform}/credentials/activate",
        {"login": site.master_login, "code": code},
        410,
        "access_code_expired",
        USERS,
    )


def test_a_revoked_user_cannot_activate_or_be_changed(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    code = login_and_code(access_code_mail(stack, user["user_id"]), user["login"])
    ok(revoke_user(client, site, user["user_id"]))
    path = f"/v1/platforms/{site.platform}/credentials/activate"
    refused(
        stack,
        client,
        "POST",
        path,
        {"login": user["login"], "code": code},
        409,
        "user_revoked",
        USERS,
    )
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{user['user_id']}",
        {"actor": site.master, **fiche()},
        409,
        "user_revoked",
        USERS,
    )
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users/{user['user_id']}/credentials",
        {"actor": site.master},
        409,
        "user_revoked",
        USERS,
    )


def test_a_listed_contract_that_moves_away_leaves_the_scope(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client)
    other = organisation(client)
    moved = site.contracts[0]
    listed = add_user(client, site, fiche(contracts=[moved]))
    everything = add_user(client, site, fiche())
    put(
        client,
        f"/v1/platforms/{site.platform}/contracts/{moved}",
        {"holder": other, "name": "Overgedragen groepsverzekering"},
    )
    position = head(client)
    denied(
        check(
            client,
            site.platform,
            everything["user_id"],
            site.organisation,
            contract=moved,
            min_position=position,
        ),
        "contract_out_of_scope",
        "view",
    )
    denied(
        check(client, site.platform, listed["user_id"], site.organisation, contract=moved),
        "contract_out_of_scope",
        "view",
    )


def test_announcements_on_an_eherkenning_platform_are_refused(
    stack: Stack, client: httpx.Client
) -> None:
    platform = eherkenning_platform(client)
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{platform}/announcements",
        ANNOUNCEMENT,
        422,
        "platform_mismatch",
    )
