"""The organisations with an agreement on a credential platform (who receives announcements)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import stable_id


class AgreementRegister(Aggregate):
    """An index per platform, kept by events, of organisations that signed an agreement."""

    @staticmethod
    def create_id(platform: str) -> UUID:
        return stable_id("agreement-register", platform)

    @event("Opened")
    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.organisations: list[str] = []

    @event("OrganisationAdded")
    def add(self, organisation: str) -> None:
        """An organisation signed its first agreement on the platform."""
        self.organisations.append(organisation)
