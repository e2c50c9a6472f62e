"""An organisation: an employer, advisor, administrator or consultancy."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, DomainError, stable_id


class Organisation(Aggregate):
    """An organisation known by its KvK or KBO reference, with a registered contact address."""

    @staticmethod
    def create_id(ref: str) -> UUID:
        return stable_id("organisation", ref)

    @event("Registered")
    def __init__(self, ref: str, name: str, contact_email: str, actor: Actor) -> None:
        self.ref = ref
        self.name = name
        self.contact_email = contact_email

    @event("Renamed")
    def rename(self, name: str, actor: Actor) -> None:
        """Record the organisation's new name."""
        self.name = name

    @event("ContactEmailChanged")
    def change_contact_email(self, contact_email: str, actor: Actor) -> None:
        """Record the new address where confirmation links are sent."""
        self.contact_email = contact_email

    def update(self, name: str, contact_email: str, actor: Actor) -> None:
        """Record whatever differs from the current name and contact address."""
        if name != self.name:
            self.rename(name=name, actor=actor)
        if contact_email != self.contact_email:
            self.change_contact_email(contact_email=contact_email, actor=actor)


# The errors its rules raise (each a stable problem code).


class OrganisationUnknown(DomainError):
    code = "organisation_unknown"
