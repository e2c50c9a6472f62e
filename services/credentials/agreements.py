"""Use cases of credential platforms run by provider staff: agreements, master users,
announcements and document notices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from services.grants import identifiers
from services.grants.app_base import StoreApplication, retry_on_conflict
from services.grants.domain.actor import service_actor
from services.grants.domain.agreement import Agreement, NoAgreement
from services.grants.domain.announcement import Announcement
from services.grants.domain.base import Actor, DomainError
from services.grants.domain.document import DocumentNotice
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.domain.platform_user import PlatformUser
from services.grants.domain.register import AgreementRegister
from services.grants.tokens import AccessCodes

MASTER_FICHE = {
    "rights": "edit",
    "contracts": "all",
    "external": False,
    "assignment": None,
    "valid_until": None,
}


class PlatformMismatch(DomainError):
    code = "platform_mismatch"


class AgreementsUseCases:
    """Provider staff sign agreements, appoint master users and publish notices."""

    code_ttl = timedelta(days=14)

    def __init__(self, store: StoreApplication, codes: AccessCodes) -> None:
        self.store, self.codes = store, codes

    @retry_on_conflict
    def sign_agreement(
        self,
        platform: str,
        ref: str,
        reference: str,
        notification_email: str,
        signed_on: date,
        client: str,
        language: str | None = None,
    ) -> dict[str, Any]:
        """Sign or change an agreement; a new reference revokes every user of the old one.

        `language` is the one the organisation reads its notices in (None: not known)."""
        self.credential_platform(platform)
        ref = self.store.get(
            Organisation,
            Organisation.create_id(identifiers.organisation_ref(ref)),
            "organisation",
            organisation=ref,
        ).ref
        identifiers.reference(reference, "reference")
        email = identifiers.email_address(notification_email, field="notification_email")
        actor = service_actor(client)
        agreement = self.store.find(Agreement, Agreement.create_id(platform, ref))
        revoked: list[PlatformUser] = []
        register = None
        if agreement is None:
            agreement = Agreement(
                platform=platform,
                organisation=ref,
                reference=reference,
                notification_email=email,
                signed_on=signed_on,
                actor=actor,
                language=language,
            )
            register = self._register(platform)
            register.add(organisation=ref)
        else:
            for user_id in agreement.sign(reference, email, signed_on, actor, language):
                user = self.store.get(PlatformUser, UUID(user_id), "user")
                if user.status == "active":
                    user.revoke(reason="agreement_superseded", actor=actor)
                    revoked.append(user)
        position = self.store.record(agreement, register, *revoked)
        return {
            "platform": platform,
            "organisation": ref,
            "reference": reference,
            "revoked": [str(user.id) for user in revoked],
            "position": position,
        }

    @retry_on_conflict
    def appoint_master_user(
        self,
        platform: str,
        ref: str,
        name: str,
        email: str,
        client: str,
        language: str | None = None,
    ) -> dict[str, Any]:
        """Create the master user from the master-user form; a previous master is revoked.

        `language` is the one the master user reads (None: not known, the platform's)."""
        agreement = self.agreement_of(platform, identifiers.organisation_ref(ref))
        actor = service_actor(client)
        previous = None
        if agreement.master_user_id is not None:
            previous = self.store.get(PlatformUser, UUID(agreement.master_user_id), "user")
            if previous.status == "active":
                previous.revoke(reason="master_user_replaced", actor=actor)
                agreement.remove_user(user_id=str(previous.id))
        fiche = {"name": name, "email": identifiers.email_address(email), **MASTER_FICHE}
        fiche["language"] = language
        user = self.new_user(agreement, fiche, is_master=True, actor=actor)
        agreement.appoint_master_user(user_id=str(user.id), actor=actor)
        position = self.store.record(agreement, previous, user)
        return {"user_id": str(user.id), "login": user.login, "position": position}

    def new_user(
        self, agreement: Agreement, fiche: dict[str, Any], is_master: bool, actor: Actor
    ) -> PlatformUser:
        """A user fiche under the agreement, with a login and a first access code."""
        number = agreement.next_user_number()
        login = f"{agreement.organisation.split(':')[1]}-{number:03d}"
        user = PlatformUser(
            platform=agreement.platform,
            organisation=agreement.organisation,
            number=number,
            login=login,
            agreement=agreement.reference,
            fiche=fiche,
            is_master=is_master,
            actor=actor,
        )
        agreement.add_user(user_id=str(user.id), login=login)
        self.issue_code(user, actor)
        return user

    def issue_code(self, user: PlatformUser, actor: Actor) -> None:
        issued = self.codes.issue()
        user.issue_credentials(
            code_id=issued.code_id,
            code_hash=issued.code_hash,
            expires_at=self.store.clock() + self.code_ttl,
            actor=actor,
        )

    @retry_on_conflict
    def publish_announcement(
        self, platform: str, subject: dict[str, str], body: dict[str, str], client: str
    ) -> dict[str, Any]:
        """Record platform news; it is mailed to every agreement address of the platform."""
        self.credential_platform(platform)
        news = Announcement(
            platform=platform, subject=subject, body=body, actor=service_actor(client)
        )
        return {"announcement_id": str(news.id), "position": self.store.record(news)}

    @retry_on_conflict
    def publish_document(
        self, platform: str, ref: str, kind: str, title: str, client: str
    ) -> dict[str, Any]:
        """Record that new documents are available; mailed to the agreement address."""
        agreement = self.agreement_of(platform, identifiers.organisation_ref(ref))
        notice = DocumentNotice(
            platform=platform,
            organisation=agreement.organisation,
            kind=kind,
            title=title,
            actor=service_actor(client),
        )
        return {"document_id": str(notice.id), "position": self.store.record(notice)}

    def credential_platform(self, platform: str) -> Platform:
        found = self.store.platform(platform)
        if "credentials" not in found.login:
            raise PlatformMismatch(
                f"{platform} is not a credential platform",
                variant="credentials",
                platform=platform,
                field="platform",
            )
        return found

    def agreement_of(self, platform: str, ref: str) -> Agreement:
        self.credential_platform(platform)
        agreement = self.store.find(Agreement, Agreement.create_id(platform, ref))
        if agreement is None:
            raise NoAgreement(
                f"{ref} has no agreement on {platform}",
                variant="organisation",
                organisation=ref,
                platform=platform,
            )
        return agreement

    def _register(self, platform: str) -> AgreementRegister:
        return self.store.find(AgreementRegister, AgreementRegister.create_id(platform)) or (
            AgreementRegister(platform=platform)
        )
