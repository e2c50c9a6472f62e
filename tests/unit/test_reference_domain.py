"""The small reference aggregates in memory: organisations, contracts and their coverage, advisors
and their licence.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.grants.domain.advisor import Advisor
from services.grants.domain.contract import Contract, coverage_list
from services.grants.domain.coverage import Coverage
from services.grants.domain.organisation import Organisation
from tests.unit.platform_support import ACTOR, ADVISOR, EMPLOYER, SLUG, names

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
