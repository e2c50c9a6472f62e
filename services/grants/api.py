"""HTTP routes of the grants service: reference data (admin) and the grant lifecycle."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response

from services.grants import examples as ex
from services.grants import schemas as s
from services.grants.app_base import NotFound
from services.grants.domain import actor, advisor, grant, grant_basis, organisation
from services.grants.domain.platform import LoginMethodNotAccepted
from services.grants.grant_use_cases import GrantUseCases
from services.grants.reference import ReferenceData
from services.http.auth import ScopedRoute
from services.http.problem_docs import refusals
from services.http.scopes import Admin, GrantsReader, GrantsWriter
from services.http.state import from_state

router = APIRouter(prefix="/v1", route_class=ScopedRoute)


MANAGING = (
    NotFound,
    actor.ActorNotAuthorised,
    actor.ChainNotAccepted,
    actor.LoaTooLow,
    actor.ServiceNotLinked,
    LoginMethodNotAccepted,
)
"""Why an employer's login may not manage its portal's access (or the platform is unknown)."""
BASIS = (
    grant_basis.GranteeIsGrantor,
    grant_basis.OrganisationNotInContract,
    advisor.AdvisorUnknown,
    advisor.AdvisorNotLicensed,
    organisation.OrganisationUnknown,
)
"""Why an organisation may not receive a grant from another."""
CONFIRMING = (grant.ConfirmationInvalid, grant.ConfirmationUsed, grant.ConfirmationExpired)

Reference = Annotated[ReferenceData, Depends(from_state("grants", "reference"))]
Grants = Annotated[GrantUseCases, Depends(from_state("grants", "grants"))]


@router.put("/platforms/{platform}", response_model=s.PlatformOut, tags=["admin"])
def configure_platform(
    platform: s.Slug, body: s.PlatformIn, reference: Reference, caller: Admin
) -> dict[str, Any]:
    """Create or replace a platform: login methods, minimum LoA, service catalogue, chain policy."""
    return reference.configure_platform(platform, body.model_dump(), caller.client)


@router.put("/organisations/{organisation}", response_model=s.OrganisationOut, tags=["admin"])
def register_organisation(
    organisation: s.OrgRef, body: s.OrganisationIn, reference: Reference, caller: Admin
) -> dict[str, Any]:
    """Register an organisation with the contact address that receives confirmation links."""
    return reference.register_organisation(
        organisation, body.name, body.contact_email, caller.client
    )


@router.put(
    "/platforms/{platform}/advisors/{organisation}",
    response_model=s.AdvisorOut,
    responses=refusals(NotFound),
    tags=["admin"],
)
def register_advisor(
    platform: s.Slug, organisation: s.OrgRef, body: s.AdvisorIn, reference: Reference, caller: Admin
) -> dict[str, Any]:
    """Register an advisor on a platform with its licence (or reinstate the licence)."""
    return reference.register_advisor(platform, organisation, body.licence, caller.client)


@router.delete(
    "/platforms/{platform}/advisors/{organisation}",
    response_model=s.LicenceWithdrawnOut,
    responses=refusals(NotFound),
    tags=["admin"],
)
def withdraw_licence(
    platform: s.Slug, organisation: s.OrgRef, reference: Reference, caller: Admin
) -> dict[str, Any]:
    """Withdraw an advisor's licence; its grants on the platform are revoked explicitly."""
    return reference.withdraw_licence(platform, organisation, caller.client)


@router.put(
    "/platforms/{platform}/contracts/{contract}",
    response_model=s.ContractOut,
    responses=refusals(NotFound),
    tags=["admin"],
)
def register_contract(
    platform: s.Slug,
    contract: s.ContractRef,
    body: s.ContractIn,
    reference: Reference,
    caller: Admin,
) -> dict[str, Any]:
    """Register or amend a contract: its holder and the organisation numbers it covers."""
    return reference.register_contract(
        platform, contract, body.holder, body.covered, body.name, caller.client
    )


@router.post(
    "/platforms/{platform}/grants",
    status_code=202,
    response_model=s.GrantAccepted,
    responses=refusals(*MANAGING, *BASIS, grant.GrantExists),
    tags=["grants"],
)
def request_grant(
    platform: s.Slug, body: s.GrantRequestIn, grants: Grants, _: GrantsWriter
) -> dict[str, Any]:
    """Employer asks to give an advisor or group company access; a link is mailed to confirm."""
    return grants.request_grant(
        platform, body.grantor, body.grantee, body.rights, body.actor.model_dump(), body.valid_until
    )


@router.post(
    "/grants/confirm",
    response_model=s.GrantAccepted,
    responses={**refusals(*CONFIRMING), **ex.answered(ex.GRANT_CONFIRMED)},
    tags=["grants"],
)
def confirm_grant(body: s.ConfirmIn, grants: Grants, caller: GrantsWriter) -> dict[str, Any]:
    """Activate a grant with the token from the confirmation link."""
    return grants.confirm_grant(body.token, caller.client)


@router.patch(
    "/grants/{grant_id}",
    response_model=s.GrantChanged,
    responses=refusals(*MANAGING, grant.GrantNotOpen),
    tags=["grants"],
)
def change_rights(
    grant_id: s.GrantId, body: s.RightsChangeIn, grants: Grants, _: GrantsWriter
) -> dict[str, Any]:
    """Change an open grant's rights (`view` or `edit`), and its end date with `valid_until`
    (an extension; left out, the end date stays as it was)."""
    return grants.change_rights(grant_id, body.rights, body.actor.model_dump(), body.valid_until)


@router.post(
    "/grants/{grant_id}/revoke",
    response_model=s.GrantChanged,
    responses={**refusals(*MANAGING, grant.GrantNotOpen), **ex.answered(ex.GRANT_REVOKED)},
    tags=["grants"],
)
def revoke_grant(
    grant_id: s.GrantId, body: s.RevokeIn, grants: Grants, _: GrantsWriter
) -> dict[str, Any]:
    """Revoke an open grant."""
    return grants.revoke_grant(grant_id, body.actor.model_dump(), body.reason)


@router.get(
    "/grants/{grant_id}",
    response_model=s.GrantWithHistory,
    responses=refusals(NotFound),
    tags=["grants"],
)
def get_grant(
    grant_id: s.GrantId, grants: Grants, _: GrantsReader, response: Response
) -> dict[str, Any]:
    """A grant's state and its whole history, each step with position, time, type and actor."""
    response.headers["Cache-Control"] = "no-store"
    return grants.get_grant(grant_id)
