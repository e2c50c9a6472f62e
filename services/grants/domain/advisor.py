"""An advisor registration: an intermediary known and licensed on a platform."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, DomainError, stable_id


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
        """Kept to replay older logs: requests no longer write the advisor's stream (it grew
        with every client); the sweeper finds the grants a withdrawal ends."""
        self.client_grants.append(grant_id)

    def update_licence(self, licence: str, actor: Actor) -> None:
        """Record the licence unless it is already the current, valid one."""
        if not self.licensed or licence != self.licence:
            self.register_licence(licence=licence, actor=actor)


class AdvisorGrant(Protocol):
    basis: str | None

    def is_open(self, now: datetime) -> bool: ...


def rests_on_withdrawn_licence(grant: AdvisorGrant, advisor: Advisor | None, now: datetime) -> bool:
    """Whether an open grant was given to an advisor as an advisor and its licence is gone."""
    return (
        grant.basis == "advisor"
        and advisor is not None
        and not advisor.licensed
        and grant.is_open(now)
    )


# The errors its rules raise (each a stable problem code).


class AdvisorUnknown(DomainError):
    code = "advisor_unknown"


class AdvisorNotLicensed(DomainError):
    code = "advisor_not_licensed"
