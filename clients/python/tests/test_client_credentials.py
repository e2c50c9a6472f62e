"""A credential platform (Ethias-style) through the client: agreement, master user, users."""

from __future__ import annotations

from datetime import date

from client_support import Service, access_code
from toegang_client import Client, Credentials, Fiche, Language, PlatformUser

from tests.mailbox import read_mail
from tests.support import random_kbo, random_slug, wait_until


def signed_site(
    toegang: Client, reference: str, language: Language | None = None
) -> tuple[str, str, PlatformUser]:
    """A fresh credential platform, a KBO organisation holding contracts G-1 and G-2 that
    signed agreement `reference`, and its master user (both in `language`, if given)."""
    platform, org = random_slug(), random_kbo()
    toegang.put_platform(platform, name="Extranet", login=["credentials"], min_loa="EH3")
    toegang.put_organisation(org, name="Les Trois Clés", contact_email="rh@tc.example")
    toegang.put_contract(platform, "G-1", holder=org, name="Groep")
    toegang.put_contract(platform, "G-2", holder=org, name="Kader")
    signed = toegang.put_agreement(
        platform,
        org,
        reference=reference,
        notification_email="p@tc.example",
        signed_on="2024-03-01",
        language=language,
    )
    assert (signed.reference, signed.revoked) == (reference, ())
    master = toegang.put_master_user(
        platform, org, name="Marie Dubois", email="marie@tc.example", language=language
    )
    return platform, org, master


def mail_language(service: Service, pattern: str) -> str:
    """The Content-Language of the newest outbox mail whose file name matches `pattern`."""
    paths = wait_until(lambda: sorted(service.outbox.glob(pattern)))
    return str(read_mail(paths[-1])["Content-Language"])


def test_languages_of_the_agreement_the_master_user_and_a_fiche(
    service: Service, toegang: Client
) -> None:
    """On a Dutch platform: French where it is known, the platform's where it is not."""
    platform, org, master = signed_site(toegang, "EXT-3", "fr")
    boss = Credentials(master.user_id)
    luc = toegang.create_user(
        platform, org, boss, Fiche("Luc Lambert", "luc@tc.example", "view", "all", language="fr")
    )
    jan = toegang.create_user(platform, org, boss, Fiche("Jan", "jan@tc.example", "view", "all"))
    notice = toegang.publish_document(platform, org, kind="invoice", title="Facture 2026-11")
    assert mail_language(service, f"access-code-{master.user_id}-*.eml") == "fr"
    assert mail_language(service, f"access-code-{luc.user_id}-*.eml") == "fr"
    assert mail_language(service, f"access-code-{jan.user_id}-*.eml") == "nl"
    assert mail_language(service, f"document-{notice.document_id}.eml") == "fr"


def test_agreement_master_user_and_users(service: Service) -> None:
    """With read_your_writes, each read waits for the client's last write without being told."""
    with service.client(read_your_writes=True) as toegang:
        platform, org, master = signed_site(toegang, "EXT-1")
        boss = Credentials(master.user_id)
        fiche = Fiche("Jan Peeters", "jan@tc.example", "view", ["G-1"])
        jan = toegang.create_user(platform, org, boss, fiche)
        assert jan.login and jan.position > master.position
        login = Credentials(jan.user_id)
        viewing = toegang.check(platform, login, org, "view", contract="G-1")
        editing = toegang.check(platform, login, org, "edit", contract="G-1")
        assert (viewing.allowed, viewing.via, editing.codes) == (
            True,
            "user",
            ("rights_insufficient",),
        )

        replaced = toegang.replace_user(
            platform, org, jan.user_id, boss, Fiche("Jan Peeters", "jan@tc.example", "edit", "all")
        )
        other = toegang.check(platform, login, org, "edit", contract="G-2")
        assert other.allowed and other.position >= replaced.position == toegang.position
        listed = toegang.list_users(platform, org, master.user_id)
    fiches = {user.user_id: user for user in listed.users}
    assert (fiches[jan.user_id].rights, fiches[jan.user_id].contracts) == ("edit", "all")
    assert fiches[master.user_id].is_master and listed.agreement == "EXT-1"


def test_an_access_code_activated_and_a_user_revoked(service: Service, toegang: Client) -> None:
    platform, org, master = signed_site(toegang, "EXT-2")
    fiche = Fiche(
        "An Claes", "an@consult.example", "edit", ["G-1"], True, "Audit", date(2030, 6, 30)
    )
    an = toegang.create_user(platform, org, Credentials(master.user_id), fiche)
    activated = toegang.activate_code(platform, an.login, access_code(service.outbox, an.user_id))
    assert activated.user_id == an.user_id

    notice = toegang.publish_document(platform, org, kind="invoice", title="Factuur 2026-11")
    news = toegang.announce(platform, subject={"nl": "Nieuw"}, body={"nl": "Vanaf maandag"})
    assert notice.document_id and news.announcement_id and news.position > notice.position

    revoked = toegang.revoke_user(platform, org, an.user_id, Credentials(master.user_id), "klaar")
    assert revoked.status == "revoked"
    at = revoked.position
    after = toegang.check(platform, Credentials(an.user_id), org, "view", min_position=at)
    assert not after.allowed and after.reasons
    listed = toegang.list_users(platform, org, master.user_id, min_position=at)
    gone = next(user for user in listed.users if user.user_id == an.user_id)
    assert (gone.status, gone.valid_until, gone.external) == ("revoked", date(2030, 6, 30), True)
