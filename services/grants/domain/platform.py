"""A platform: one portal whose access is managed on its own."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.actor import (
    CAPABILITIES,
    LOA_NAMES,
    ActorNotAuthorised,
    ChainNotAccepted,
    EHerkenningActor,
    LoaTooLow,
    ServiceNotLinked,
)
from services.grants.domain.base import Actor, DomainError, stable_id

LOGIN_METHODS = ("eherkenning", "credentials")
CHAIN_POLICIES = ("sufficient", "requires_grant", "not_accepted")
LOCALES = ("nl", "en", "fr")


class Platform(Aggregate):
    """Login rules of one portal: methods, minimum LoA, service catalogue, chain policy."""

    @staticmethod
    def create_id(slug: str) -> UUID:
        return stable_id("platform", slug)

    @event("Configured")
    def __init__(self, slug: str, settings: dict[str, Any], actor: Actor) -> None:
        self.slug = slug
        self._apply(settings)

    @event("Reconfigured")
    def reconfigure(self, settings: dict[str, Any], actor: Actor) -> None:
        """Replace the platform's settings (a PUT with other values)."""
        self._apply(settings)

    def _apply(self, settings: dict[str, Any]) -> None:
        self.settings = dict(settings)
        self.name: str = settings["name"]
        self.login: list[str] = list(settings["login"])
        self.min_loa: str = settings["min_loa"]
        self.services: dict[str, str] = dict(settings["services"])
        self.chain_authorisation: str = settings["chain_authorisation"]
        self.locale: str = settings["locale"]

    def capability_of(self, actor: EHerkenningActor) -> str:
        """The capability the actor's login gives here, or the reason the login is refused."""
        return login_capability(self.settings, actor)

    def check_may_manage_access(self, actor: EHerkenningActor, organisation: str) -> None:
        """Refuse unless the actor represents `organisation` with `employer_edit`.

        A chain authorisation counts only where eHerkenning's chain alone suffices: under
        `requires_grant` the chain rests on a grant, and a grantee never passes access on.
        """
        capability = self.capability_of(actor)
        if actor.legal_subject != organisation:
            raise ActorNotAuthorised(
                f"the actor does not represent {organisation}",
                variant="organisation",
                organisation=organisation,
            )
        if actor.intermediary is not None and self.chain_authorisation != "sufficient":
            if self.chain_authorisation == "not_accepted":
                raise ChainNotAccepted(f"{self.slug} does not accept chain authorisations")
            raise ActorNotAuthorised("a grantee never passes access on", variant="chain")
        if capability != "employer_edit":
            raise ActorNotAuthorised(
                "managing access needs the employer_edit service", variant="service"
            )


def check_platform_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Refuse settings that name unknown methods, levels, capabilities or policies."""
    problems: dict[str, str] = {}
    if not settings["login"] or set(settings["login"]) - set(LOGIN_METHODS):
        problems["login"] = f"login must be a non-empty subset of {LOGIN_METHODS}"
    if settings["min_loa"] not in LOA_NAMES:
        problems["min_loa"] = f"min_loa must be one of {tuple(LOA_NAMES)}"
    if set(settings["services"].values()) - set(CAPABILITIES):
        problems["services"] = f"each service maps to one of {CAPABILITIES}"
    if settings["chain_authorisation"] not in CHAIN_POLICIES:
        problems["chain_authorisation"] = f"chain_authorisation must be one of {CHAIN_POLICIES}"
    if settings["locale"] not in LOCALES:
        problems["locale"] = f"locale must be one of {LOCALES}"
    if problems:
        raise InvalidPlatformSettings(
            "; ".join(problems.values()), variant="settings", fields=list(problems)
        )
    return settings


def login_capability(settings: dict[str, Any], actor: EHerkenningActor) -> str:
    """The capability an eHerkenning login gives on a platform with these settings.

    Refuses a platform without eHerkenning, a LoA below its minimum, an unlinked service.
    """
    if "eherkenning" not in settings["login"]:
        raise LoginMethodNotAccepted("this platform does not accept eHerkenning logins")
    if actor.loa_level < LOA_NAMES[settings["min_loa"]]:
        raise LoaTooLow(
            f"this platform requires at least {settings['min_loa']}",
            variant="level",
            min_loa=settings["min_loa"],
        )
    capability: str | None = settings["services"].get(actor.service_id)
    if capability is None:
        raise ServiceNotLinked(f"service {actor.service_id} is not linked to this platform")
    return capability


# The errors its rules raise (each a stable problem code).


class InvalidPlatformSettings(DomainError):
    code = "invalid_request"


class LoginMethodNotAccepted(DomainError):
    code = "login_method_not_accepted"
