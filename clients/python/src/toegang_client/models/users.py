"""Credential platforms: the fiche sent, the answers about agreements and platform users."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from toegang_client.models.access import Rights
from toegang_client.models.base import Model, Parser, day, instant, many, strings

Language = Literal["nl", "en", "fr"]
"""The language a person or organisation reads; None where it is not known."""


@dataclass(frozen=True)
class Fiche:
    """A platform user's complete fiche, as a master user creates or replaces it."""

    name: str
    email: str
    rights: Rights
    contracts: Sequence[str] | Literal["all"]
    external: bool = False
    assignment: str | None = None
    valid_until: date | None = None
    language: Language | None = None

    def as_json(self) -> dict[str, Any]:
        """The fiche as the API takes it (`language` only where it is known)."""
        known = {} if self.language is None else {"language": self.language}
        return {
            "name": self.name,
            "email": self.email,
            "rights": self.rights,
            "contracts": self.contracts if self.contracts == "all" else list(self.contracts),
            "external": self.external,
            "assignment": self.assignment,
            "valid_until": None if self.valid_until is None else self.valid_until.isoformat(),
            **known,
        }


@dataclass(frozen=True)
class Agreement(Model):
    """An agreement recorded; `revoked` lists the users a new reference revoked."""

    platform: str
    organisation: str
    reference: str
    revoked: tuple[str, ...]
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"revoked": strings}


@dataclass(frozen=True)
class PlatformUser(Model):
    """A platform user created, changed or activated: its id, its login, the position."""

    user_id: str
    login: str
    position: int


@dataclass(frozen=True)
class UserRevoked(Model):
    """A platform user's access revoked."""

    user_id: str
    status: str
    position: int


def _contracts(value: Any) -> tuple[str, ...] | str:
    return "all" if value == "all" else strings(value)


@dataclass(frozen=True)
class UserFiche(Model):
    """A user in the master user's list: fiche, status, rights, scope and expiry."""

    user_id: str
    login: str
    name: str | None
    is_master: bool
    rights: str
    contracts: tuple[str, ...] | str
    external: bool
    assignment: str | None
    valid_until: date | None
    status: str
    end_reason: str | None
    since: datetime | None
    ended_at: datetime | None
    agreement: str
    activated: bool
    NESTED: ClassVar[Mapping[str, Parser]] = {
        "contracts": _contracts,
        "valid_until": day,
        "since": instant,
        "ended_at": instant,
    }


@dataclass(frozen=True)
class OrganisationUsers(Model):
    """The master user's list of the organisation's users under its agreement."""

    organisation: str
    agreement: str
    users: tuple[UserFiche, ...]
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"users": many(UserFiche)}
