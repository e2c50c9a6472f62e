"""Request and response bodies of the grants API (DESIGN §4); unknown fields are refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from services.grants import examples as ex
from services.grants import identifiers

Name = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Email = Annotated[
    str,
    StringConstraints(min_length=3, max_length=254),
    WithJsonSchema({"type": "string", "format": "email", "minLength": 3, "maxLength": 254}),
]


def _checked(check: Callable[[str], str]) -> AfterValidator:
    """The identifier check of the domain as a schema validator: the same refusal
    (`invalid_identifier`) and message in a body, a path or a query."""

    def validate(value: str) -> str:
        try:
            return check(value)
        except identifiers.InvalidIdentifier as error:
            kind = {"kind": error.variant}  # the field message names the kind
            raise PydanticCustomError("invalid_identifier", error.detail, kind) from None

    return AfterValidator(validate)


def _documented(max_length: int, pattern: str, format: str = "") -> WithJsonSchema:
    """How an identifier reads in the OpenAPI document: its length, its pattern and the
    format that names what a pattern cannot say (a check digit)."""
    schema = {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": pattern}
    return WithJsonSchema({**schema, "format": format} if format else schema)


OrgRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20),
    _checked(identifiers.organisation_ref),
    _documented(
        20, f"^({identifiers.KVK.pattern}|{identifiers.KBO.pattern})$", "organisation-number"
    ),
]
"""An organisation number, in a body, a path or a query alike (format `organisation-number`:
`kvk:` and 8 digits, or `kbo:` and 10 digits whose last two are the mod-97 check)."""
Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    _checked(identifiers.platform_slug),
    _documented(64, f"^{identifiers.SLUG.pattern}$"),
]
"""A platform's name (`befrank-werkgeversportaal`), in a path or a query alike."""

GrantId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    _checked(lambda value: identifiers.record_id(value, "grant_id")),
    _documented(36, f"^{identifiers.RECORD_ID.pattern}$"),
]
"""A grant's id, as the request answered it."""
UserId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    _checked(lambda value: identifiers.record_id(value, "user_id")),
    _documented(36, f"^{identifiers.RECORD_ID.pattern}$"),
]
"""A user fiche's id, as its creation answered it."""
ContractRef = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    _checked(lambda value: identifiers.reference(value, "contract")),
    _documented(64, f"^{identifiers.REFERENCE.pattern}$"),
]
"""A contract's reference (`G-2024-001`): letters, digits, `.`, `_` and `-`."""

ISO_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)


def _iso_instant(value: object) -> object:
    if isinstance(value, str) and not ISO_INSTANT.fullmatch(value):
        raise PydanticCustomError(
            "datetime_parsing", "Input should be an ISO 8601 date and time: 2026-12-01T12:00Z"
        )
    return value


IsoInstant = Annotated[
    datetime,
    BeforeValidator(_iso_instant),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": f"^{ISO_INSTANT.pattern}$"}
    ),
]
"""An instant written as ISO 8601 (a number of seconds is not taken for one)."""
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: object) -> object:
    if not isinstance(value, str | date) or (
        isinstance(value, str) and not ISO_DATE.fullmatch(value)
    ):
        raise PydanticCustomError("date_parsing", "Input should be an ISO 8601 date: 2026-12-31")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{ISO_DATE.pattern}$"}),
]
"""A day written as ISO 8601 (`2026-12-31`; a number is not taken for one)."""
Rights = Literal["view", "edit"]
Capability = Literal["employer_view", "employer_edit", "advisor"]
Uri = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EHerkenningActorIn(Strict):
    """The verified eHerkenning assertion a portal forwards."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.ACTOR]})

    method: Literal["eherkenning"]
    legal_subject: OrgRef
    acting_subject: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    intermediary: OrgRef | None = None
    service_id: Uri
    loa: Uri


class CredentialsActorIn(Strict):
    """A user of a credential platform (Ethias-style), identified by its user id."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.MASTER_ACTOR]})

    method: Literal["credentials"]
    user_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class PlatformIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.PLATFORM_IN]})

    name: Name
    login: Annotated[list[Literal["eherkenning", "credentials"]], Field(min_length=1, max_length=2)]
    min_loa: Literal["EH2", "EH2+", "EH3", "EH4"] = "EH3"
    services: Annotated[dict[Uri, Capability], Field(max_length=100)] = {}
    chain_authorisation: Literal["sufficient", "requires_grant", "not_accepted"] = "sufficient"
    locale: Literal["nl", "en", "fr"] = "nl"


class OrganisationIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.ORGANISATION_IN]})

    name: Name
    contact_email: Email


class AdvisorIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.ADVISOR_IN]})

    licence: Ref


class ContractIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.CONTRACT_IN]})

    holder: OrgRef
    covered: Annotated[list[OrgRef], Field(max_length=500)] = []
    name: Name


class GrantRequestIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.GRANT_REQUEST_IN]})

    grantor: OrgRef
    grantee: OrgRef
    rights: Rights
    actor: EHerkenningActorIn
    valid_until: IsoDate | None = Field(
        None, description="the last day of access (today or later); left out: no end date"
    )


class ConfirmIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.CONFIRM_IN]})

    token: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class RightsChangeIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.RIGHTS_CHANGE_IN]})

    rights: Rights
    actor: EHerkenningActorIn
    valid_until: IsoDate | None = Field(
        None, description="a new last day of access (today or later); left out: unchanged"
    )


class RevokeIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ex.REVOKE_IN]})

    actor: EHerkenningActorIn
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class Position(BaseModel):
    position: int


class PlatformOut(Position):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.PLATFORM_OUT]})

    platform: str


class OrganisationOut(Position):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ORGANISATION_OUT]})

    organisation: str


class AdvisorOut(Position):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.ADVISOR_OUT]})

    platform: str
    organisation: str


class LicenceWithdrawnOut(AdvisorOut):
    """The withdrawal's position: checks deny the advisor's grants from there on."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.LICENCE_WITHDRAWN_OUT]})


class ContractOut(Position):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.CONTRACT_OUT]})

    platform: str
    contract: str


class GrantAccepted(Position):
    """A grant's id and status after a request (`pending_confirmation`) or a confirmation."""

    model_config = ConfigDict(json_schema_extra={"examples": [ex.GRANT_REQUESTED]})
    grant_id: str
    status: str


class GrantOut(BaseModel):
    grant_id: str
    platform: str
    grantor: str
    grantee: str
    rights: str | None
    status: str
    valid_until: str | None = Field(None, description="the last day of access (null: no end)")


class GrantChanged(GrantOut, Position):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.RIGHTS_CHANGED]})


class HistoryEntry(BaseModel):
    position: int
    time: str
    type: str
    actor: dict[str, object] | None
    data: dict[str, object]


class GrantWithHistory(GrantOut):
    model_config = ConfigDict(json_schema_extra={"examples": [ex.GRANT_WITH_HISTORY]})

    history: list[HistoryEntry]
