"""The user story: an organisation's office on the credential platform and its user fiches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as midnight
from typing import Any

from bench.audit.common import STAFF, TTL
from bench.audit.history import History
from services.grants.domain.actor import service_actor
from services.grants.domain.agreement import Agreement
from services.grants.domain.platform_user import PlatformUser


@dataclass
class Office:
    """An organisation's agreement on a credential platform and its master user."""

    agreement: Agreement
    master: dict[str, Any]
    ours: bool

    @classmethod
    def open(cls, history: History, platform: str, organisation: str, ours: bool) -> Office:
        agreement = Agreement(
            platform, organisation, "AGR-1", "hr@example.org", date(2020, 1, 1), STAFF
        )
        user = new_user(history, agreement, fiche(1, "edit"), is_master=True, actor=STAFF)
        agreement.appoint_master_user(user_id=str(user.id), actor=STAFF)
        history.touch(ours, agreement, user)
        return cls(agreement, {"method": "credentials", "user_id": str(user.id)}, ours)


def fiche(number: int, rights: str, valid_until: date | None = None) -> dict[str, Any]:
    return {
        "name": f"Gebruiker {number}",
        "email": f"user{number}@example.org",
        "rights": rights,
        "contracts": "all" if number % 3 else ["C-1"],
        "external": valid_until is not None,
        "assignment": "jaarrekening" if valid_until is not None else None,
        "valid_until": valid_until,
    }


def new_user(
    history: History,
    agreement: Agreement,
    card: dict[str, Any],
    is_master: bool,
    actor: dict[str, Any],
) -> PlatformUser:
    """A user fiche under the agreement with its first access code (as `new_user` does)."""
    number = agreement.next_user_number()
    login = f"{agreement.organisation.split(':')[1]}-{number:03d}"
    user = PlatformUser(
        agreement.platform, agreement.organisation, number, login, agreement.reference, card,
        is_master, actor,
    )  # fmt: skip
    agreement.add_user(user_id=str(user.id), login=login)
    user.issue_credentials(
        code_id=history.secret()[:16],
        code_hash=history.secret(),
        expires_at=history.now + TTL,
        actor=actor,
    )
    return user


class UserStory:
    """One user fiche: created, activated, replaced, then revoked (or expired at its end
    date, for an external consultant); a successor follows after a while."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.user: PlatformUser | None = None
        self.ends: datetime | None = None
        self.next: Callable[[History, PlatformUser], timedelta | None] = self.activate

    def step(self, history: History) -> timedelta | None:
        if self.user is None:
            self.user = self.create(history)
            later: timedelta | None = history.days(0.02, 3)
        else:
            later = self.next(history, self.user)
        history.touch(self.office.ours, self.office.agreement, self.user)
        if later is not None and self.ends is not None and history.now + later >= self.ends:
            self.next = self.expire
            return self.ends - history.now + history.days(0, 1.5)
        return later

    def create(self, history: History) -> PlatformUser:
        valid_until = None
        if history.rng.random() < 0.25:
            valid_until = (history.now + history.days(60, 400)).date()
            self.ends = datetime.combine(valid_until + timedelta(days=1), midnight(), UTC)
        number = self.office.agreement.next_user_number()
        card = fiche(number, history.rng.choice(("view", "edit")), valid_until)
        return new_user(history, self.office.agreement, card, False, self.office.master)

    def activate(self, history: History, user: PlatformUser) -> timedelta:
        code = user.code_hash or ""
        user.activate(code_hash=code, now=history.now, actor=service_actor(user.login))
        self.next = self.replace
        return history.days(10, 150)

    def replace(self, history: History, user: PlatformUser) -> timedelta:
        rights = "edit" if user.fiche["rights"] == "view" else "view"
        user.replace_profile(fiche={**user.fiche, "rights": rights}, actor=self.office.master)
        self.next = self.replace if history.rng.random() < 0.6 else self.revoke
        return history.days(10, 150)

    def revoke(self, history: History, user: PlatformUser) -> None:
        user.revoke(reason="left", actor=self.office.master)
        self.succeed(history, user)

    def expire(self, history: History, user: PlatformUser) -> None:
        assert user.expire_if_due(history.now.date(), service_actor("toegang"))
        self.succeed(history, user)

    def succeed(self, history: History, user: PlatformUser) -> None:
        self.office.agreement.remove_user(user_id=str(user.id))
        history.schedule(history.days(1, 60), UserStory(self.office))
