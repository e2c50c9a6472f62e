"""Request and response bodies of credential platforms (DESIGN §4, Ethias-style)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StringConstraints

from services.grants.schemas import CredentialsActorIn, Email, IsoDate, Name, Ref, Rights, Strict

Contracts = Literal["all"] | Annotated[list[Ref], Field(min_length=1, max_length=200)]
Assignment = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Languages = Annotated[dict[Literal["nl", "fr", "en"], Text], Field(min_length=1)]


class AgreementIn(Strict):
    reference: Ref
    notification_email: Email
    signed_on: IsoDate


class MasterUserIn(Strict):
    name: Name
    email: Email


class _FicheBody(Strict):
    """The fields every fiche body has (the master user acting, then the fiche)."""

    actor: CredentialsActorIn
    name: Name
    email: Email
    rights: Rights
    contracts: Contracts
    external: StrictBool


class NewUserIn(_FicheBody):
    """A new fiche; assignment and valid_until are needed when the user is external."""

    assignment: Assignment | None = None
    valid_until: IsoDate | None = None


class FicheIn(_FicheBody):
    """A complete new fiche, in the body a new fiche is created with: every field that applies
    is given (an internal user has no assignment or valid_until)."""

    assignment: Assignment | None = None
    valid_until: IsoDate | None = None


class MasterActionIn(Strict):
    actor: CredentialsActorIn


class UserRevokeIn(Strict):
    actor: CredentialsActorIn
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class ActivateIn(Strict):
    login: Annotated[str, StringConstraints(min_length=3, max_length=40)]
    code: Annotated[str, StringConstraints(min_length=8, max_length=40)]


class AnnouncementIn(Strict):
    subject: Languages
    body: Languages


class DocumentIn(Strict):
    kind: Literal["pension_fiche", "invoice", "annual_adjustment"]
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class AgreementOut(BaseModel):
    platform: str
    organisation: str
    reference: str
    revoked: list[str]
    position: int


class UserOut(BaseModel):
    user_id: str
    login: str
    position: int


class UserRevokedOut(BaseModel):
    user_id: str
    status: str
    position: int


class PublishedOut(BaseModel):
    position: int
    announcement_id: str | None = None
    document_id: str | None = None
