"""Platform login rules in memory, no store, no HTTP: actors, the level of assurance, the service
catalogue and who may manage access.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.grants.domain.actor import (
    LOA_LEVELS,
    ActorNotAuthorised,
    ChainNotAccepted,
    EHerkenningActor,
    LoaTooLow,
    ServiceNotLinked,
    service_actor,
)
from services.grants.domain.platform import LoginMethodNotAccepted
from tests.unit.platform_support import (
    ADVISOR,
    EMPLOYER,
    EXPECTED_LEVEL,
    LEVEL_ORDER,
    LOA3,
    SERVICE_ADVISOR,
    SERVICE_EDIT,
    SERVICE_VIEW,
    person,
    platform,
)

# --- actors -----------------------------------------------------------------------------------


def test_loa_table_knows_exactly_the_designed_uris() -> None:
    assert set(LOA_LEVELS) == set(EXPECTED_LEVEL)


def test_actor_from_dict_reads_an_eherkenning_assertion() -> None:
    record = {
        "method": "eherkenning",
        "legal_subject": EMPLOYER,
        "acting_subject": "abc",
        "service_id": SERVICE_EDIT,
        "loa": LOA3,
    }
    actor = EHerkenningActor.from_dict(record)
    assert actor.intermediary is None
    assert actor.loa_level == 3.0
    assert actor.as_record() == {**record, "intermediary": None}
    chained = EHerkenningActor.from_dict({**record, "intermediary": ADVISOR})
    assert chained.as_record()["intermediary"] == ADVISOR
    assert EHerkenningActor.from_dict(chained.as_record()) == chained


@pytest.mark.parametrize(
    "record", [{"method": "credentials", "user_id": "u1"}, {"method": "service", "client": "x"}, {}]
)
def test_actor_from_dict_refuses_other_methods(record: dict[str, Any]) -> None:
    with pytest.raises(ActorNotAuthorised) as raised:
        EHerkenningActor.from_dict(record)
    assert raised.value.code == "actor_not_authorised"


def test_service_actor_names_the_client() -> None:
    assert service_actor("beheer") == {"method": "service", "client": "beheer"}


# --- level of assurance -----------------------------------------------------------------------


@pytest.mark.parametrize("min_loa", LEVEL_ORDER)
@pytest.mark.parametrize("uri", sorted(EXPECTED_LEVEL))
def test_capability_of_compares_the_assurance_level(uri: str, min_loa: str) -> None:
    portal = platform(min_loa=min_loa)
    actor = person(loa=uri)
    if LEVEL_ORDER.index(EXPECTED_LEVEL[uri]) >= LEVEL_ORDER.index(min_loa):
        assert portal.capability_of(actor) == "employer_edit"
        portal.check_may_manage_access(actor, EMPLOYER)
    else:
        with pytest.raises(LoaTooLow) as raised:
            portal.capability_of(actor)
        assert raised.value.code == "loa_too_low"
        assert min_loa in str(raised.value)
        with pytest.raises(LoaTooLow):
            portal.check_may_manage_access(actor, EMPLOYER)


@pytest.mark.parametrize("min_loa", LEVEL_ORDER)
@pytest.mark.parametrize(
    "uri",
    [
        "",
        "loa4",
        "EH4",
        "urn:etoegang:core:assurance-class:loa5",
        "urn:etoegang:core:assurance-class:LOA4",
        "http://eidas.europa.eu/LoA/low",
        "http://eidas.europa.eu/LoA/high/",
    ],
)
def test_unknown_assurance_uris_are_refused(uri: str, min_loa: str) -> None:
    with pytest.raises(LoaTooLow):
        platform(min_loa=min_loa).capability_of(person(loa=uri))


def test_default_minimum_eh3_refuses_eh2_plus() -> None:
    with pytest.raises(LoaTooLow):
        platform().capability_of(person(loa="urn:etoegang:core:assurance-class:loa2plus"))


# --- service catalogue and managing access ----------------------------------------------------


@pytest.mark.parametrize(
    ("service_id", "capability"),
    [
        (SERVICE_VIEW, "employer_view"),
        (SERVICE_EDIT, "employer_edit"),
        (SERVICE_ADVISOR, "advisor"),
    ],
)
def test_capability_comes_from_the_catalogue(service_id: str, capability: str) -> None:
    assert platform().capability_of(person(service_id=service_id)) == capability


def test_service_not_linked_is_refused() -> None:
    with pytest.raises(ServiceNotLinked) as raised:
        platform().capability_of(person(service_id="urn:etoegang:DV:999:services:9"))
    assert raised.value.code == "service_not_linked"


def test_loa_is_checked_before_the_service() -> None:
    actor = person(service_id="urn:unknown", loa="urn:etoegang:core:assurance-class:loa2")
    with pytest.raises(LoaTooLow):
        platform().capability_of(actor)


def test_employer_edit_may_manage_its_own_access() -> None:
    platform().check_may_manage_access(person(), EMPLOYER)


def test_managing_another_organisation_is_refused() -> None:
    with pytest.raises(ActorNotAuthorised):
        platform().check_may_manage_access(person(), "kvk:99999999")


@pytest.mark.parametrize("service_id", [SERVICE_VIEW, SERVICE_ADVISOR])
def test_managing_access_needs_employer_edit(service_id: str) -> None:
    with pytest.raises(ActorNotAuthorised):
        platform().check_may_manage_access(person(service_id=service_id), EMPLOYER)


def test_service_not_linked_also_refuses_managing_access() -> None:
    with pytest.raises(ServiceNotLinked):
        platform().check_may_manage_access(person(service_id="urn:other"), EMPLOYER)


def test_a_sufficient_chain_with_employer_edit_may_manage() -> None:
    platform(chain_authorisation="sufficient").check_may_manage_access(
        person(intermediary=ADVISOR), EMPLOYER
    )


def test_a_sufficient_chain_still_needs_employer_edit() -> None:
    with pytest.raises(ActorNotAuthorised):
        platform(chain_authorisation="sufficient").check_may_manage_access(
            person(intermediary=ADVISOR, service_id=SERVICE_VIEW), EMPLOYER
        )


def test_a_chain_under_requires_grant_never_passes_access_on() -> None:
    portal = platform(chain_authorisation="requires_grant")
    with pytest.raises(ActorNotAuthorised) as raised:
        portal.check_may_manage_access(person(intermediary=ADVISOR), EMPLOYER)
    assert type(raised.value) is ActorNotAuthorised
    # without the chain the same platform lets the employer manage
    portal.check_may_manage_access(person(), EMPLOYER)


def test_a_chain_under_not_accepted_is_refused_as_such() -> None:
    portal = platform(chain_authorisation="not_accepted")
    with pytest.raises(ChainNotAccepted) as raised:
        portal.check_may_manage_access(person(intermediary=ADVISOR), EMPLOYER)
    assert raised.value.code == "chain_not_accepted"
    portal.check_may_manage_access(person(), EMPLOYER)


def test_a_credentials_only_platform_refuses_eherkenning() -> None:
    portal = platform(login=["credentials"])
    with pytest.raises(LoginMethodNotAccepted):
        portal.capability_of(person())
    with pytest.raises(LoginMethodNotAccepted):
        portal.check_may_manage_access(person(), EMPLOYER)


def test_a_platform_with_both_login_methods_accepts_eherkenning() -> None:
    assert platform(login=["credentials", "eherkenning"]).capability_of(person()) == "employer_edit"
