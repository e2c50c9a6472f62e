"""An advisor registration: an intermediary known and licensed on a platform."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, DomainError, stable_id


class AdvisorUnknown(DomainError):
    code = "advisor_unknown"


class AdvisorNotLicensed(DomainError):
    code = "advisor_not_licensed"


class Advisor(Aggregate):
    """An advisor's licence on one platform and the grants it has received there."""

    @staticmethod
    def create_id(platform: str, organisation: str) -> UUID:
        return stable_id("advisor", platform, organisation)

    @event("Registered")
    def __init__(self, platform: str, organisation: str, licence: str, actor: Actor) -> None:
        self.platform = platform
        self.organisation = organisation
        self.licence = licence
        self.licensed = True
        self.client_grants: list[str] = []

    @event("LicenceRegistered")
    def register_licence(self, licence: str, actor: Actor) -> None:
        """Record a new or reinstated licence."""
        self.licence = licence
        self.licensed = True

    @event("LicenceWithdrawn")
    def withdraw_licence(self, actor: Actor) -> None:
        """Record that the advisor may no longer act on this platform."""
        self.licensed = False

    @event("ClientLinked")
    def link_client(self, grantor: str, grant_id: str, actor: Actor) -> None:
        """Remember a grant to this advisor so a withdrawal can revoke it."""
        self.client_grants.append(grant_id)

    def update_licence(self, licence: str, actor: Actor) -> None:
        """Record the licence unless it is already the current, valid one."""
        if not self.licensed or licence != self.licence:
            self.register_licence(licence=licence, actor=actor)
