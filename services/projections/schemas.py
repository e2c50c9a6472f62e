"""Request and response bodies of the access API (DESIGN §4)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from services.grants.schemas import CredentialsActorIn, EHerkenningActorIn, OrgRef, Ref, Strict

Actor = Annotated[EHerkenningActorIn | CredentialsActorIn, Field(discriminator="method")]
MinPosition = Annotated[int, Field(ge=0, le=2**62)]


class PortalsIn(Strict):
    actor: Actor
    min_position: MinPosition | None = None


class CheckIn(Strict):
    actor: Actor
    organisation: OrgRef
    action: Literal["view", "edit"]
    contract: Ref | None = None
    min_position: MinPosition | None = None


class ReasonOut(BaseModel):
    code: str
    message: str
    remedy: str


class PortalOut(BaseModel):
    organisation: str
    rights: str
    via: Literal["own", "grant", "chain", "user"]


class PortalsOut(BaseModel):
    portals: list[PortalOut]
    position: int


class CheckOut(BaseModel):
    allowed: bool
    rights: str | None
    via: str | None
    reasons: list[ReasonOut]
    position: int


class GrantSummary(BaseModel):
    grant_id: str
    grantor: str
    grantor_name: str | None
    grantee: str
    grantee_name: str | None
    rights: str | None
    status: str
    requested_at: str | None
    expires_at: str | None
    active_since: str | None
    ended_at: str | None
    end_reason: str | None


class OrganisationGrantsOut(BaseModel):
    organisation: str
    name: str | None
    covered: bool
    given: list[GrantSummary]
    received: list[GrantSummary]
    position: int


class AdvisorClientsOut(BaseModel):
    advisor: str
    name: str | None
    licensed: bool | None
    clients: list[GrantSummary]
    position: int


class UserSummary(BaseModel):
    user_id: str
    login: str
    name: str | None = Field(description="null once the person was erased")
    is_master: bool
    rights: str
    contracts: list[str] | Literal["all"]
    external: bool
    assignment: str | None
    valid_until: str | None
    status: str
    end_reason: str | None
    since: str | None
    ended_at: str | None
    agreement: str
    activated: bool


class OrganisationUsersOut(BaseModel):
    organisation: str
    agreement: str
    users: list[UserSummary]
    position: int
