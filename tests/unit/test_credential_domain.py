"""Credential-platform aggregates in memory: Agreement, PlatformUser, AgreementRegister.

No store and no HTTP: the rules of DESIGN §1 (agreement, master user, user fiche) as the
aggregates enforce them, and the events they record for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from services.grants.app_base import StoreApplication
from services.grants.domain.agreement import Agreement, AgreementConflict, NoAgreement
from services.grants.domain.announcement import Announcement
from services.grants.domain.base import InvalidRights
from services.grants.domain.document import DOCUMENT_KINDS, DocumentNotice
from services.grants.domain.platform_user import (
    FICHE_FIELDS,
    CodeExpired,
    CodeInvalid,
    InvalidFiche,
    NotMasterUser,
    PlatformUser,
    UserNotActive,
    check_fiche,
)
from services.grants.domain.register import AgreementRegister
from services.grants.history import history_data
from services.grants.tokens import AccessCodes, IssuedCode, hash_code

PLATFORM = "ethias-extranet-aanvullend"
OTHER_PLATFORM = "ethias-extranet-wettelijk"
ORGANISATION = "kbo:0403170701"
OTHER_ORGANISATION = "kbo:0202239951"
STAFF = {"method": "service", "client": "staff"}
MASTER_ACTOR = {"method": "credentials", "user_id": "master"}
TODAY = date(2025, 3, 1)
NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
CODES = AccessCodes(b"k" * 32)


def names(events: Sequence[object]) -> list[str]:
    """The event class names, e.g. ['Signed', 'MasterUserAppointed']."""
    return [type(event).__name__ for event in events]


def pending(aggregate: Aggregate) -> list[str]:
    """The names of the events recorded since the last call (and forget them)."""
    return names(aggregate.collect_events())


def fiche(**overrides: Any) -> dict[str, Any]:
    """A complete internal fiche with view rights on every contract."""
    values: dict[str, Any] = {
        "name": "An Peeters",
        "email": "an.peeters@example.be",
        "rights": "view",
        "contracts": "all",
        "external": False,
        "assignment": None,
        "valid_until": None,
    }
    values.update(overrides)
    return values


def external(**overrides: Any) -> dict[str, Any]:
    """A complete fiche of an external consultant, valid for 30 days."""
    values: dict[str, Any] = {
        "external": True,
        "assignment": "Audit groepsverzekering 2025",
        "valid_until": TODAY + timedelta(days=30),
    }
    values.update(overrides)
    return fiche(**values)


def agreement_of(reference: str, email: str = "pensioen@example.be") -> Agreement:
    """A newly signed agreement, its Signed event not collected yet."""
    return Agreement(
        platform=PLATFORM,
        organisation=ORGANISATION,
        reference=reference,
        notification_email=email,
        signed_on=date(2025, 1, 15),
        actor=STAFF,
    )


def only_event(aggregate: Aggregate, name: str) -> Any:
    """The one event the aggregate has pending, which must have the name; collected."""
    events = aggregate.collect_events()
    assert names(events) == [name]
    return events[0]


def signed(reference: str = "EXT-2025-001", email: str = "pensioen@example.be") -> Agreement:
    agreement = agreement_of(reference, email)
    agreement.collect_events()
    return agreement


def new_user(
    number: int = 1,
    values: dict[str, Any] | None = None,
    is_master: bool = False,
    platform: str = PLATFORM,
    organisation: str = ORGANISATION,
    agreement: str = "EXT-2025-001",
    actor: dict[str, Any] = STAFF,
) -> PlatformUser:
    """A newly granted platform user, its Granted event not collected yet."""
    login = f"{organisation[4:]}-{number:03d}"
    fields = values or fiche()
    return PlatformUser(platform, organisation, number, login, agreement, fields, is_master, actor)


def user(*args: Any, **options: Any) -> PlatformUser:
    """A platform user (as new_user takes it) whose Granted event is collected."""
    created = new_user(*args, **options)
    created.collect_events()
    return created


def with_code(
    person: PlatformUser, expires_at: datetime = NOW + timedelta(days=14), collect: bool = True
) -> IssuedCode:
    """Issue the person a code (collecting its event unless told not to); the code."""
    issued = CODES.issue()
    person.issue_credentials(
        code_id=issued.code_id, code_hash=issued.code_hash, expires_at=expires_at, actor=STAFF
    )
    if collect:
        person.collect_events()
    return issued


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


# ---------------------------------------------------------------- check_fiche


def test_a_complete_internal_fiche_passes_unchanged() -> None:
    values = fiche(contracts=["GRP-1", "GRP-2"], rights="edit")
    assert check_fiche(values, TODAY) == values


def test_a_complete_external_fiche_passes() -> None:
    values = external()
    assert check_fiche(values, TODAY) == values


@pytest.mark.parametrize("missing", FICHE_FIELDS)
def test_a_fiche_missing_any_field_is_refused(missing: str) -> None:
    values = fiche()
    del values[missing]
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(values, TODAY)
    assert refused.value.code == "invalid_fiche"
    assert missing in refused.value.detail


def test_a_partial_fiche_names_every_missing_field() -> None:
    with pytest.raises(InvalidFiche) as refused:
        check_fiche({"name": "An", "email": "an@example.be", "rights": "view"}, TODAY)
    for field in ("contracts", "external", "assignment", "valid_until"):
        assert field in refused.value.detail


@pytest.mark.parametrize("rights", ["all", "", "EDIT", "admin"])
def test_rights_are_view_or_edit(rights: str) -> None:
    with pytest.raises(InvalidRights):
        check_fiche(fiche(rights=rights), TODAY)


def test_contracts_is_all_or_a_non_empty_list() -> None:
    with pytest.raises(InvalidFiche):
        check_fiche(fiche(contracts=[]), TODAY)
    assert check_fiche(fiche(contracts=["GRP-1"]), TODAY)["contracts"] == ["GRP-1"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"assignment": None},
        {"assignment": ""},
        {"valid_until": None},
        {"assignment": None, "valid_until": None},
    ],
    ids=["no-assignment", "empty-assignment", "no-end-date", "neither"],
)
def test_an_external_user_needs_an_assignment_and_an_end_date(overrides: dict[str, Any]) -> None:
    values = {**external(), **overrides}
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(values, TODAY)
    assert refused.value.code == "invalid_fiche"


def test_an_end_date_in_the_past_is_refused() -> None:
    with pytest.raises(InvalidFiche) as refused:
        check_fiche(external(valid_until=TODAY - timedelta(days=1)), TODAY)
    assert "past" in refused.value.detail
    with pytest.raises(InvalidFiche):
        check_fiche(fiche(valid_until=TODAY - timedelta(days=1)), TODAY)


def test_an_end_date_of_today_is_still_valid() -> None:
    assert check_fiche(external(valid_until=TODAY), TODAY)["valid_until"] == TODAY


def test_an_internal_user_may_have_an_end_date() -> None:
    values = fiche(valid_until=TODAY + timedelta(days=1))
    assert check_fiche(values, TODAY) == values


# ---------------------------------------------------------------- PlatformUser


def test_a_user_has_a_stable_id_per_platform_organisation_and_number() -> None:
    first = PlatformUser.create_id(PLATFORM, ORGANISATION, 1)
    assert first == PlatformUser.create_id(PLATFORM, ORGANISATION, 1)
    assert first != PlatformUser.create_id(PLATFORM, ORGANISATION, 2)
    assert first != PlatformUser.create_id(OTHER_PLATFORM, ORGANISATION, 1)
    assert first != PlatformUser.create_id(PLATFORM, OTHER_ORGANISATION, 1)
    assert user(1).id == first


def test_a_granted_user_is_active_without_a_code() -> None:
    person = new_user(4, agreement="EXT-1", actor=MASTER_ACTOR)
    assert pending(person) == ["Granted"]
    assert person.status == "active"
    assert person.code_hash is None
    assert (person.login, person.agreement, person.is_master) == ("0403170701-004", "EXT-1", False)


def test_the_fiche_is_copied_not_shared() -> None:
    values = fiche()
    person = user(values=values)
    values["rights"] = "edit"
    assert person.fiche["rights"] == "view"


def test_a_profile_change_replaces_the_whole_fiche() -> None:
    person = user(values=fiche(contracts=["GRP-1"]))
    new = external(rights="edit")
    person.replace_profile(fiche=new, actor=MASTER_ACTOR)
    assert pending(person) == ["ProfileReplaced"]
    assert person.fiche == new
    assert person.status == "active"


def test_revoking_ends_access_and_forgets_the_code() -> None:
    person = user()
    with_code(person)
    person.revoke(reason="left the company", actor=MASTER_ACTOR)
    revoked = only_event(person, "Revoked")
    assert (revoked.reason, revoked.actor) == ("left the company", MASTER_ACTOR)
    assert person.status == "revoked"
    assert person.code_hash is None


def test_revoking_twice_is_refused() -> None:
    person = user()
    person.revoke(reason="first", actor=MASTER_ACTOR)
    person.collect_events()
    with pytest.raises(UserNotActive) as refused:
        person.revoke(reason="second", actor=MASTER_ACTOR)
    assert refused.value.code == "user_revoked"
    assert pending(person) == []


def test_an_expired_user_cannot_be_revoked() -> None:
    person = user(values=external())
    assert person.expire_if_due(TODAY + timedelta(days=31), STAFF)
    person.collect_events()
    with pytest.raises(UserNotActive):
        person.revoke(reason="too late", actor=MASTER_ACTOR)


def test_expiry_is_recorded_only_after_valid_until() -> None:
    person = user(values=external())
    valid_until = TODAY + timedelta(days=30)
    assert person.expire_if_due(TODAY, STAFF) is False
    assert person.expire_if_due(valid_until, STAFF) is False  # the last day is still valid
    assert pending(person) == []
    assert person.status == "active"

    assert person.expire_if_due(valid_until + timedelta(days=1), STAFF) is True
    expired = only_event(person, "Expired")
    assert expired.valid_until == valid_until
    assert person.status == "expired"
    assert person.code_hash is None


def test_expiry_is_recorded_once() -> None:
    person = user(values=external())
    later = TODAY + timedelta(days=60)
    assert person.expire_if_due(later, STAFF) is True
    person.collect_events()
    assert person.expire_if_due(later, STAFF) is False
    assert pending(person) == []


def test_a_user_without_end_date_never_expires() -> None:
    person = user()
    assert person.expire_if_due(date(2999, 1, 1), STAFF) is False
    assert pending(person) == []


def test_a_revoked_user_does_not_expire() -> None:
    person = user(values=external())
    person.revoke(reason="done", actor=MASTER_ACTOR)
    person.collect_events()
    assert person.expire_if_due(TODAY + timedelta(days=60), STAFF) is False
    assert person.status == "revoked"
    assert pending(person) == []


def test_a_new_fiche_with_a_later_end_date_postpones_expiry() -> None:
    person = user(values=external())
    person.replace_profile(fiche=external(valid_until=TODAY + timedelta(days=90)), actor=STAFF)
    assert person.expire_if_due(TODAY + timedelta(days=60), STAFF) is False


def test_issuing_credentials_records_only_the_hash() -> None:
    person = user()
    issued = with_code(person, collect=False)
    events = person.collect_events()
    assert names(events) == ["CredentialsIssued"]
    recorded = vars(events[0])
    assert issued.code not in {str(value) for value in recorded.values()}
    assert recorded["code_hash"] == hash_code(issued.code)
    assert person.code_id == issued.code_id


def test_the_code_activates_once() -> None:
    person = user()
    issued = with_code(person)
    person.activate(code_hash=hash_code(issued.code), now=NOW, actor=STAFF)
    assert pending(person) == ["CredentialsActivated"]
    assert person.code_hash is None
    with pytest.raises(CodeInvalid) as refused:
        person.activate(code_hash=hash_code(issued.code), now=NOW, actor=STAFF)
    assert refused.value.code == "access_code_invalid"
    assert pending(person) == []


def test_the_code_is_accepted_as_typed_without_dashes_or_case() -> None:
    person = user()
    issued = with_code(person)
    typed = issued.code.replace("-", " ").lower()
    person.activate(code_hash=hash_code(typed), now=NOW, actor=STAFF)
    assert pending(person) == ["CredentialsActivated"]


def test_a_wrong_code_is_refused() -> None:
    person = user()
    with_code(person)
    with pytest.raises(CodeInvalid):
        person.activate(code_hash=hash_code("AAAA-AAAA-AAAA-AAAA"), now=NOW, actor=STAFF)
    assert pending(person) == []
    assert person.code_hash is not None


def test_no_code_issued_means_no_activation() -> None:
    with pytest.raises(CodeInvalid):
        user().activate(code_hash=hash_code("AAAA-AAAA-AAAA-AAAA"), now=NOW, actor=STAFF)


def test_an_expired_code_is_refused() -> None:
    person = user()
    issued = with_code(person, expires_at=NOW + timedelta(days=14))
    with pytest.raises(CodeExpired) as refused:
        person.activate(code_hash=hash_code(issued.code), now=NOW + timedelta(days=14), actor=STAFF)
    assert refused.value.code == "access_code_expired"
    assert pending(person) == []


def test_a_reissued_code_replaces_the_old_one() -> None:
    person = user()
    old = with_code(person)
    new = with_code(person)
    with pytest.raises(CodeInvalid):
        person.activate(code_hash=hash_code(old.code), now=NOW, actor=STAFF)
    person.activate(code_hash=hash_code(new.code), now=NOW, actor=STAFF)
    assert pending(person) == ["CredentialsActivated"]


@pytest.mark.parametrize("end", ["revoke", "expire"])
def test_an_ended_user_cannot_activate(end: str) -> None:
    person = user(values=external())
    issued = with_code(person)
    if end == "revoke":
        person.revoke(reason="done", actor=MASTER_ACTOR)
    else:
        person.expire_if_due(TODAY + timedelta(days=31), STAFF)
    person.collect_events()
    with pytest.raises(UserNotActive):
        person.activate(code_hash=hash_code(issued.code), now=NOW, actor=STAFF)
    assert pending(person) == []


def test_the_active_master_user_may_manage_its_own_organisation_on_its_platform() -> None:
    master = user(values=fiche(rights="edit"), is_master=True)
    master.check_may_manage(PLATFORM, ORGANISATION)


@pytest.mark.parametrize(
    ("platform", "organisation"),
    [(OTHER_PLATFORM, ORGANISATION), (PLATFORM, OTHER_ORGANISATION)],
    ids=["other-platform", "other-organisation"],
)
def test_a_master_user_manages_nothing_elsewhere(platform: str, organisation: str) -> None:
    master = user(is_master=True)
    with pytest.raises(NotMasterUser) as refused:
        master.check_may_manage(platform, organisation)
    assert refused.value.code == "not_master_user"


def test_a_normal_user_manages_nothing() -> None:
    with pytest.raises(NotMasterUser):
        user(values=fiche(rights="edit")).check_may_manage(PLATFORM, ORGANISATION)


def test_a_revoked_master_user_manages_nothing() -> None:
    master = user(is_master=True)
    master.revoke(reason="agreement_superseded", actor=STAFF)
    with pytest.raises(NotMasterUser):
        master.check_may_manage(PLATFORM, ORGANISATION)


def test_a_user_survives_a_round_trip_through_a_store() -> None:
    application = StoreApplication()
    person = new_user(1, external(contracts=["GRP-1"]), agreement="EXT-1")
    issued = with_code(person, collect=False)
    application.save(person)

    replayed: PlatformUser = application.repository.get(person.id)

    assert replayed.fiche == person.fiche
    assert isinstance(replayed.fiche["valid_until"], date)
    assert replayed.code_hash == hash_code(issued.code)
    assert replayed.code_expires_at == NOW + timedelta(days=14)


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


# ---------------------------------------------------------------- notices


def test_an_announcement_copies_its_texts() -> None:
    subject = {"nl": "Onderhoud", "fr": "Maintenance", "en": "Maintenance"}
    body = {"nl": "Zaterdag", "fr": "Samedi", "en": "Saturday"}
    news = Announcement(platform=PLATFORM, subject=subject, body=body, actor=STAFF)
    subject["nl"] = "changed"
    assert pending(news) == ["Published"]
    assert news.subject["nl"] == "Onderhoud"
    assert news.body == {"nl": "Zaterdag", "fr": "Samedi", "en": "Saturday"}
    assert isinstance(news.id, UUID)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_a_document_notice_records_kind_and_title(kind: str) -> None:
    notice = DocumentNotice(
        platform=PLATFORM, organisation=ORGANISATION, kind=kind, title="Q1 2025", actor=STAFF
    )
    assert pending(notice) == ["Published"]
    assert (notice.organisation, notice.kind, notice.title) == (ORGANISATION, kind, "Q1 2025")


def test_history_shows_no_token_material_of_a_mailed_code() -> None:
    person = user()
    issued = CODES.issue()
    person.issue_credentials(
        code_id=issued.code_id, code_hash=issued.code_hash, expires_at=NOW, actor=STAFF
    )
    (event,) = person.collect_events()
    data = history_data(event)
    assert "code_id" not in data and "code_hash" not in data
    assert data["expires_at"] == NOW.isoformat()
