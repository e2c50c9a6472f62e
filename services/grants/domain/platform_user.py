"""A platform user: one person's access on a credential platform (the Ethias user fiche)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, DomainError, check_rights, stable_id
from services.grants.domain.platform import LOCALES
from services.grants.domain.time_rules import request_lapsed, validity_ended

FICHE_FIELDS = (
    "name",
    "email",
    "rights",
    "contracts",
    "external",
    "assignment",
    "valid_until",
    "language",
)
OPTIONAL_FICHE_FIELDS = ("language",)
"""Fields a fiche may lack: `language` (None or absent, as in the fiches stored before it
existed: not known, the platform's language applies)."""


def check_fiche(fiche: dict[str, Any], today: date) -> dict[str, Any]:
    """A complete, consistent fiche; an external consultant needs an assignment and an end date."""
    missing = [
        name for name in FICHE_FIELDS if name not in fiche and name not in OPTIONAL_FICHE_FIELDS
    ]
    if missing:
        raise InvalidFiche(
            f"a fiche is complete; missing: {', '.join(missing)}", variant="missing", fields=missing
        )
    check_rights(fiche["rights"])
    if fiche.get("language") not in (None, *LOCALES):
        raise InvalidFiche(
            f"language is one of {', '.join(LOCALES)} or null",
            variant="language",
            fields=["language"],
        )
    if fiche["contracts"] != "all" and not fiche["contracts"]:
        raise InvalidFiche(
            "contracts is 'all' or a non-empty list", variant="contracts", fields=["contracts"]
        )
    absent = [name for name in ("assignment", "valid_until") if not fiche[name]]
    if fiche["external"] and absent:
        raise InvalidFiche(
            "an external user needs an assignment and a valid_until date",
            variant="external",
            fields=absent,
        )
    if validity_ended(fiche["valid_until"], today):
        raise InvalidFiche("valid_until lies in the past", variant="past", fields=["valid_until"])
    return fiche


class PlatformUser(Aggregate):
    """One person's fiche on one platform, under one agreement of one organisation."""

    @staticmethod
    def create_id(platform: str, organisation: str, number: int) -> UUID:
        return stable_id("platform-user", platform, organisation, str(number))

    @event("Granted")
    def __init__(
        self,
        platform: str,
        organisation: str,
        number: int,
        login: str,
        agreement: str,
        fiche: dict[str, Any],
        is_master: bool,
        actor: Actor,
    ) -> None:
        self.platform, self.organisation, self.login = platform, organisation, login
        self.agreement, self.is_master = agreement, is_master
        self.fiche = dict(fiche)
        self.status = "active"
        self.erased = False
        self.code_hash: str | None = None
        self.code_id: str | None = None
        self.code_expires_at: datetime | None = None

    @event("ProfileReplaced")
    def replace_profile(self, fiche: dict[str, Any], actor: Actor) -> None:
        """A change is a complete new fiche."""
        self.fiche = dict(fiche)

    def revoke(self, reason: str, actor: Actor) -> None:
        """End the user's access (refused if it already ended)."""
        self.check_active()
        self._record_revocation(reason=reason, actor=actor)

    @event("Revoked")
    def _record_revocation(self, reason: str, actor: Actor) -> None:
        self.status = "revoked"
        self.code_hash = None

    def expire_if_due(self, today: date, actor: Actor) -> bool:
        """Record the end of an access whose valid_until has passed."""
        valid_until: date | None = self.fiche.get("valid_until")
        if self.status == "active" and valid_until and validity_ended(valid_until, today):
            self._record_expiry(valid_until=valid_until, actor=actor)
            return True
        return False

    @event("Expired")
    def _record_expiry(self, valid_until: date, actor: Actor) -> None:
        self.status = "expired"
        self.code_hash = None

    @event("PersonalDataErased")
    def erase_personal_data(self, actor: Actor) -> None:
        """Record that the person's name and address were erased (their key is destroyed)."""
        self.fiche = {**self.fiche, "name": None, "email": None}
        self.erased = True

    @event("CredentialsIssued")
    def issue_credentials(
        self, code_id: str, code_hash: str, expires_at: datetime, actor: Actor
    ) -> None:
        """Record a one-time activation code mailed to the user's own address (hash only)."""
        self.code_id, self.code_hash, self.code_expires_at = code_id, code_hash, expires_at

    def activate(self, code_hash: str, now: datetime, actor: Actor) -> None:
        """Use the one-time activation code."""
        self.check_active(now.date())
        if self.code_hash is None or self.code_hash != code_hash:
            raise CodeInvalid("this access code is not valid (any more)")
        if request_lapsed(self.code_expires_at, now):
            raise CodeExpired("this access code has expired; ask your master user for a new one")
        self._record_activation(actor=actor)

    @event("CredentialsActivated")
    def _record_activation(self, actor: Actor) -> None:
        self.code_hash = None

    def check_active(self, today: date | None = None) -> None:
        """Refuse a user whose access ended (revoked, expired, or past valid_until today)."""
        valid_until = self.fiche.get("valid_until")
        if self.status == "expired" or (
            self.status == "active" and today is not None and validity_ended(valid_until, today)
        ):
            raise UserExpired("the user's access has expired")
        if self.status != "active":
            raise UserNotActive(f"the user is {self.status}")

    def check_may_manage(self, platform: str, organisation: str) -> None:
        """Refuse unless this user is the active master user of that organisation there."""
        if (
            not self.is_master
            or self.status != "active"
            or ((self.platform, self.organisation) != (platform, organisation))
        ):
            raise NotMasterUser("only the organisation's master user on this platform may")


# The errors its rules raise (each a stable problem code).


class InvalidFiche(DomainError):
    code = "invalid_fiche"


class NotMasterUser(DomainError):
    code = "not_master_user"


class UserNotActive(DomainError):
    code = "user_revoked"


class UserExpired(UserNotActive):
    code = "user_expired"


class CodeInvalid(DomainError):
    code = "access_code_invalid"


class CodeExpired(DomainError):
    code = "access_code_expired"
