"""Request and response bodies of credential platforms (DESIGN §4, Ethias-style)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from services.credentials import examples as ex
from services.grants.schemas import CredentialsActorIn, Email, IsoDate, Name, Ref, Rights, Strict

Contracts = Literal["all"] | Annotated[list[Ref], Field(min_length=1, max_length=200)]
Assignment = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Languages = Annotated[dict[Literal["nl", "fr", "en"], Text], Field(min_length=1)]
Language = Annotated[
    Literal["nl", "en", "fr"] | None,
    Field(description="The language the person or organisation reads; null: not known."),
]


class AgreementIn(Strict):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [ex.AGREEMENT_IN, ex.NEW_AGREEMENT_IN]}
    )

    reference: Ref
    notification_email: Email
    signed_on: IsoDate
    language: Language = None


class MasterUserIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.MASTER_USER_IN]})

    name: Name
    email: Email
    language: Language = None


class _FicheBody(Strict):
    """The fields every fiche body has (the master user acting, then the fiche)."""

    actor: CredentialsActorIn
    name: Name
    email: Email
    rights: Rights
    contracts: Contracts
    external: StrictBool
    language: Language = None


class NewUserIn(_FicheBody):
    """A new fiche; assignment and valid_until are needed when the user is external."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [ex.JAN_IN, ex.CONSULTANT_IN]}
    )

    assignment: Assignment | None = None
    valid_until: IsoDate | None = None


class FicheIn(_FicheBody):
    """A complete new fiche, in the body a new fiche is created with: every field that applies
    is given (an internal user has no assignment or valid_until)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.JAN_FICHE_IN]})

    assignment: Assignment | None = None
    valid_until: IsoDate | None = None


class MasterActionIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.MASTER_ACTION_IN]})

    actor: CredentialsActorIn


class UserRevokeIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.USER_REVOKE_IN]})

    actor: CredentialsActorIn
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class ActivateIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.ACTIVATE_IN]})

    login: Annotated[str, StringConstraints(min_length=3, max_length=40)]
    code: Annotated[str, StringConstraints(min_length=8, max_length=40)]


class AnnouncementIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.ANNOUNCEMENT_IN]})

    subject: Languages
    body: Languages


class DocumentIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.DOCUMENT_IN]})

    kind: Literal["pension_fiche", "invoice", "annual_adjustment"]
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]


class AgreementOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [ex.AGREEMENT_OUT, ex.NEW_AGREEMENT_OUT]}
    )

    platform: str
    organisation: str
    reference: str
    revoked: list[str]
    position: int


class UserOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.MASTER_OUT]})

    user_id: str
    login: str
    position: int


class UserRevokedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.CONSULTANT_REVOKED_OUT]})

    user_id: str
    status: str
    position: int


class PublishedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ANNOUNCEMENT_OUT]})

    position: int
    announcement_id: str | None = None
    document_id: str | None = None
