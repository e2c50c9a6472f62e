"""The rows the access state holds: grants, user fiches, contracts, and their shared strings."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from services.grants.domain.time_rules import grant_status_at, user_status_on


def shared(value: str | None) -> str | None:
    """One str object per distinct value (platforms, rights, statuses, organisation numbers):
    a million rows then hold references, not a million copies."""
    return None if value is None else sys.intern(value)


@dataclass(slots=True)
class GrantRow:
    """One (platform, grantor, grantee) pair as the views show it."""

    grant_id: str
    platform: str
    grantor: str
    grantee: str
    rights: str | None = None
    status: str = "new"
    basis: str | None = None
    requested_at: str | None = None
    expires_at: str | None = None
    active_since: str | None = None
    ended_at: str | None = None
    end_reason: str | None = None
    position: int = 0
    valid_until: str | None = None  # the last day of access (ISO date)
    reminded_for: str | None = None  # the end date whose reminder was recorded

    def __post_init__(self) -> None:
        self.platform, self.grantor = sys.intern(self.platform), sys.intern(self.grantor)
        self.grantee = sys.intern(self.grantee)
        self.status = sys.intern(self.status)
        self.rights, self.basis = shared(self.rights), shared(self.basis)
        self.end_reason = shared(self.end_reason)

    def status_at(self, now: datetime) -> str:
        """`expired` for a pending request whose link has run out, `ended` for an active grant
        past its valid_until, else the recorded status."""
        today = now.date().isoformat()
        return grant_status_at(
            self.status, self.expires_at, now.isoformat(), self.valid_until, today
        )


@dataclass(slots=True)
class UserRow:
    """One platform user fiche as the views show it (name and e-mail for the master's list)."""

    user_id: str
    platform: str
    organisation: str
    login: str
    agreement: str
    is_master: bool
    name: str | None
    email: str | None
    rights: str
    contracts: list[str] | str
    external: bool
    assignment: str | None
    valid_until: str | None
    status: str = "active"
    end_reason: str | None = None
    since: str | None = None
    ended_at: str | None = None
    code_issued_at: str | None = None
    activated_at: str | None = None
    position: int = 0

    def __post_init__(self) -> None:
        self.platform, self.organisation = sys.intern(self.platform), sys.intern(self.organisation)
        self.rights, self.status = sys.intern(self.rights), sys.intern(self.status)
        self.agreement = sys.intern(self.agreement)

    def status_on(self, today: str) -> str:
        """`expired` once valid_until has passed, even before the Expired event is recorded."""
        return user_status_on(self.status, self.valid_until, today)


class ContractRow(NamedTuple):
    holder: str
    covered: tuple[str, ...]
    name: str
