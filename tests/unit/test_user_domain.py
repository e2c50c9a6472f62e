"""The PlatformUser aggregate in memory: its fiche, revocation, expiry, access codes and what a
master user may manage (DESIGN §1).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.grants.app_base import StoreApplication
from services.grants.domain.platform_user import (
    CodeExpired,
    CodeInvalid,
    NotMasterUser,
    PlatformUser,
    UserNotActive,
)
from services.grants.tokens import hash_code
from tests.unit.credential_builders import (
    MASTER_ACTOR,
    NOW,
    ORGANISATION,
    OTHER_ORGANISATION,
    OTHER_PLATFORM,
    PLATFORM,
    STAFF,
    TODAY,
    external,
    fiche,
    names,
    new_user,
    only_event,
    pending,
    user,
    with_code,
)

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
