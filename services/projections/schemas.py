"""Request and response bodies of the access API (DESIGN §4)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from services.grants.schemas import CredentialsActorIn, EHerkenningActorIn, OrgRef, Ref, Strict
from services.projections import examples as ex

Actor = Annotated[EHerkenningActorIn | CredentialsActorIn, Field(discriminator="method")]
MinPosition = Annotated[StrictInt, Field(ge=0, le=2**53 - 1)]
"""A position a write answered (a JSON-safe integer)."""


class PortalsIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.PORTALS_IN]})

    actor: Actor
    min_position: MinPosition | None = None
    after: OrgRef | None = Field(None, description="the last organisation of the page before")
    limit: Annotated[StrictInt, Field(ge=1, le=1000)] = 1000


class CheckIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.CHECK_IN]})

    actor: Actor
    organisation: OrgRef
    action: Literal["view", "edit"]
    contract: Ref | None = None
    min_position: MinPosition | None = None


class CheckItem(Strict):
    """One question of a batch: a check without its own min_position."""

    actor: Actor
    organisation: OrgRef
    action: Literal["view", "edit"]
    contract: Ref | None = None


BATCH_LIMIT = 1000


class BatchCheckIn(Strict):
    """Up to 1,000 checks, each validated on its own: a bad one answers in place."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.BATCH_IN]})

    checks: Annotated[list[Any], Field(min_length=1, max_length=BATCH_LIMIT)]
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
    model_config = ConfigDict(json_schema_extra={"examples": [ex.PORTALS_OUT]})

    portals: list[PortalOut]
    next_after: str | None = Field(description="`after` for the next page; null on the last")
    position: int


class CheckOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.CHECK_OUT]})

    allowed: bool
    rights: str | None
    via: str | None
    reasons: list[ReasonOut]
    position: int


class ItemProblemOut(BaseModel):
    type: str
    code: str
    status: int
    title: str
    detail: str
    remedy: str
    errors: list[dict[str, Any]] | None = None


class CheckResultOut(BaseModel):
    """A single check's answer; a bad question has `problem` set and is not allowed."""

    allowed: bool
    rights: str | None
    via: str | None
    reasons: list[ReasonOut]
    problem: ItemProblemOut | None = None


class BatchCheckOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.BATCH_OUT]})

    results: list[CheckResultOut]
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
    valid_until: str | None = Field(None, description="the last day of access (null: no end)")
    active_since: str | None
    ended_at: str | None
    end_reason: str | None


class OrganisationGrantsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ORGANISATION_GRANTS_OUT]})

    organisation: str
    name: str | None
    covered: bool
    given: list[GrantSummary]
    received: list[GrantSummary]
    position: int


class AdvisorClientsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ADVISOR_CLIENTS_OUT]})

    advisor: str
    name: str | None
    licensed: bool | None
    clients: list[GrantSummary]
    next_after: str | None
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
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ORGANISATION_USERS_OUT]})

    organisation: str
    agreement: str
    users: list[UserSummary]
    position: int


class SubjectOut(BaseModel):
    kind: Literal["organisation", "user"]
    id: str


class CauseOut(BaseModel):
    type: str = Field(description="the published type of the event that changed the access")
    event_id: str = Field(description="the event's id, as its CloudEvent on toegang.events.v1")
    position: int


class AccessChangeOut(BaseModel):
    """One change of what a subject may do on an organisation's portal."""

    id: str = Field(description="stable per event and subject: deduplicate on it")
    seq: int = Field(description="its place in log order; pass the last as `after`")
    platform: str
    organisation: str
    subject: SubjectOut
    route: Literal["grant", "user"]
    rights_before: Literal["view", "edit"] | None
    rights_after: Literal["view", "edit"] | None
    cause: CauseOut
    at: str


class AccessChangesOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ACCESS_CHANGES_OUT]})

    changes: list[AccessChangeOut]
    next_after: int = Field(description="pass as `after` for the next page")
    position: int = Field(description="the access view's position")
