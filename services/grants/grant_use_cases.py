"""Route B: employers grant, confirm, change and revoke access, as use cases on plain values."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from services.eventlog.store import event_positions
from services.grants import identifiers
from services.grants.app_base import NotFound, StoreApplication, as_plain, retry_on_conflict
from services.grants.confirmation_view import LinkView, link_view
from services.grants.domain.actor import EHerkenningActor, service_actor
from services.grants.domain.advisor import Advisor, rests_on_withdrawn_licence
from services.grants.domain.base import Actor
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import ConfirmationInvalid, Grant
from services.grants.domain.grant_basis import grant_basis
from services.grants.domain.organisation import Organisation, OrganisationUnknown
from services.grants.history import event_type, history_data
from services.grants.notices import grant_facts
from services.grants.tokens import ConfirmationTokens, grant_id_of, hash_token


class GrantUseCases:
    """Employers grant, confirm, change and revoke access to their portal."""

    def __init__(
        self,
        store: StoreApplication,
        tokens: ConfirmationTokens,
        confirm_ttl: timedelta,
        reminder_days: int = 14,
    ) -> None:
        self.store, self.tokens, self.confirm_ttl = store, tokens, confirm_ttl
        self.reminder_days = reminder_days

    @retry_on_conflict
    def request_grant(
        self,
        platform: str,
        grantor: str,
        grantee: str,
        rights: str,
        actor: Actor,
        valid_until: date | None = None,
    ) -> dict[str, Any]:
        """Employer `grantor` asks to give `grantee` rights (until `valid_until`, its last day,
        if given); a link goes to its contact address."""
        grantor = identifiers.organisation_ref(grantor, "grantor")
        grantee = identifiers.organisation_ref(grantee, "grantee")
        person = EHerkenningActor.from_dict(actor)
        self.store.platform(platform).check_may_manage_access(person, grantor)
        advisor = self.store.find(Advisor, Advisor.create_id(platform, grantee))
        basis = grant_basis(
            grantor,
            grantee,
            self.store.find(Coverage, Coverage.create_id(platform, grantor)),
            self.store.find(Coverage, Coverage.create_id(platform, grantee)),
            advisor,
        )
        contact = self.store.find(Organisation, Organisation.create_id(grantor))
        if contact is None:
            raise OrganisationUnknown(
                f"{grantor} has no registered contact address",
                variant="address",
                organisation=grantor,
                field="grantor",
            )
        record = person.as_record()
        grant = self._open_grant(platform, grantor, grantee, record)
        self._request(grant, (rights, valid_until), basis, record, contact.contact_email)
        # Only the grant's own stream is written: requests for different employers to one
        # advisor never conflict, and cost the same at any number of clients.
        position = self.store.record(grant)
        return {"grant_id": str(grant.id), "status": "pending_confirmation", "position": position}

    def _open_grant(self, platform: str, grantor: str, grantee: str, actor: Actor) -> Grant:
        grant_id = Grant.create_id(platform, grantor, grantee)
        return self.store.find(Grant, grant_id) or Grant(
            platform=platform, grantor=grantor, grantee=grantee, actor=actor
        )

    def _request(
        self, grant: Grant, terms: tuple[str, date | None], basis: str, actor: Actor, send_to: str
    ) -> None:
        """Record the request and the confirmation link (only the token's hash) in one go."""
        now = self.store.clock()
        expires_at = now + self.confirm_ttl
        rights, valid_until = terms
        grant.request(rights, basis, actor, now, expires_at, valid_until)
        issued = self.tokens.issue(grant.id)
        grant.issue_confirmation(
            confirmation_id=issued.confirmation_id,
            token_hash=issued.token_hash,
            sent_to=send_to,
            expires_at=expires_at,
            actor=actor,
        )

    @retry_on_conflict
    def confirm_grant(self, token: str, client: str) -> dict[str, Any]:
        """Activate a grant with the token from the mailed link (single use, expiring)."""
        grant = self._grant_for_token(token)
        grant.confirm(
            token_hash=hash_token(token),
            actor={"method": "confirmation_link", "client": client},
            now=self.store.clock(),
        )
        return {"grant_id": str(grant.id), "status": "active", "position": self.store.record(grant)}

    @retry_on_conflict
    def change_rights(
        self, grant_id: str, rights: str, actor: Actor, valid_until: date | None = None
    ) -> dict[str, Any]:
        """Change an open grant's rights, and its end date if `valid_until` is given (an
        extension); only the grantor (employer_edit) may."""
        grant, record = self._managed_grant(grant_id, actor)
        grant.change_rights(rights, record, self.store.clock(), valid_until)
        return self._recorded(grant)

    @retry_on_conflict
    def revoke_grant(self, grant_id: str, actor: Actor, reason: str) -> dict[str, Any]:
        """End an open grant; only the grantor (employer_edit) may."""
        grant, record = self._managed_grant(grant_id, actor)
        grant.revoke(actor=record, reason=reason, now=self.store.clock())
        return self._recorded(grant)

    @retry_on_conflict
    def revoke_after_licence_withdrawal(self, grant_id: str) -> dict[str, Any]:
        """Revoke an open grant resting on an advisor licence that is withdrawn now (nothing
        otherwise): the sweeper records, event by event, what a withdrawal ended."""
        grant = self._grant(grant_id)
        advisor = self.store.find(Advisor, Advisor.create_id(grant.platform, grant.grantee))
        now = self.store.clock()
        if rests_on_withdrawn_licence(grant, advisor, now):
            grant.revoke(
                actor=service_actor("toegang"), reason="advisor_licence_withdrawn", now=now
            )
        return self._recorded(grant)

    @retry_on_conflict
    def expire_grant_request(self, grant_id: str) -> dict[str, Any]:
        """Record the expiry of a pending request whose link has run out, or the end of an
        active grant past its valid_until (nothing otherwise)."""
        grant = self._grant(grant_id)
        grant.expire_if_due(self.store.clock(), service_actor("toegang"))
        return self._recorded(grant)

    @retry_on_conflict
    def remind_grant_end(self, grant_id: str) -> dict[str, Any]:
        """Record that an active grant's end date is `reminder_days` or fewer days away (once
        per end date): the notifier mails the grantor on that event."""
        grant = self._grant(grant_id)
        grant.remind_if_due(self.store.clock(), self.reminder_days, service_actor("toegang"))
        return self._recorded(grant)

    def get_grant(self, grant_id: str) -> dict[str, Any]:
        """A grant's current state and its whole history, each step with its log position."""
        grant = self._grant(grant_id)
        positions = event_positions(self.store.recorder, grant.id)
        history = [
            {
                "position": positions.get(event.originator_version, 0),
                "time": event.timestamp.isoformat(),  # type: ignore[attr-defined]
                "type": event_type(event),
                "actor": as_plain(getattr(event, "actor", None)),
                "data": history_data(event),
            }
            for event in self.store.events.get(grant.id)
        ]
        return {**self._summary(grant), "history": history}

    def describe_confirmation(self, token: str) -> LinkView:
        """What a confirmation link is now (valid, used, expired, replaced, withdrawn or
        unknown) and, valid or used, what it confirms: for the page that asks the employer."""
        return link_view(self.store, token)

    def _recorded(self, grant: Grant) -> dict[str, Any]:
        """Record the grant's new events; answer its summary and the position reached."""
        position = self.store.record(grant)
        return {**self._summary(grant), "position": position}

    def _summary(self, grant: Grant) -> dict[str, Any]:
        return {**grant_facts(grant), "status": grant.status_at(self.store.clock())}

    def _grant(self, grant_id: str) -> Grant:
        try:
            return self.store.get(Grant, UUID(grant_id), "grant")
        except ValueError:
            raise NotFound("grant not found", variant="grant") from None

    def _managed_grant(self, grant_id: str, actor: Actor) -> tuple[Grant, Actor]:
        grant = self._grant(grant_id)
        person = EHerkenningActor.from_dict(actor)
        self.store.platform(grant.platform).check_may_manage_access(person, grant.grantor)
        return grant, person.as_record()

    def _grant_for_token(self, token: str) -> Grant:
        grant_id = grant_id_of(token)
        grant = self.store.find(Grant, grant_id) if grant_id else None
        if grant is None:
            raise ConfirmationInvalid("this confirmation link is not valid")
        return grant
