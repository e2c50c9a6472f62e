"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API:
the Ethias FAQ end to end, platforms kept apart.

How every test builds its own site and reads the views: see credential_support.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.mailbox import read_mail

# ---------------------------------------------------------------- the Ethias FAQ, end to end


def test_the_ethias_faq_flow(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = cred.new_site(client, locale="fr")
    other = cred.organisation(client)
    foreign_contract = cred.contract(client, site.platform, other)
    first, second = site.contracts

    # The master user gets login and code at its own address, in the platform's language.
    mail = cred.access_code_mail(stack, site.master_id)
    assert mail["To"] == site.master_email
    assert cred.subject(mail).startswith(cred.SUBJECTS["access_code"]["fr"])
    code = cred.login_and_code(mail, site.master_login)
    assert "utilisateur principal" in cred.text_of(mail)
    activated = api.ok(cred.activate(client, site.platform, site.master_login, code))
    assert (activated["user_id"], activated["login"]) == (site.master_id, site.master_login)
    before = api.head(client)
    api.problem(
        cred.activate(client, site.platform, site.master_login, code), 404, "access_code_invalid"
    )
    cred.nothing_appended(stack, client, before)

    # The master user adds an internal user on one contract and an external consultant.
    internal = cred.add_user(client, site, cred.fiche("Jan Janssens", contracts=[first]))
    consultant = cred.add_user(
        client,
        site,
        cred.fiche(
            "Els Claes",
            rights="edit",
            external=True,
            assignment="Actuarieel advies 2025",
            valid_until=today + timedelta(days=90),
        ),
    )
    assert internal["login"] != consultant["login"] != site.master_login
    for created in (internal, consultant):
        mail = cred.access_code_mail(stack, created["user_id"])
        assert mail["To"] == site.emails[created["user_id"]]
        cred.login_and_code(mail, created["login"])
    position = site.position

    # Rights and contract scope.
    ref, platform = site.organisation, site.platform
    api.allowed(
        cred.user_check(client, platform, internal["user_id"], ref, min_position=position), "view"
    )
    api.allowed(cred.user_check(client, platform, internal["user_id"], ref, contract=first), "view")
    api.denied(
        cred.user_check(client, platform, internal["user_id"], ref, "edit"),
        ["rights_insufficient"],
        "view",
        "user",
    )
    api.denied(
        cred.user_check(client, platform, internal["user_id"], ref, contract=second),
        ["contract_out_of_scope"],
        "view",
        "user",
    )
    api.allowed(
        cred.user_check(client, platform, consultant["user_id"], ref, "edit", contract=second),
        "edit",
    )
    api.denied(
        cred.user_check(
            client, platform, consultant["user_id"], ref, "view", contract=foreign_contract
        ),
        ["contract_out_of_scope"],
        "edit",
        "user",
    )
    answer = api.ok(cred.user_portals_response(client, platform, internal["user_id"]))
    assert answer["portals"] == [{"organisation": ref, "rights": "view", "via": "user"}]

    # A profile change is a complete new fiche, in the body a fiche is created with.
    new_fiche = cred.fiche("Jan Janssens", rights="edit", contracts=[first, second])
    changed = api.ok(cred.replace_user(client, site, internal["user_id"], new_fiche))
    assert changed["user_id"] == internal["user_id"]
    assert changed["login"] == internal["login"]
    decision = cred.user_check(
        client,
        platform,
        internal["user_id"],
        ref,
        "edit",
        contract=second,
        min_position=changed["position"],
    )
    api.allowed(decision, "edit")
    partial = {k: v for k, v in new_fiche.items() if k != "rights"}
    cred.refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{internal['user_id']}",
        {"actor": site.master, **partial},
        422,
        "invalid_request",
        api.USERS,
    )

    # Revocation.
    revoked = api.ok(cred.revoke_user(client, site, internal["user_id"]))
    assert (revoked["user_id"], revoked["status"]) == (internal["user_id"], "revoked")
    api.denied(
        cred.user_check(
            client, platform, internal["user_id"], ref, min_position=revoked["position"]
        ),
        ["user_revoked"],
    )
    before = api.head(client)
    api.problem(cred.revoke_user(client, site, internal["user_id"]), 409, "user_revoked")
    cred.nothing_appended(stack, client, before)

    # The master user's list.
    users = cred.user_list(client, site, revoked["position"])
    assert set(users) == {site.master_id, internal["user_id"], consultant["user_id"]}
    master_row, internal_row = users[site.master_id], users[internal["user_id"]]
    consultant_row = users[consultant["user_id"]]
    assert master_row["is_master"] is True
    assert (master_row["status"], master_row["rights"], master_row["contracts"]) == (
        "active",
        "edit",
        "all",
    )
    assert master_row["activated"] is True
    assert internal_row["status"] == "revoked"
    assert internal_row["end_reason"] == "heeft de onderneming verlaten"
    assert (internal_row["rights"], internal_row["contracts"]) == ("edit", [first, second])
    assert consultant_row["status"] == "active"
    assert consultant_row["external"] is True
    assert consultant_row["assignment"] == "Actuarieel advies 2025"
    assert consultant_row["valid_until"] == (today + timedelta(days=90)).isoformat()
    assert consultant_row["activated"] is False
    assert {row["agreement"] for row in users.values()} == {site.reference}

    # A new agreement removes all old accesses and requires a new master user.
    old_master, old_reference = site.master_id, site.reference
    new_reference = cred.unique("EXT")
    answer = cred.sign(client, site, new_reference, cred.address("pensioenlijst"), "2026-01-02")
    assert answer["reference"] == new_reference
    assert set(answer["revoked"]) == {old_master, consultant["user_id"]}
    for user_id in (old_master, consultant["user_id"]):
        api.denied(
            cred.user_check(client, platform, user_id, ref, min_position=answer["position"]),
            ["agreement_superseded"],
        )
    api.denied(cred.user_check(client, platform, internal["user_id"], ref), ["user_revoked"])
    api.problem(cred.user_list_response(client, site, old_master), 403, "not_master_user")
    cred.refused(
        stack,
        client,
        "POST",
        f"{site.base}/users",
        {"actor": cred.credentials(old_master), **cred.fiche()},
        403,
        "not_master_user",
        api.USERS,
    )
    cred.appoint(client, site)
    assert site.master_id != old_master
    mail = cred.access_code_mail(stack, site.master_id)
    assert mail["To"] == site.master_email
    users = cred.user_list(client, site, site.position)
    assert users[site.master_id]["agreement"] == new_reference
    assert users[site.master_id]["status"] == "active"
    assert users[old_master]["status"] == "revoked"
    assert users[old_master]["end_reason"] == "agreement_superseded"
    assert users[old_master]["agreement"] == old_reference
    assert users[consultant["user_id"]]["end_reason"] == "agreement_superseded"
    newcomer = cred.add_user(client, site, cred.fiche("Luc Peeters"))
    api.allowed(
        cred.user_check(
            client, platform, newcomer["user_id"], ref, min_position=newcomer["position"]
        ),
        "view",
    )

    # Announcements and document notices reach the agreement address, in French.
    news = cred.announce(client, platform)
    mail = cred.announcement_mail(stack, news["announcement_id"], ref)
    assert mail["To"] == site.notification_email
    assert cred.subject(mail) == cred.ANNOUNCEMENT["subject"]["fr"]
    assert cred.ANNOUNCEMENT["body"]["fr"] in cred.text_of(mail)
    notice = api.ok(cred.publish_document(client, site, "pension_fiche", "Fiches 2025"), 201)
    mail = cred.mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    assert cred.subject(mail).startswith(cred.SUBJECTS["document_notice"]["fr"])
    assert "Fiches 2025" in cred.text_of(mail)
    assert "nouvelles fiches de pension" in cred.text_of(mail)

    # Access codes went to each person's own address only; those addresses are used for
    # nothing else.
    personal = set(site.emails.values())
    outbox = stack.settings.outbox_dir
    for user_id, own in site.emails.items():
        for path in cred.code_mails(outbox, user_id):
            assert read_mail(path)["To"] == own
    notices = [
        *outbox.glob(f"announcement-{news['announcement_id']}-*.eml"),
        outbox / f"document-{notice['document_id']}.eml",
    ]
    for path in notices:
        text = cred.raw(read_mail(path))
        assert not [own for own in personal if own in text], path


def test_three_platforms_keep_their_accesses_apart(stack: Stack, client: httpx.Client) -> None:
    """Ethias: one organisation, three platforms, three agreements and three master users."""
    ref = cred.organisation(client)
    sites = [cred.new_site(client, locale=locale, ref=ref) for locale in ("nl", "fr", "en")]
    users = [cred.add_user(client, site, cred.fiche(rights="edit")) for site in sites]
    position = max(site.position for site in sites)
    for index in range(len(sites)):
        for other_index, other in enumerate(sites):
            decision = cred.user_check(
                client, other.platform, users[index]["user_id"], ref, "edit", min_position=position
            )
            if index == other_index:
                api.allowed(decision, "edit")
            else:
                api.denied(decision, ["platform_mismatch"])
                api.problem(
                    cred.user_portals_response(client, other.platform, users[index]["user_id"]),
                    403,
                    "platform_mismatch",
                )
    first, second, _ = sites
    # A master user manages its own platform only, even for the same organisation.
    api.problem(cred.user_list_response(client, second, first.master_id), 403, "not_master_user")
    cred.refused(
        stack,
        client,
        "POST",
        f"{second.base}/users",
        {"actor": first.master, **cred.fiche()},
        403,
        "not_master_user",
        api.USERS,
    )
    cred.refused(
        stack,
        client,
        "POST",
        f"{second.base}/users/{users[1]['user_id']}/revoke",
        {"actor": first.master, "reason": "x"},
        403,
        "not_master_user",
        api.USERS,
    )
    # A login and code are only valid on their own platform.
    code = cred.login_and_code(cred.access_code_mail(stack, users[0]["user_id"]), users[0]["login"])
    before = api.head(client)
    api.problem(
        cred.activate(client, second.platform, users[0]["login"], code), 404, "access_code_invalid"
    )
    cred.nothing_appended(stack, client, before)
    api.ok(cred.activate(client, first.platform, users[0]["login"], code))
    # Each platform mails its own announcement in its own language.
    for site in sites:
        news = cred.announce(client, site.platform)
        mail = cred.announcement_mail(stack, news["announcement_id"], ref)
        assert mail["To"] == site.notification_email
        assert cred.subject(mail) == cred.ANNOUNCEMENT["subject"][site.locale]
        sent = stack.settings.outbox_dir.glob(f"announcement-{news['announcement_id']}-*")
        assert len(list(sent)) == 1
