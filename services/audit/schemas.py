"""Response shapes of the audit routes (for the OpenAPI contract)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.audit import examples as ex


class Actor(BaseModel, extra="allow"):
    route: str = Field(
        description="own, chain, staff, master_user, confirmation_link, user, system or unknown"
    )
    label: str = Field(description="who acted, for people (an eHerkenning pair, a token, ...)")


class Entry(BaseModel):
    position: int = Field(description="the event's position in the log")
    time: str = Field(description="when it was recorded, UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`")
    type: str = Field(description="the event's name, e.g. GrantConfirmed")
    aggregate_id: str
    actor: Actor
    data: dict[str, Any] = Field(description="the facts; an erased person's data reads [erased]")


class HistoryPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.HISTORY_PAGE]})

    entries: list[Entry]
    next_after: int | None = Field(description="pass as `after` for the next page; null at end")
    position: int = Field(description="the audit view's position in the log")


class Access(BaseModel):
    kind: str = Field(description="grant or user")
    subject_id: str = Field(description="the grant id or the platform user id")
    holder: str = Field(description="the grantee organisation, or the user's login")
    rights: str
    scope: Any = Field(None, description="a user's contracts (`all` or a list); null for grants")
    route: str = Field(description="grant, credentials or master_user")
    approved_by: dict[str, Any] | None = Field(description="the actor who started this access")
    since: str = Field(description="when this continuous access began")
    valid_from: str = Field(description="when these exact rights began")
    valid_to: str | None = Field(description="when they ended (or will, by valid_until)")


class AccessAt(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ACCESS_AT]})

    platform: str
    organisation: str
    at: str
    access: list[Access]
    position: int


class Head(BaseModel):
    position: int
    digest: str | None


class ChainProblem(BaseModel):
    position: int
    kind: str = Field(description="altered, missing or unchained")
    detail: str


class Verification(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.VERIFICATION]})

    ok: bool
    events: int
    head: Head
    problems: list[ChainProblem]
