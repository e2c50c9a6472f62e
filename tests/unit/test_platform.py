"""Platform login rules and the small reference aggregates, in memory: no store, no HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.grants.domain.actor import (
    LOA_LEVELS,
    ActorNotAuthorised,
    ChainNotAccepted,
    EHerkenningActor,
    LoaTooLow,
    ServiceNotLinked,
    service_actor,
)
from services.grants.domain.advisor import Advisor
from services.grants.domain.contract import Contract, coverage_list
from services.grants.domain.coverage import Coverage
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import (
    InvalidPlatformSettings,
    LoginMethodNotAccepted,
    Platform,
    check_platform_settings,
)

SLUG = "befrank-werkgeversportaal"
EMPLOYER = "kvk:11111111"
ADVISOR = "kvk:22222222"
ACTOR = service_actor("test")
SERVICE_VIEW = "urn:etoegang:DV:00000001234567890000:services:1"
SERVICE_EDIT = "urn:etoegang:DV:00000001234567890000:services:2"
SERVICE_ADVISOR = "urn:etoegang:DV:00000001234567890000:services:3"
LOA3 = "urn:etoegang:core:assurance-class:loa3"
SETTINGS: dict[str, Any] = {
    "name": "BeFrank werkgeversportaal",
    "login": ["eherkenning"],
    "min_loa": "EH3",
    "services": {
        SERVICE_VIEW: "employer_view",
        SERVICE_EDIT: "employer_edit",
        SERVICE_ADVISOR: "advisor",
    },
    "chain_authorisation": "sufficient",
    "locale": "nl",
}

# What each assertion URI is worth, written out here rather than read from LOA_LEVELS.
EXPECTED_LEVEL = {
    "urn:etoegang:core:assurance-class:loa2": "EH2",
    "urn:etoegang:core:assurance-class:loa2plus": "EH2+",
    "urn:etoegang:core:assurance-class:loa3": "EH3",
    "urn:etoegang:core:assurance-class:loa4": "EH4",
    "http://eidas.europa.eu/LoA/substantial": "EH3",
    "http://eidas.europa.eu/LoA/high": "EH4",
}
LEVEL_ORDER = ["EH2", "EH2+", "EH3", "EH4"]


def names(events: Sequence[object]) -> list[str]:
    return [type(event).__name__ for event in events]


def platform(**changes: Any) -> Platform:
    return Platform(slug=SLUG, settings={**SETTINGS, **changes}, actor=ACTOR)


def person(
    legal_subject: str = EMPLOYER,
    service_id: str = SERVICE_EDIT,
    loa: str = LOA3,
    intermediary: str | None = None,
) -> EHerkenningActor:
    return EHerkenningActor(
        legal_subject=legal_subject,
        acting_subject="pseudonym-1",
        intermediary=intermediary,
        service_id=service_id,
        loa=loa,
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


# --- configuration ----------------------------------------------------------------------------


def test_platform_id_is_deterministic() -> None:
    assert platform().id == Platform.create_id(SLUG)
    assert Platform.create_id(SLUG) != Platform.create_id("pme-werkgeversportaal")


def test_platform_keeps_its_own_copy_of_the_settings() -> None:
    settings = {**SETTINGS, "services": dict(SETTINGS["services"])}
    portal = Platform(slug=SLUG, settings=settings, actor=ACTOR)
    settings["services"][SERVICE_VIEW] = "employer_edit"
    settings["min_loa"] = "EH2"
    assert portal.services[SERVICE_VIEW] == "employer_view"
    assert portal.min_loa == "EH3"


def test_reconfigure_replaces_the_rules() -> None:
    portal = platform()
    portal.collect_events()
    portal.reconfigure(
        settings={
            **SETTINGS,
            "min_loa": "EH4",
            "services": {},
            "chain_authorisation": "not_accepted",
        },
        actor=ACTOR,
    )
    assert names(portal.collect_events()) == ["Reconfigured"]
    with pytest.raises(LoaTooLow):
        portal.capability_of(person())
    with pytest.raises(ServiceNotLinked):
        portal.capability_of(person(loa="urn:etoegang:core:assurance-class:loa4"))
    assert portal.chain_authorisation == "not_accepted"


def test_check_platform_settings_accepts_good_settings() -> None:
    assert check_platform_settings(dict(SETTINGS)) == SETTINGS


@pytest.mark.parametrize(
    ("change", "mentions"),
    [
        ({"login": []}, "login"),
        ({"login": ["saml"]}, "login"),
        ({"login": ["eherkenning", "digid"]}, "login"),
        ({"min_loa": "EH5"}, "min_loa"),
        ({"min_loa": "loa3"}, "min_loa"),
        ({"services": {"urn:x": "admin"}}, "service"),
        ({"chain_authorisation": "sometimes"}, "chain_authorisation"),
        ({"locale": "de"}, "locale"),
    ],
)
def test_check_platform_settings_refusals(change: dict[str, Any], mentions: str) -> None:
    with pytest.raises(InvalidPlatformSettings) as raised:
        check_platform_settings({**SETTINGS, **change})
    assert raised.value.code == "invalid_request"
    assert mentions in str(raised.value)


def test_check_platform_settings_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidPlatformSettings) as raised:
        check_platform_settings({**SETTINGS, "min_loa": "EH9", "locale": "de", "login": []})
    message = str(raised.value)
    assert "min_loa" in message
    assert "locale" in message
    assert "login" in message
    assert message.count(";") == 2


# --- organisations ----------------------------------------------------------------------------


def organisation() -> Organisation:
    org = Organisation(
        ref=EMPLOYER, name="Bakkerij B.V.", contact_email="hr@bakkerij.nl", actor=ACTOR
    )
    org.collect_events()
    return org


def test_organisation_update_with_the_same_values_records_nothing() -> None:
    org = organisation()
    org.update(name="Bakkerij B.V.", contact_email="hr@bakkerij.nl", actor=ACTOR)
    assert org.collect_events() == []


def test_organisation_update_records_only_the_name() -> None:
    org = organisation()
    org.update(name="Bakkerij Holding B.V.", contact_email="hr@bakkerij.nl", actor=ACTOR)
    assert names(org.collect_events()) == ["Renamed"]
    assert org.name == "Bakkerij Holding B.V."


def test_organisation_update_records_only_the_contact_address() -> None:
    org = organisation()
    org.update(name="Bakkerij B.V.", contact_email="pensioen@bakkerij.nl", actor=ACTOR)
    events = org.collect_events()
    assert names(events) == ["ContactEmailChanged"]
    changed: Any = events[0]
    assert changed.contact_email == "pensioen@bakkerij.nl"
    assert changed.actor == ACTOR
    assert org.contact_email == "pensioen@bakkerij.nl"


def test_organisation_update_records_both_changes() -> None:
    org = organisation()
    org.update(name="Nieuw", contact_email="nieuw@bakkerij.nl", actor=ACTOR)
    assert names(org.collect_events()) == ["Renamed", "ContactEmailChanged"]
    assert (org.name, org.contact_email) == ("Nieuw", "nieuw@bakkerij.nl")


def test_organisation_id_is_the_reference() -> None:
    assert organisation().id == Organisation.create_id(EMPLOYER)
    assert Organisation.create_id(EMPLOYER) != Organisation.create_id(ADVISOR)


# --- contracts and coverage -------------------------------------------------------------------


def test_contract_records_holder_coverage_and_name() -> None:
    covered = [EMPLOYER, ADVISOR]
    contract = Contract(
        platform=SLUG, contract="G-1", holder=EMPLOYER, covered=covered, name="Groep 1", actor=ACTOR
    )
    covered.append("kvk:33333333")
    assert contract.covered == [EMPLOYER, ADVISOR]
    assert contract.id == Contract.create_id(SLUG, "G-1")
    assert Contract.create_id(SLUG, "G-1") != Contract.create_id("pme-werkgeversportaal", "G-1")
    assert not contract.differs_from(EMPLOYER, [EMPLOYER, ADVISOR], "Groep 1")
    assert contract.differs_from(EMPLOYER, [ADVISOR, EMPLOYER], "Groep 1")
    assert contract.differs_from(EMPLOYER, [EMPLOYER, ADVISOR], "Groep 2")
    assert contract.differs_from(ADVISOR, [EMPLOYER, ADVISOR], "Groep 1")
    contract.collect_events()
    contract.amend(holder=ADVISOR, covered=[ADVISOR], name="Groep 1b", actor=ACTOR)
    assert names(contract.collect_events()) == ["Amended"]
    assert (contract.holder, contract.covered, contract.name) == (ADVISOR, [ADVISOR], "Groep 1b")


@pytest.mark.parametrize(
    ("holder", "covered", "expected"),
    [
        ("a", [], ["a"]),
        ("a", ["a"], ["a"]),
        ("a", ["b", "c"], ["a", "b", "c"]),
        ("a", ["c", "b"], ["a", "c", "b"]),
        ("a", ["b", "a", "c"], ["a", "b", "c"]),
        ("a", ["b", "b", "c", "b", "a"], ["a", "b", "c"]),
    ],
)
def test_coverage_list_puts_the_holder_first_and_deduplicates(
    holder: str, covered: list[str], expected: list[str]
) -> None:
    assert coverage_list(holder, covered) == expected


@given(
    holder=st.sampled_from("abcdef"),
    covered=st.lists(st.sampled_from("abcdef"), max_size=12),
)
def test_coverage_list_properties(holder: str, covered: list[str]) -> None:
    result = coverage_list(holder, covered)
    assert result[0] == holder
    assert len(result) == len(set(result))
    assert set(result) == {holder, *covered}
    others = [org for org in result if org != holder]
    first_seen = [org for index, org in enumerate(covered) if org not in covered[:index]]
    assert others == [org for org in first_seen if org != holder]


def test_coverage_add_remove_and_share() -> None:
    employer = Coverage(platform=SLUG, organisation=EMPLOYER, actor=ACTOR)
    sister = Coverage(platform=SLUG, organisation=ADVISOR, actor=ACTOR)
    assert employer.contracts == []
    assert not employer.shares_contract_with(None)
    assert not employer.shares_contract_with(sister)
    employer.add_contract(contract="G-1", actor=ACTOR)
    employer.add_contract(contract="G-2", actor=ACTOR)
    sister.add_contract(contract="G-3", actor=ACTOR)
    assert not employer.shares_contract_with(sister)
    sister.add_contract(contract="G-2", actor=ACTOR)
    assert employer.shares_contract_with(sister)
    assert sister.shares_contract_with(employer)
    employer.remove_contract(contract="G-2", actor=ACTOR)
    assert employer.contracts == ["G-1"]
    assert not employer.shares_contract_with(sister)
    assert names(employer.collect_events()) == [
        "Opened",
        "ContractAdded",
        "ContractAdded",
        "ContractRemoved",
    ]
    assert employer.id == Coverage.create_id(SLUG, EMPLOYER)


def test_coverage_on_another_platform_is_another_aggregate() -> None:
    assert Coverage.create_id(SLUG, EMPLOYER) != Coverage.create_id(
        "pme-werkgeversportaal", EMPLOYER
    )


# --- advisors ---------------------------------------------------------------------------------


def advisor() -> Advisor:
    registration = Advisor(platform=SLUG, organisation=ADVISOR, licence="AFM-1", actor=ACTOR)
    registration.collect_events()
    return registration


def test_advisor_starts_licensed() -> None:
    registration = advisor()
    assert registration.licensed
    assert registration.licence == "AFM-1"
    assert registration.client_grants == []
    assert registration.id == Advisor.create_id(SLUG, ADVISOR)


def test_update_licence_with_the_current_licence_records_nothing() -> None:
    registration = advisor()
    registration.update_licence(licence="AFM-1", actor=ACTOR)
    assert registration.collect_events() == []


def test_update_licence_with_a_new_licence_records_it() -> None:
    registration = advisor()
    registration.update_licence(licence="AFM-2", actor=ACTOR)
    assert names(registration.collect_events()) == ["LicenceRegistered"]
    assert registration.licence == "AFM-2"
    assert registration.licensed


def test_withdraw_and_reinstate_the_licence() -> None:
    registration = advisor()
    registration.withdraw_licence(actor=ACTOR)
    assert not registration.licensed
    assert names(registration.collect_events()) == ["LicenceWithdrawn"]
    registration.update_licence(licence="AFM-1", actor=ACTOR)
    assert registration.licensed
    assert names(registration.collect_events()) == ["LicenceRegistered"]


def test_link_client_remembers_the_grant() -> None:
    registration = advisor()
    registration.link_client(grantor=EMPLOYER, grant_id="g-1", actor=ACTOR)
    assert registration.client_grants == ["g-1"]
    assert names(registration.collect_events()) == ["ClientLinked"]
