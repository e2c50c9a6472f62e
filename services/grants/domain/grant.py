"""A grant (route B): employer A gives organisation B view or edit rights on A's portal."""

from __future__ import annotations

import hmac
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, check_rights, stable_id
from services.grants.domain.confirmation_link import link_state
from services.grants.domain.grant_errors import ConfirmationExpired as ConfirmationExpired
from services.grants.domain.grant_errors import ConfirmationInvalid as ConfirmationInvalid
from services.grants.domain.grant_errors import ConfirmationUsed as ConfirmationUsed
from services.grants.domain.grant_errors import GrantExists as GrantExists
from services.grants.domain.grant_errors import GrantNotOpen as GrantNotOpen
from services.grants.domain.grant_errors import ValidUntilPast as ValidUntilPast
from services.grants.domain.grant_errors import check_valid_until
from services.grants.domain.time_rules import end_reminder_due, grant_status_at

OPEN_STATUSES = ("pending", "active")


class Grant(Aggregate):
    """The whole story of one (platform, grantor, grantee) pair, one stream per pair."""

    @staticmethod
    def create_id(platform: str, grantor: str, grantee: str) -> UUID:
        return stable_id("grant", platform, grantor, grantee)

    @event("Opened")
    def __init__(self, platform: str, grantor: str, grantee: str, actor: Actor) -> None:
        self.platform = platform
        self.grantor = grantor
        self.grantee = grantee
        self.rights: str | None = None
        self.status = "new"
        self.basis: str | None = None
        self.expires_at: datetime | None = None
        self.token_hash: str | None = None
        self.confirmation_id: str | None = None
        self.sent_to: str | None = None
        self.used_token_hashes: list[str] = []
        self.issued_token_hashes: list[str] = []
        self.end_reason: str | None = None
        self.valid_until: date | None = None
        self.reminded_for: date | None = None

    def request(
        self,
        rights: str,
        basis: str,
        actor: Actor,
        now: datetime,
        expires_at: datetime,
        valid_until: date | None = None,
    ) -> None:
        """Ask for access (until `valid_until`, if given); refused while the pair already has
        an open grant."""
        check_rights(rights)
        check_valid_until(valid_until, now.date())
        if self.status_at(now) in OPEN_STATUSES:
            raise GrantExists(
                f"{self.grantor} already has an open grant to {self.grantee}",
                variant="pair",
                grantor=self.grantor,
                grantee=self.grantee,
            )
        self.expire_if_due(now, actor)
        self._record_request(
            rights=rights, basis=basis, actor=actor, expires_at=expires_at, valid_until=valid_until
        )

    @event("Requested")
    def _record_request(
        self,
        rights: str,
        basis: str,
        actor: Actor,
        expires_at: datetime,
        valid_until: date | None = None,
    ) -> None:
        self.rights = rights
        self.basis = basis
        self.status = "pending"
        self.expires_at = expires_at
        self.token_hash = None
        self.valid_until, self.reminded_for = valid_until, None

    def issue_confirmation(
        self,
        confirmation_id: str,
        token_hash: str,
        sent_to: str,
        expires_at: datetime,
        actor: Actor,
    ) -> None:
        """Record the link sent to the grantor's registered address (only its hash)."""
        if self.status != "pending":
            raise GrantNotOpen(f"no pending request to confirm (the grant is {self.status})")
        self._record_confirmation_issued(
            confirmation_id=confirmation_id,
            token_hash=token_hash,
            sent_to=sent_to,
            expires_at=expires_at,
            actor=actor,
        )

    @event("ConfirmationIssued")
    def _record_confirmation_issued(
        self,
        confirmation_id: str,
        token_hash: str,
        sent_to: str,
        expires_at: datetime,
        actor: Actor,
    ) -> None:
        """Record the link sent to the grantor's registered address (only its hash)."""
        self.token_hash = token_hash
        self.confirmation_id = confirmation_id
        self.sent_to = sent_to
        self.expires_at = expires_at
        self.issued_token_hashes = [*getattr(self, "issued_token_hashes", []), token_hash]

    def confirm(self, token_hash: str, actor: Actor, now: datetime) -> None:
        """Activate the grant with the mailed token: single use, before it expires."""
        if any(hmac.compare_digest(token_hash, used) for used in self.used_token_hashes):
            raise ConfirmationUsed("this confirmation link was already used")
        if self.status != "pending" or not self._is_current_token(token_hash):
            raise ConfirmationInvalid("this confirmation link is not valid")
        if self.status_at(now) == "expired":
            raise ConfirmationExpired("this confirmation link has expired")
        self._record_confirmation(token_hash=token_hash, actor=actor)

    @event("Confirmed")
    def _record_confirmation(self, token_hash: str, actor: Actor) -> None:
        self.status = "active"
        self.used_token_hashes.append(token_hash)
        self.token_hash = None

    @event("RequestExpired")
    def _expire_request(self, at: datetime, actor: Actor) -> None:
        self.status = "expired"
        self.token_hash = None

    def change_rights(
        self, rights: str, actor: Actor, now: datetime, valid_until: date | None = None
    ) -> None:
        """Change the rights (and the end date, if given) of an open grant; unchanged terms
        record nothing. Without `valid_until` the end date stays as it was."""
        check_rights(rights)
        check_valid_until(valid_until, now.date())
        self._check_open(now)
        new_end = valid_until is not None and valid_until != self.valid_until
        if rights != self.rights or new_end:
            self._record_rights(rights=rights, actor=actor, valid_until=valid_until)

    @event("RightsChanged")
    def _record_rights(self, rights: str, actor: Actor, valid_until: date | None = None) -> None:
        self.rights = rights
        if valid_until is not None:
            self.valid_until = valid_until

    def revoke(self, actor: Actor, reason: str, now: datetime) -> None:
        """End an open grant (pending or active)."""
        self._check_open(now)
        self._record_revocation(actor=actor, reason=reason, rights=self.rights)

    @event("Revoked")
    def _record_revocation(self, actor: Actor, reason: str, rights: str | None) -> None:
        self.status = "revoked"
        self.end_reason = reason
        self.token_hash = None

    def expire_if_due(self, now: datetime, actor: Actor) -> bool:
        """Record the expiry of a pending request whose link has run out, or the end of an
        active grant past its valid_until."""
        status = self.status_at(now)
        if self.status == "pending" and status == "expired":
            self._expire_request(at=now, actor=actor)
        elif self.status == "active" and status == "ended":
            self._record_expiry(valid_until=self.valid_until, actor=actor)
        else:
            return False
        return True

    @event("Expired")
    def _record_expiry(self, valid_until: date | None, actor: Actor) -> None:
        self.status = "ended"
        self.end_reason = "valid_until_passed"

    def remind_if_due(self, now: datetime, days: int, actor: Actor) -> bool:
        """Record that the end date's reminder is due (once per end date)."""
        if self.status_at(now) != "active" or not end_reminder_due(
            self.valid_until, self.reminded_for, now.date(), days
        ):
            return False
        self._record_end_reminder(valid_until=self.valid_until, actor=actor)
        return True

    @event("EndReminderDue")
    def _record_end_reminder(self, valid_until: date | None, actor: Actor) -> None:
        self.reminded_for = valid_until

    def status_at(self, now: datetime) -> str:
        """`pending`, `active`, `revoked`, `expired`, `ended` (or `new`) as of `now`."""
        return grant_status_at(self.status, self.expires_at, now, self.valid_until, now.date())

    def is_open(self, now: datetime) -> bool:
        return self.status_at(now) in OPEN_STATUSES

    def _check_open(self, now: datetime) -> None:
        if not self.is_open(now):
            raise GrantNotOpen(f"the grant is {self.status_at(now)}")

    def awaits_token(self, token_hash: str, now: datetime) -> bool:
        """Whether this token would confirm the grant now."""
        return self.status_at(now) == "pending" and self._is_current_token(token_hash)

    def link_state(self, token_hash: str, now: datetime) -> str:
        """What the link with this token hash is now (see `confirmation_link.link_state`)."""
        return link_state(self, token_hash, now)

    def _is_current_token(self, token_hash: str) -> bool:
        return self.token_hash is not None and hmac.compare_digest(token_hash, self.token_hash)
