"""A credential platform (Ethias-style) through the client: agreement, master user, users."""

from __future__ import annotations

from datetime import date

from client_support import Service, access_code
from toegang_client import Client, Credentials, Fiche

from tests.support import random_kbo, random_slug


def credential_site(toegang: Client) -> tuple[str, str, str]:
    """A fresh credential platform, a KBO organisation and one contract it holds."""
    platform, organisation = random_slug(), random_kbo()
    toegang.put_platform(platform, name="Extranet", login=["credentials"], min_loa="EH3")
    toegang.put_organisation(organisation, name="Les Trois Clés", contact_email="rh@tc.example")
    toegang.put_contract(platform, "G-1", holder=organisation, name="Groep")
    toegang.put_contract(platform, "G-2", holder=organisation, name="Kader")
    return platform, organisation, "G-1"


def test_agreement_master_user_and_users(service: Service) -> None:
    """With read_your_writes, each read waits for the client's last write without being told."""
    with service.client(read_your_writes=True) as toegang:
        agreement_master_user_and_users(toegang)


def agreement_master_user_and_users(toegang: Client) -> None:
    platform, org, contract = credential_site(toegang)
    agreement = toegang.put_agreement(
        platform,
        org,
        reference="EXT-1",
        notification_email="pensioen@tc.example",
        signed_on=date(2024, 3, 1),
    )
    assert (agreement.reference, agreement.revoked) == ("EXT-1", ())
    master = toegang.put_master_user(platform, org, name="Marie Dubois", email="marie@tc.example")
    boss = Credentials(master.user_id)
    jan = toegang.create_user(
        platform, org, boss, Fiche("Jan Peeters", "jan@tc.example", "view", [contract])
    )
    assert jan.login and jan.position > master.position

    viewing = toegang.check(platform, Credentials(jan.user_id), org, "view", contract=contract)
    editing = toegang.check(platform, Credentials(jan.user_id), org, "edit", contract=contract)
    assert (viewing.allowed, viewing.via) == (True, "user")
    assert editing.codes == ("rights_insufficient",)

    replaced = toegang.replace_user(
        platform, org, jan.user_id, boss, Fiche("Jan Peeters", "jan@tc.example", "edit", "all")
    )
    other = toegang.check(
        platform,
        Credentials(jan.user_id),
        org,
        "edit",
        contract="G-2",
        min_position=replaced.position,
    )
    assert other.allowed and other.rights == "edit"

    assert other.position >= replaced.position == toegang.position
    listed = toegang.list_users(platform, org, master.user_id)
    fiches = {user.user_id: user for user in listed.users}
    assert (fiches[jan.user_id].rights, fiches[jan.user_id].contracts) == ("edit", "all")
    assert fiches[master.user_id].is_master and listed.agreement == "EXT-1"


def test_an_access_code_activated_and_a_user_revoked(service: Service, toegang: Client) -> None:
    platform, org, contract = credential_site(toegang)
    toegang.put_agreement(
        platform, org, reference="EXT-2", notification_email="p@tc.example", signed_on="2024-03-01"
    )
    master = toegang.put_master_user(platform, org, name="Marie", email="marie@tc.example")
    fiche = Fiche(
        "An Claes",
        "an@consult.example",
        "edit",
        [contract],
        external=True,
        assignment="Audit",
        valid_until=date(2030, 6, 30),
    )
    an = toegang.create_user(platform, org, Credentials(master.user_id), fiche)

    activated = toegang.activate_code(platform, an.login, access_code(service.outbox, an.user_id))
    assert activated.user_id == an.user_id

    revoked = toegang.revoke_user(platform, org, an.user_id, Credentials(master.user_id), "klaar")
    assert revoked.status == "revoked"
    after = toegang.check(
        platform,
        Credentials(an.user_id),
        org,
        "view",
        contract=contract,
        min_position=revoked.position,
    )
    assert not after.allowed and after.reasons
    listed = toegang.list_users(platform, org, master.user_id, min_position=revoked.position)
    gone = next(user for user in listed.users if user.user_id == an.user_id)
    assert (gone.status, gone.valid_until, gone.external) == ("revoked", date(2030, 6, 30), True)
