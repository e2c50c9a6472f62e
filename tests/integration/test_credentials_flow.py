"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API:
the Ethias FAQ end to end, platforms kept apart.

Every test builds its own random platform, KBO organisation, contracts, agreement and master
user over HTTP, on SQLite and on PostgreSQL, and reads the views with the position of its last
write (or the head of the log) as `min_position`. Mail is read from the file outbox as a person
would read it. Refused commands are checked to append nothing.
"""

from __future__ import annotations

from datetime import timedelta

import httpx

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
    code_mails,
    contract,
    credentials,
    denied,
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
    raw,
    refused,
    replace_user,
    revoke_user,
    sign,
    subject,
    text_of,
    unique,
    user_list,
    user_list_response,
)
from tests.mailbox import read_mail

# ---------------------------------------------------------------- the Ethias FAQ, end to end


def test_the_ethias_faq_flow(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = new_site(client, locale="fr")
    other = organisation(client)
    foreign_contract = contract(client, site.platform, other)
    first, second = site.contracts

    # The master user gets login and code at its own address, in the platform's language.
    mail = access_code_mail(stack, site.master_id)
    assert mail["To"] == site.master_email
    assert subject(mail).startswith(SUBJECTS["access_code"]["fr"])
    code = login_and_code(mail, site.master_login)
    assert "utilisateur principal" in text_of(mail)
    activated = ok(activate(client, site.platform, site.master_login, code))
    assert (activated["user_id"], activated["login"]) == (site.master_id, site.master_login)
    before = head(client)
    problem(activate(client, site.platform, site.master_login, code), 404, "access_code_invalid")
    nothing_appended(stack, client, before)

    # The master user adds an internal user on one contract and an external consultant.
    internal = add_user(client, site, fiche("Jan Janssens", contracts=[first]))
    consultant = add_user(
        client,
        site,
        fiche(
            "Els Claes",
            rights="edit",
            external=True,
            assignment="Actuarieel advies 2025",
            valid_until=today + timedelta(days=90),
        ),
    )
    assert internal["login"] != consultant["login"] != site.master_login
    for created in (internal, consultant):
        mail = access_code_mail(stack, created["user_id"])
        assert mail["To"] == site.emails[created["user_id"]]
        login_and_code(mail, created["login"])
    position = site.position

    # Rights and contract scope.
    ref, platform = site.organisation, site.platform
    allowed(check(client, platform, internal["user_id"], ref, min_position=position), "view")
    allowed(check(client, platform, internal["user_id"], ref, contract=first), "view")
    denied(check(client, platform, internal["user_id"], ref, "edit"), "rights_insufficient", "view")
    denied(
        check(client, platform, internal["user_id"], ref, contract=second),
        "contract_out_of_scope",
        "view",
    )
    allowed(check(client, platform, consultant["user_id"], ref, "edit", contract=second), "edit")
    denied(
        check(client, platform, consultant["user_id"], ref, "view", contract=foreign_contract),
        "contract_out_of_scope",
        "edit",
    )
    answer = ok(portals_response(client, platform, internal["user_id"]))
    assert answer["portals"] == [{"organisation": ref, "rights": "view", "via": "user"}]

    # A profile change is a complete new fiche; a partial one is refused.
    new_fiche = fiche("Jan Janssens", rights="edit", contracts=[first, second])
    changed = ok(replace_user(client, site, internal["user_id"], new_fiche))
    assert changed["user_id"] == internal["user_id"]
    assert changed["login"] == internal["login"]
    decision = check(
        client,
        platform,
        internal["user_id"],
        ref,
        "edit",
        contract=second,
        min_position=changed["position"],
    )
    allowed(decision, "edit")
    partial = {k: v for k, v in new_fiche.items() if k != "assignment"}
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{internal['user_id']}",
        {"actor": site.master, **partial},
        422,
        "invalid_request",
        USERS,
    )

    # Revocation.
    revoked = ok(revoke_user(client, site, internal["user_id"]))
    assert (revoked["user_id"], revoked["status"]) == (internal["user_id"], "revoked")
    denied(
        check(client, platform, internal["user_id"], ref, min_position=revoked["position"]),
        "user_revoked",
    )
    before = head(client)
    problem(revoke_user(client, site, internal["user_id"]), 409, "user_revoked")
    nothing_appended(stack, client, before)

    # The master user's list.
    users = user_list(client, site, revoked["position"])
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
    new_reference = unique("EXT")
    answer = sign(client, site, new_reference, address("pensioenlijst"), "2026-01-02")
    assert answer["reference"] == new_reference
    assert set(answer["revoked"]) == {old_master, consultant["user_id"]}
    for user_id in (old_master, consultant["user_id"]):
        denied(
            check(client, platform, user_id, ref, min_position=answer["position"]),
            "agreement_superseded",
        )
    denied(check(client, platform, internal["user_id"], ref), "user_revoked")
    problem(user_list_response(client, site, old_master), 403, "not_master_user")
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users",
        {"actor": credentials(old_master), **fiche()},
        403,
        "not_master_user",
        USERS,
    )
    appoint(client, site)
    assert site.master_id != old_master
    mail = access_code_mail(stack, site.master_id)
    assert mail["To"] == site.master_email
    users = user_list(client, site, site.position)
    assert users[site.master_id]["agreement"] == new_reference
    assert users[site.master_id]["status"] == "active"
    assert users[old_master]["status"] == "revoked"
    assert users[old_master]["end_reason"] == "agreement_superseded"
    assert users[old_master]["agreement"] == old_reference
    assert users[consultant["user_id"]]["end_reason"] == "agreement_superseded"
    newcomer = add_user(client, site, fiche("Luc Peeters"))
    allowed(
        check(client, platform, newcomer["user_id"], ref, min_position=newcomer["position"]),
        "view",
    )

    # Announcements and document notices reach the agreement address, in French.
    news = announce(client, platform)
    mail = announcement_mail(stack, news["announcement_id"], ref)
    assert mail["To"] == site.notification_email
    assert subject(mail) == ANNOUNCEMENT["subject"]["fr"]
    assert ANNOUNCEMENT["body"]["fr"] in text_of(mail)
    notice = ok(publish_document(client, site, "pension_fiche", "Fiches 2025"), 201)
    mail = mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    assert subject(mail).startswith(SUBJECTS["document_notice"]["fr"])
    assert "Fiches 2025" in text_of(mail)
    assert "nouvelles fiches de pension" in text_of(mail)

    # Access codes went to each person's own address only; those addresses are used for
    # nothing else.
    personal = set(site.emails.values())
    outbox = stack.settings.outbox_dir
    for user_id, own in site.emails.items():
        for path in code_mails(outbox, user_id):
            assert read_mail(path)["To"] == own
    notices = [
        *outbox.glob(f"announcement-{news['announcement_id']}-*.eml"),
        outbox / f"document-{notice['document_id']}.eml",
    ]
    for path in notices:
        text = raw(read_mail(path))
        assert not [own for own in personal if own in text], path


def test_three_platforms_keep_their_accesses_apart(stack: Stack, client: httpx.Client) -> None:
    """Ethias: one organisation, three platforms, three agreements and three master users."""
    ref = organisation(client)
    sites = [new_site(client, locale=locale, ref=ref) for locale in ("nl", "fr", "en")]
    users = [add_user(client, site, fiche(rights="edit")) for site in sites]
    position = max(site.position for site in sites)
    for index in range(len(sites)):
        for other_index, other in enumerate(sites):
            decision = check(
                client, other.platform, users[index]["user_id"], ref, "edit", min_position=position
            )
            if index == other_index:
                allowed(decision, "edit")
            else:
                denied(decision, "platform_mismatch")
                problem(
                    portals_response(client, other.platform, users[index]["user_id"]),
                    403,
                    "platform_mismatch",
                )
    first, second, _ = sites
    # A master user manages its own platform only, even for the same organisation.
    problem(user_list_response(client, second, first.master_id), 403, "not_master_user")
    refused(
        stack,
        client,
        "POST",
        f"{second.base}/users",
        {"actor": first.master, **fiche()},
        403,
        "not_master_user",
        USERS,
    )
    refused(
        stack,
        client,
        "POST",
        f"{second.base}/users/{users[1]['user_id']}/revoke",
        {"actor": first.master, "reason": "x"},
        403,
        "not_master_user",
        USERS,
    )
    # A login and code are only valid on their own platform.
    code = login_and_code(access_code_mail(stack, users[0]["user_id"]), users[0]["login"])
    before = head(client)
    problem(activate(client, second.platform, users[0]["login"], code), 404, "access_code_invalid")
    nothing_appended(stack, client, before)
    ok(activate(client, first.platform, users[0]["login"], code))
    # Each platform mails its own announcement in its own language.
    for site in sites:
        news = announce(client, site.platform)
        mail = announcement_mail(stack, news["announcement_id"], ref)
        assert mail["To"] == site.notification_email
        assert subject(mail) == ANNOUNCEMENT["subject"][site.locale]
        sent = stack.settings.outbox_dir.glob(f"announcement-{news['announcement_id']}-*")
        assert len(list(sent)) == 1
