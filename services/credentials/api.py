"""HTTP routes of credential platforms: agreements, master users, user fiches, notices."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from services.credentials import examples as ex
from services.credentials import schemas as s
from services.credentials.agreements import AgreementsUseCases, PlatformMismatch
from services.credentials.users import ContractOutOfScope, MasterUserProtected, UsersUseCases
from services.eventlog.subject_keys import SubjectErased
from services.grants.app_base import NotFound
from services.grants.domain import agreement
from services.grants.domain import platform_user as user
from services.grants.examples import answered
from services.grants.schemas import OrgRef, Slug, UserId
from services.http.auth import ScopedRoute
from services.http.problem_docs import refusals
from services.http.scopes import Admin, UsersWriter
from services.http.state import from_state

router = APIRouter(
    prefix="/v1/platforms/{platform}", tags=["credential platforms"], route_class=ScopedRoute
)
FICHE = set(user.FICHE_FIELDS)


def fiche_of(body: s.NewUserIn | s.FicheIn) -> dict[str, Any]:
    return body.model_dump(include=FICHE)


ON_AGREEMENT = (NotFound, PlatformMismatch, agreement.NoAgreement)
"""Why an organisation's agreement cannot be acted on: no such platform, organisation or
agreement, or the platform works with eHerkenning."""
MANAGING = (*ON_AGREEMENT, user.NotMasterUser, user.UserNotActive, user.UserExpired)
"""Why the acting master user may not manage the organisation's users."""
FICHE_RULES = (user.InvalidFiche, ContractOutOfScope)
ON_USER = (*MANAGING, SubjectErased)
"""Why a user fiche cannot be acted on (it also may be unknown, ended or erased)."""

Agreements = Annotated[AgreementsUseCases, Depends(from_state("grants", "agreements"))]
Users = Annotated[UsersUseCases, Depends(from_state("grants", "users"))]


@router.put(
    "/organisations/{organisation}/agreement",
    response_model=s.AgreementOut,
    responses=refusals(*ON_AGREEMENT, agreement.AgreementConflict),
)
def sign_agreement(
    platform: Slug, organisation: OrgRef, body: s.AgreementIn, agreements: Agreements, caller: Admin
) -> dict[str, Any]:
    """Sign an agreement or change its notification address; a new reference supersedes it."""
    return agreements.sign_agreement(
        platform,
        organisation,
        body.reference,
        body.notification_email,
        body.signed_on,
        caller.client,
        body.language,
    )


@router.put(
    "/organisations/{organisation}/master-user",
    response_model=s.UserOut,
    responses=refusals(*ON_AGREEMENT),
)
def appoint_master_user(
    platform: Slug, organisation: OrgRef, body: s.MasterUserIn, agreements: Agreements, staff: Admin
) -> dict[str, Any]:
    """Appoint the master user from the master-user form; an access code is mailed."""
    return agreements.appoint_master_user(
        platform, organisation, body.name, body.email, staff.client, body.language
    )


@router.post(
    "/organisations/{organisation}/users",
    status_code=201,
    response_model=s.UserOut,
    responses={**refusals(*MANAGING, *FICHE_RULES), **answered(ex.JAN_OUT, 201)},
)
def create_user(
    platform: Slug, organisation: OrgRef, body: s.NewUserIn, users: Users, _: UsersWriter
) -> dict[str, Any]:
    """The master user adds a user fiche; the access code goes to the user's own address."""
    return users.create_user(platform, organisation, body.actor.model_dump(), fiche_of(body))


@router.put(
    "/organisations/{organisation}/users/{user_id}",
    response_model=s.UserOut,
    responses={**refusals(*ON_USER, *FICHE_RULES), **answered(ex.JAN_CHANGED_OUT)},
)
def replace_user(
    platform: Slug,
    organisation: OrgRef,
    user_id: UserId,
    body: s.FicheIn,
    users: Users,
    _: UsersWriter,
) -> dict[str, Any]:
    """The master user replaces a fiche by a complete new one."""
    return users.replace_user(
        platform, organisation, user_id, body.actor.model_dump(), fiche_of(body)
    )


@router.post(
    "/organisations/{organisation}/users/{user_id}/revoke",
    response_model=s.UserRevokedOut,
    responses=refusals(*ON_USER, MasterUserProtected),
)
def revoke_user(
    platform: Slug,
    organisation: OrgRef,
    user_id: UserId,
    body: s.UserRevokeIn,
    users: Users,
    _: UsersWriter,
) -> dict[str, Any]:
    """The master user ends a user's access."""
    return users.revoke_user(platform, organisation, user_id, body.actor.model_dump(), body.reason)


@router.post(
    "/organisations/{organisation}/users/{user_id}/credentials",
    response_model=s.UserOut,
    responses={**refusals(*ON_USER), **answered(ex.REISSUED_OUT)},
)
def reissue_credentials(
    platform: Slug,
    organisation: OrgRef,
    user_id: UserId,
    body: s.MasterActionIn,
    users: Users,
    _: UsersWriter,
) -> dict[str, Any]:
    """The master user has a new access code mailed to the user."""
    return users.reissue_credentials(platform, organisation, user_id, body.actor.model_dump())


@router.post(
    "/credentials/activate",
    response_model=s.UserOut,
    responses={
        **refusals(
            NotFound, user.CodeInvalid, user.CodeExpired, user.UserNotActive, user.UserExpired
        ),
        **answered(ex.ACTIVATED_OUT),
    },
)
def activate_credentials(
    platform: Slug, body: s.ActivateIn, users: Users, _: UsersWriter
) -> dict[str, Any]:
    """The platform's login service uses a one-time access code."""
    return users.activate_credentials(platform, body.login, body.code)


@router.post(
    "/announcements",
    status_code=201,
    response_model=s.PublishedOut,
    responses=refusals(NotFound, PlatformMismatch),
)
def publish_announcement(
    platform: Slug, body: s.AnnouncementIn, agreements: Agreements, caller: Admin
) -> dict[str, Any]:
    """Publish platform news; it is mailed to every agreement's notification address."""
    subject = {str(language): text for language, text in body.subject.items()}
    text = {str(language): words for language, words in body.body.items()}
    return agreements.publish_announcement(platform, subject, text, caller.client)


@router.post(
    "/organisations/{organisation}/documents",
    status_code=201,
    response_model=s.PublishedOut,
    responses={**refusals(*ON_AGREEMENT), **answered(ex.DOCUMENT_OUT, 201)},
)
def publish_document(
    platform: Slug, organisation: OrgRef, body: s.DocumentIn, agreements: Agreements, caller: Admin
) -> dict[str, Any]:
    """Announce new pension fiches, invoices or the annual-adjustment file."""
    return agreements.publish_document(platform, organisation, body.kind, body.title, caller.client)
