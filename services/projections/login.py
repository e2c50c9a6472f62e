"""What a login evaluation answers: portals with their rights and route, or reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.grants.domain.actor import EHerkenningActor
from services.grants.domain.base import DomainError
from services.projections.records import GrantRow

CAPABILITY_RIGHTS = {"employer_view": "view", "employer_edit": "edit"}
LOGIN_REFUSALS = (
    "login_method_not_accepted",
    "loa_too_low",
    "service_not_linked",
    "chain_not_accepted",
    "chain_without_grant",
    "organisation_unknown",
    "rights_insufficient",
    "advisor_licence_withdrawn",
    "no_grant",
    "grant_pending_confirmation",
    "grant_revoked",
    "grant_request_expired",
    "grant_expired",
    "user_unknown",
    "platform_mismatch",
    "no_agreement",
    "agreement_superseded",
    "user_revoked",
    "user_expired",
)
"""The codes a refused login answers with (a portals list's 403); a unit test holds it to the
reasons the login evaluation gives."""


@dataclass(frozen=True)
class Reason:
    """A stable code, optionally refined by a route (`rights_insufficient@grant`)."""

    code: str
    variant: str | None = None

    @property
    def key(self) -> str:
        return f"{self.code}@{self.variant}" if self.variant else self.code


@dataclass(frozen=True)
class Portal:
    organisation: str
    rights: str
    via: str
    contracts: tuple[str, ...] | None = None  # None: every contract of the organisation


@dataclass
class Login:
    """The outcome of a login: its portals, or the reasons it is refused."""

    portals: dict[str, Portal] = field(default_factory=dict)
    refused: list[Reason] = field(default_factory=list)
    actor: EHerkenningActor | None = None
    capability: str | None = None
    asked: GrantRow | None = None  # with `only`: the pair's grant, for the reasons of a denial
    licensed: bool = True  # the actor's advisor licence (False once withdrawn)


class PlatformUnknown(DomainError):
    code = "not_found"

    @classmethod
    def of(cls, platform: str) -> PlatformUnknown:
        """The refusal for a platform the view does not know."""
        name = platform[:64]
        return cls(f"platform {name} not found", variant="platform", platform=name)
