"""Why an organisation may receive a grant: a licensed advisor, or a group company under one
of the grantor's contracts; anything else is refused."""

from __future__ import annotations

from services.grants.domain.advisor import Advisor, AdvisorNotLicensed, AdvisorUnknown
from services.grants.domain.base import DomainError
from services.grants.domain.coverage import Coverage


def grant_basis(
    grantor: str,
    grantee: str,
    grantor_coverage: Coverage | None,
    grantee_coverage: Coverage | None,
    registration: Advisor | None,
) -> str:
    """Why the grantee may receive a grant: `advisor` or `group_company`; else refuse."""
    if grantor == grantee:
        raise GranteeIsGrantor(
            "an organisation cannot grant access to itself", fields=["grantor", "grantee"]
        )
    if grantor_coverage is None or not grantor_coverage.contracts:
        raise OrganisationNotInContract(
            f"{grantor} is not covered by a contract here",
            variant="grantor",
            organisation=grantor,
            field="grantor",
        )
    if registration is not None and registration.licensed:
        return "advisor"
    if grantor_coverage.shares_contract_with(grantee_coverage):
        return "group_company"
    at_fault = {"variant": "grantee", "organisation": grantee, "field": "grantee"}
    if registration is not None:
        raise AdvisorNotLicensed(f"{grantee}'s licence on this platform was withdrawn", **at_fault)
    raise AdvisorUnknown(
        f"{grantee} is neither a registered advisor nor in {grantor}'s contract", **at_fault
    )


# The errors the rule raises (each a stable problem code).


class GranteeIsGrantor(DomainError):
    code = "grantee_is_grantor"


class OrganisationNotInContract(DomainError):
    code = "organisation_not_in_contract"
