"""An agreement: one organisation's Extranet agreement on one credential platform."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, DomainError, stable_id


class Agreement(Aggregate):
    """The current agreement of (platform, organisation), its master user and its users."""

    @staticmethod
    def create_id(platform: str, organisation: str) -> UUID:
        return stable_id("agreement", platform, organisation)

    class Signed(Aggregate.Created):
        """Version 2 added `language` (None in the events stored before: not known)."""

        class_version = 2
        platform: str
        organisation: str
        reference: str
        notification_email: str
        signed_on: date
        actor: Actor
        language: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["language"] = None

    @event(Signed)
    def __init__(
        self,
        platform: str,
        organisation: str,
        reference: str,
        notification_email: str,
        signed_on: date,
        actor: Actor,
        language: str | None = None,
    ) -> None:
        self.platform, self.organisation = platform, organisation
        self.reference, self.signed_on = reference, signed_on
        self.notification_email = notification_email
        self.language = language
        self.master_user_id: str | None = None
        self.user_ids: list[str] = []
        self.users_created = 0

    def sign(
        self,
        reference: str,
        notification_email: str,
        signed_on: date,
        actor: Actor,
        language: str | None = None,
    ) -> list[str]:
        """Apply a signed agreement form; answer the users a new reference leaves behind.

        The same reference may change its notification address and its language; a new
        reference supersedes the agreement: every user under the old one must be revoked and
        a new master named.
        """
        if reference == self.reference:
            if signed_on != self.signed_on:
                raise AgreementConflict("a new signing date needs a new agreement reference")
            if notification_email != self.notification_email:
                self.change_notification_email(notification_email=notification_email, actor=actor)
            if language != self.language:
                self.change_language(language=language, actor=actor)
            return []
        left_behind = list(self.user_ids)
        self._supersede(
            reference=reference,
            notification_email=notification_email,
            signed_on=signed_on,
            previous=self.reference,
            actor=actor,
            language=language,
        )
        return left_behind

    @event("NotificationAddressChanged")
    def change_notification_email(self, notification_email: str, actor: Actor) -> None:
        """Record the new distribution list for notices."""
        self.notification_email = notification_email

    @event("LanguageChanged")
    def change_language(self, language: str | None, actor: Actor) -> None:
        """Record the language the organisation reads its notices in (None: not known)."""
        self.language = language

    class Superseded(Aggregate.Event):
        """Version 2 added `language` (None in the events stored before: not known)."""

        class_version = 2
        reference: str
        notification_email: str
        signed_on: date
        previous: str
        actor: Actor
        language: str | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["language"] = None

    @event(Superseded)
    def _supersede(
        self,
        reference: str,
        notification_email: str,
        signed_on: date,
        previous: str,
        actor: Actor,
        language: str | None = None,
    ) -> None:
        self.reference, self.signed_on = reference, signed_on
        self.notification_email = notification_email
        self.language = language
        self.master_user_id = None
        self.user_ids = []

    @event("MasterUserAppointed")
    def appoint_master_user(self, user_id: str, actor: Actor) -> None:
        """Record who manages this organisation's users from now on."""
        self.master_user_id = user_id

    def next_user_number(self) -> int:
        return self.users_created + 1

    @event("UserAdded")
    def add_user(self, user_id: str, login: str) -> None:
        """Count a new user fiche under the current agreement (for logins and revocation)."""
        self.users_created += 1
        self.user_ids.append(user_id)

    @event("UserRemoved")
    def remove_user(self, user_id: str) -> None:
        """A revoked user no longer counts under the agreement."""
        self.user_ids.remove(user_id)


# The errors its rules raise (each a stable problem code).


class NoAgreement(DomainError):
    code = "no_agreement"


class AgreementConflict(DomainError):
    code = "agreement_conflict"
