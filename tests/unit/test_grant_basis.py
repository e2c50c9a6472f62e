"""`grant_basis`, in memory: on what basis (advisor, group company) an organisation may be granted
access.
"""

from __future__ import annotations

import pytest

from services.grants.domain.advisor import Advisor, AdvisorNotLicensed, AdvisorUnknown
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant_basis import (
    GranteeIsGrantor,
    OrganisationNotInContract,
    grant_basis,
)
from tests.unit.grant_support import ACTOR, GRANTEE, GRANTOR, PLATFORM

# --- grant_basis ------------------------------------------------------------------------------


def coverage(organisation: str, *contracts: str) -> Coverage:
    covered = Coverage(platform=PLATFORM, organisation=organisation, actor=ACTOR)
    for contract in contracts:
        covered.add_contract(contract=contract, actor=ACTOR)
    return covered


def advisor(organisation: str = GRANTEE, *, licensed: bool = True) -> Advisor:
    registration = Advisor(
        platform=PLATFORM, organisation=organisation, licence="AFM-12345", actor=ACTOR
    )
    if not licensed:
        registration.withdraw_licence(actor=ACTOR)
    return registration


def test_basis_refuses_granting_to_oneself() -> None:
    with pytest.raises(GranteeIsGrantor) as raised:
        grant_basis(GRANTOR, GRANTOR, coverage(GRANTOR, "c1"), coverage(GRANTOR, "c1"), advisor())
    assert raised.value.code == "grantee_is_grantor"


@pytest.mark.parametrize("grantor_coverage", [None, "empty", "removed"])
def test_basis_refuses_a_grantor_without_a_contract(grantor_coverage: str | None) -> None:
    covered: Coverage | None = None
    if grantor_coverage == "empty":
        covered = coverage(GRANTOR)
    elif grantor_coverage == "removed":
        covered = coverage(GRANTOR, "c1")
        covered.remove_contract(contract="c1", actor=ACTOR)
    with pytest.raises(OrganisationNotInContract) as raised:
        grant_basis(GRANTOR, GRANTEE, covered, coverage(GRANTEE, "c1"), advisor())
    assert raised.value.code == "organisation_not_in_contract"


def test_basis_of_a_licensed_advisor_is_advisor() -> None:
    assert grant_basis(GRANTOR, GRANTEE, coverage(GRANTOR, "c1"), None, advisor()) == "advisor"


def test_basis_of_a_licensed_advisor_in_the_same_contract_is_still_advisor() -> None:
    basis = grant_basis(
        GRANTOR, GRANTEE, coverage(GRANTOR, "c1"), coverage(GRANTEE, "c1"), advisor()
    )
    assert basis == "advisor"


def test_basis_of_a_group_company_sharing_a_contract() -> None:
    grantor = coverage(GRANTOR, "c1", "c2")
    grantee = coverage(GRANTEE, "c9", "c2")
    assert grant_basis(GRANTOR, GRANTEE, grantor, grantee, None) == "group_company"


def test_basis_of_a_withdrawn_advisor_outside_the_contract_is_not_licensed() -> None:
    with pytest.raises(AdvisorNotLicensed) as raised:
        grant_basis(
            GRANTOR,
            GRANTEE,
            coverage(GRANTOR, "c1"),
            coverage(GRANTEE, "c2"),
            advisor(licensed=False),
        )
    assert raised.value.code == "advisor_not_licensed"


@pytest.mark.parametrize("grantee_contracts", [None, (), ("c2",)])
def test_basis_of_an_unknown_organisation_is_advisor_unknown(
    grantee_contracts: tuple[str, ...] | None,
) -> None:
    grantee = None if grantee_contracts is None else coverage(GRANTEE, *grantee_contracts)
    with pytest.raises(AdvisorUnknown) as raised:
        grant_basis(GRANTOR, GRANTEE, coverage(GRANTOR, "c1"), grantee, None)
    assert raised.value.code == "advisor_unknown"


def test_basis_of_a_withdrawn_advisor_in_the_grantors_contract_is_group_company() -> None:
    basis = grant_basis(
        GRANTOR,
        GRANTEE,
        coverage(GRANTOR, "c1"),
        coverage(GRANTEE, "c1"),
        advisor(licensed=False),
    )
    assert basis == "group_company"


def test_basis_of_a_relicensed_advisor_is_advisor_again() -> None:
    registration = advisor(licensed=False)
    registration.update_licence(licence="AFM-12345", actor=ACTOR)
    assert grant_basis(GRANTOR, GRANTEE, coverage(GRANTOR, "c1"), None, registration) == "advisor"
