"""The Agreement and AgreementRegister aggregates in memory: signing, superseding, conflicts, the
master user, and the register of signed organisations (DESIGN §1).
"""

from __future__ import annotations

from datetime import date

import pytest

from services.grants.app_base import StoreApplication
from services.grants.domain.agreement import Agreement, AgreementConflict, NoAgreement
from services.grants.domain.register import AgreementRegister
from tests.unit.credential_builders import (
    ORGANISATION,
    OTHER_ORGANISATION,
    OTHER_PLATFORM,
    PLATFORM,
    STAFF,
    agreement_of,
    only_event,
    pending,
    signed,
)

# ---------------------------------------------------------------- Agreement


def test_an_agreement_has_a_stable_id_per_platform_and_organisation() -> None:
    first = Agreement.create_id(PLATFORM, ORGANISATION)
    assert first == Agreement.create_id(PLATFORM, ORGANISATION)
    assert first != Agreement.create_id(OTHER_PLATFORM, ORGANISATION)
    assert first != Agreement.create_id(PLATFORM, OTHER_ORGANISATION)
    assert signed().id == first


def test_signing_records_the_agreement_without_master_or_users() -> None:
    agreement = agreement_of("EXT-1")
    assert pending(agreement) == ["Signed"]
    assert (agreement.reference, agreement.signed_on) == ("EXT-1", date(2025, 1, 15))
    assert agreement.notification_email == "pensioen@example.be"
    assert agreement.master_user_id is None
    assert agreement.user_ids == []
    assert agreement.next_user_number() == 1


def test_the_same_form_again_changes_nothing() -> None:
    agreement = signed()
    assert agreement.sign("EXT-2025-001", "pensioen@example.be", date(2025, 1, 15), STAFF) == []
    assert pending(agreement) == []


def test_the_same_reference_with_a_new_address_changes_the_notification_address() -> None:
    agreement = signed()
    agreement.appoint_master_user(user_id="m-1", actor=STAFF)
    agreement.add_user(user_id="m-1", login="0403170701-001")
    agreement.collect_events()

    left_behind = agreement.sign("EXT-2025-001", "hr-lijst@example.be", date(2025, 1, 15), STAFF)

    assert left_behind == []
    assert pending(agreement) == ["NotificationAddressChanged"]
    assert agreement.notification_email == "hr-lijst@example.be"
    assert agreement.reference == "EXT-2025-001"
    assert agreement.master_user_id == "m-1"
    assert agreement.user_ids == ["m-1"]


def test_the_same_reference_with_another_signing_date_is_a_conflict() -> None:
    agreement = signed()
    with pytest.raises(AgreementConflict) as refused:
        agreement.sign("EXT-2025-001", "other@example.be", date(2025, 2, 1), STAFF)
    assert refused.value.code == "agreement_conflict"
    assert pending(agreement) == []
    assert agreement.signed_on == date(2025, 1, 15)
    assert agreement.notification_email == "pensioen@example.be"


def test_a_new_reference_supersedes_and_answers_every_user_left_behind() -> None:
    agreement = signed()
    agreement.add_user(user_id="master", login="0403170701-001")
    agreement.appoint_master_user(user_id="master", actor=STAFF)
    agreement.add_user(user_id="internal", login="0403170701-002")
    agreement.add_user(user_id="external", login="0403170701-003")
    agreement.collect_events()

    left_behind = agreement.sign("EXT-2026-001", "nieuw@example.be", date(2026, 1, 2), STAFF)

    assert left_behind == ["master", "internal", "external"]
    superseded = only_event(agreement, "Superseded")
    assert superseded.previous == "EXT-2025-001"
    assert superseded.reference == "EXT-2026-001"
    assert superseded.actor == STAFF
    assert agreement.reference == "EXT-2026-001"
    assert agreement.signed_on == date(2026, 1, 2)
    assert agreement.notification_email == "nieuw@example.be"
    assert agreement.master_user_id is None
    assert agreement.user_ids == []


def test_a_new_reference_with_the_same_date_still_supersedes() -> None:
    agreement = signed()
    agreement.add_user(user_id="u", login="0403170701-001")
    agreement.collect_events()
    assert agreement.sign("EXT-2", "pensioen@example.be", date(2025, 1, 15), STAFF) == ["u"]
    assert pending(agreement) == ["Superseded"]


def test_logins_keep_counting_across_agreements() -> None:
    agreement = signed()
    agreement.add_user(user_id="a", login="0403170701-001")
    agreement.add_user(user_id="b", login="0403170701-002")
    agreement.sign("EXT-2", "pensioen@example.be", date(2026, 1, 2), STAFF)
    assert agreement.next_user_number() == 3  # a new login never reuses an old one


def test_a_removed_user_is_not_left_behind_by_a_new_agreement() -> None:
    agreement = signed()
    agreement.add_user(user_id="a", login="0403170701-001")
    agreement.add_user(user_id="b", login="0403170701-002")
    agreement.remove_user(user_id="a")
    assert pending(agreement) == ["UserAdded", "UserAdded", "UserRemoved"]
    assert agreement.sign("EXT-2", "pensioen@example.be", date(2026, 1, 2), STAFF) == ["b"]


def test_appointing_a_master_user_is_recorded_with_its_actor() -> None:
    agreement = signed()
    agreement.appoint_master_user(user_id="m-1", actor=STAFF)
    appointed = only_event(agreement, "MasterUserAppointed")
    assert (appointed.user_id, appointed.actor) == ("m-1", STAFF)
    assert agreement.master_user_id == "m-1"


def test_no_agreement_and_conflict_have_stable_codes() -> None:
    assert NoAgreement.code == "no_agreement"
    assert AgreementConflict.code == "agreement_conflict"


def test_an_agreement_survives_a_round_trip_through_a_store() -> None:
    """Dates are transcoded: the replayed agreement equals the one that was saved."""
    application = StoreApplication()
    agreement = agreement_of("EXT-1")
    agreement.add_user(user_id="m", login="0403170701-001")
    agreement.appoint_master_user(user_id="m", actor=STAFF)
    agreement.sign("EXT-2", "nieuw@example.be", date(2026, 1, 2), STAFF)
    application.save(agreement)

    replayed: Agreement = application.repository.get(agreement.id)

    assert replayed.reference == "EXT-2"
    assert replayed.signed_on == date(2026, 1, 2)
    assert replayed.notification_email == "nieuw@example.be"
    assert replayed.master_user_id is None
    assert replayed.user_ids == []
    assert replayed.next_user_number() == 2


# ---------------------------------------------------------------- AgreementRegister


def test_the_register_has_a_stable_id_per_platform() -> None:
    assert AgreementRegister.create_id(PLATFORM) == AgreementRegister.create_id(PLATFORM)
    assert AgreementRegister.create_id(PLATFORM) != AgreementRegister.create_id(OTHER_PLATFORM)
    assert AgreementRegister.create_id(PLATFORM) != Agreement.create_id(PLATFORM, ORGANISATION)
    register = AgreementRegister(platform=PLATFORM)
    assert register.id == AgreementRegister.create_id(PLATFORM)


def test_the_register_lists_organisations_in_signing_order() -> None:
    register = AgreementRegister(platform=PLATFORM)
    assert register.organisations == []
    register.add(organisation=ORGANISATION)
    register.add(organisation=OTHER_ORGANISATION)
    assert pending(register) == ["Opened", "OrganisationAdded", "OrganisationAdded"]
    assert register.organisations == [ORGANISATION, OTHER_ORGANISATION]
    assert register.platform == PLATFORM


def test_the_register_survives_a_round_trip_through_a_store() -> None:
    application = StoreApplication()
    register = AgreementRegister(platform=PLATFORM)
    register.add(organisation=ORGANISATION)
    application.save(register)
    replayed: AgreementRegister = application.repository.get(register.id)
    assert replayed.organisations == [ORGANISATION]
