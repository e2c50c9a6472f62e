"""The grants service layer: the grant lifecycle (route B) as use cases on plain values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from services.grants import identifiers
from services.grants.app_base import NotFound, as_plain, retry_on_conflict, utc_now
from services.grants.domain.actor import EHerkenningActor, service_actor
from services.grants.domain.advisor import Advisor
from services.grants.domain.base import Actor, DomainError
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import ConfirmationInvalid, Grant, grant_basis
from services.grants.domain.organisation import Organisation, OrganisationUnknown
from services.grants.notices import NoticeQueries
from services.grants.reference import ReferenceData
from services.grants.store import event_positions
from services.grants.tokens import AccessCodes, ConfirmationTokens, grant_id_of, hash_token
from services.grants.users import UsersUseCases

RIGHTS_TEXT = {
    "nl": {"view": "bekijken", "edit": "bekijken en wijzigen"},
    "en": {"view": "view", "edit": "view and change"},
    "fr": {"view": "consulter", "edit": "consulter et encoder"},
}


class GrantsApplication(NoticeQueries, UsersUseCases, ReferenceData):
    """Employers grant, confirm, change and revoke access to their portal."""

    name = "toegang"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        tokens: ConfirmationTokens,
        confirm_ttl: timedelta = timedelta(days=7),
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(env, clock)
        self.tokens = tokens
        self.codes = AccessCodes(tokens.key)
        self.confirm_ttl = confirm_ttl

    @retry_on_conflict
    def request_grant(
        self, platform: str, grantor: str, grantee: str, rights: str, actor: Actor
    ) -> dict[str, Any]:
        """Employer `grantor` asks to give `grantee` rights; a link goes to its contact address."""
        grantor, grantee = (
            identifiers.organisation_ref(grantor),
            identifiers.organisation_ref(grantee),
        )
        person = EHerkenningActor.from_dict(actor)
        self._platform(platform).check_may_manage_access(person, grantor)
        registration = self._find(Advisor, Advisor.create_id(platform, grantee))
        basis = grant_basis(
            grantor,
            grantee,
            self._find(Coverage, Coverage.create_id(platform, grantor)),
            self._find(Coverage, Coverage.create_id(platform, grantee)),
            registration,
        )
        contact = self._find(Organisation, Organisation.create_id(grantor))
        if contact is None:
            raise OrganisationUnknown(f"{grantor} has no registered contact address")
        grant_id = Grant.create_id(platform, grantor, grantee)
        record = person.as_record()
        grant = self._find(Grant, grant_id) or Grant(
            platform=platform, grantor=grantor, grantee=grantee, actor=record
        )
        now = self.clock()
        expires_at = now + self.confirm_ttl
        grant.request(rights=rights, basis=basis, actor=record, now=now, expires_at=expires_at)
        issued = self.tokens.issue(grant_id)
        grant.issue_confirmation(
            confirmation_id=issued.confirmation_id,
            token_hash=issued.token_hash,
            sent_to=contact.contact_email,
            expires_at=expires_at,
            actor=record,
        )
        if registration is not None and str(grant_id) not in registration.client_grants:
            registration.link_client(grantor=grantor, grant_id=str(grant_id), actor=record)
        position = self._save(grant, registration if basis == "advisor" else None)
        return {"grant_id": str(grant_id), "status": "pending_confirmation", "position": position}

    @retry_on_conflict
    def confirm_grant(self, token: str, client: str) -> dict[str, Any]:
        """Activate a grant with the token from the mailed link (single use, expiring)."""
        grant = self._grant_for_token(token)
        grant.confirm(
            token_hash=hash_token(token),
            actor={"method": "confirmation_link", "client": client},
            now=self.clock(),
        )
        return {"grant_id": str(grant.id), "status": "active", "position": self._save(grant)}

    @retry_on_conflict
    def change_rights(self, grant_id: str, rights: str, actor: Actor) -> dict[str, Any]:
        """Change an open grant's rights; only the grantor (employer_edit) may."""
        grant, record = self._managed_grant(grant_id, actor)
        grant.change_rights(rights=rights, actor=record, now=self.clock())
        position = self._save(grant)
        return {**self._summary(grant), "position": position}

    @retry_on_conflict
    def revoke_grant(self, grant_id: str, actor: Actor, reason: str) -> dict[str, Any]:
        """End an open grant; only the grantor (employer_edit) may."""
        grant, record = self._managed_grant(grant_id, actor)
        grant.revoke(actor=record, reason=reason, now=self.clock())
        position = self._save(grant)
        return {**self._summary(grant), "position": position}

    @retry_on_conflict
    def expire_grant_request(self, grant_id: str) -> dict[str, Any]:
        """Record the expiry of a pending request whose link has run out (nothing otherwise)."""
        grant = self._grant(grant_id)
        grant.expire_if_due(self.clock(), service_actor("toegang"))
        return {**self._summary(grant), "position": self._save(grant)}

    def get_grant(self, grant_id: str) -> dict[str, Any]:
        """A grant's current state and its whole history, each step with its log position."""
        grant = self._grant(grant_id)
        positions = event_positions(self.recorder, grant.id)
        history = [
            {
                "position": positions.get(event.originator_version, 0),
                "time": event.timestamp.isoformat(),  # type: ignore[attr-defined]
                "type": event_type(event),
                "actor": as_plain(getattr(event, "actor", None)),
                "data": history_data(event),
            }
            for event in self.events.get(grant.id)
        ]
        return {**self._summary(grant), "history": history}

    def describe_confirmation(self, token: str) -> dict[str, Any]:
        """What a confirmation link would confirm, for the page that asks the employer."""
        grant = self._grant_for_token(token)
        if not grant.awaits_token(hash_token(token), self.clock()):
            raise ConfirmationInvalid("this confirmation link is no longer valid")
        names = {ref: self._organisation_name(ref) for ref in (grant.grantor, grant.grantee)}
        return {
            **self._summary(grant),
            "grantor_name": names[grant.grantor],
            "grantee_name": names[grant.grantee],
            "expires_at": as_plain(grant.expires_at),
            "platform_name": self._platform(grant.platform).name,
        }

    def confirmation_mail(self, grant_id: UUID, version: int) -> list[dict[str, Any]]:
        """The confirmation link, to the grantor's registered address only."""
        notice = self.confirmation_notice(grant_id, version)
        return [
            {
                "kind": "grant_confirmation",
                "locale": notice["locale"],
                "to": notice["sent_to"],
                "context": notice,
                "key": f"grant-confirmation.{grant_id}.{version}",
            }
        ]

    def confirmation_notice(self, grant_id: UUID, version: int) -> dict[str, Any]:
        """What the confirmation mail for a recorded ConfirmationIssued event says."""
        grant: Grant = self.repository.get(grant_id, version=version)
        assert grant.confirmation_id is not None
        assert grant.sent_to is not None
        platform = self._platform(grant.platform)
        rights_text = RIGHTS_TEXT[platform.locale][grant.rights or "view"]
        return {
            **self._summary(grant),
            "platform_name": platform.name,
            "locale": platform.locale,
            "grantor_name": self._organisation_name(grant.grantor),
            "grantee_name": self._organisation_name(grant.grantee),
            "rights_text": rights_text,
            "sent_to": grant.sent_to,
            "expires_at": as_plain(grant.expires_at),
            "token": self.tokens.derive(grant.id, grant.confirmation_id),
        }

    def _summary(self, grant: Grant) -> dict[str, Any]:
        return {
            "grant_id": str(grant.id),
            "platform": grant.platform,
            "grantor": grant.grantor,
            "grantee": grant.grantee,
            "rights": grant.rights,
            "status": grant.status_at(self.clock()),
        }

    def _grant(self, grant_id: str) -> Grant:
        try:
            return self._get(Grant, UUID(grant_id), "grant")
        except ValueError:
            raise NotFound("grant not found") from None

    def _managed_grant(self, grant_id: str, actor: Actor) -> tuple[Grant, Actor]:
        grant = self._grant(grant_id)
        person = EHerkenningActor.from_dict(actor)
        self._platform(grant.platform).check_may_manage_access(person, grant.grantor)
        return grant, person.as_record()

    def _grant_for_token(self, token: str) -> Grant:
        grant_id = grant_id_of(token)
        grant = self._find(Grant, grant_id) if grant_id else None
        if grant is None:
            raise ConfirmationInvalid("this confirmation link is not valid")
        return grant

    def _organisation_name(self, ref: str) -> str:
        organisation = self._find(Organisation, Organisation.create_id(ref))
        return organisation.name if organisation else ref


def event_type(event: Any) -> str:
    """The event's name for people and consumers: `GrantRequested`, `AdvisorLicenceWithdrawn`."""
    return type(event).__qualname__.replace(".", "")


def history_data(event: Any) -> dict[str, Any]:
    """The facts of an event for the history, without bookkeeping fields or secrets."""
    hidden = {
        "originator_id",
        "originator_version",
        "timestamp",
        "originator_topic",
        "actor",
        "token_hash",
        "confirmation_id",
    }
    return {k: as_plain(v) for k, v in event.__dict__.items() if k not in hidden}


__all__ = ["DomainError", "GrantsApplication"]
