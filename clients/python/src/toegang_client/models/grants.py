"""The answers about grants: requests, changes, a grant's story, listings of grants."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from toegang_client.models.base import Model, Parser, day, frozen, instant, many


@dataclass(frozen=True)
class GrantAccepted(Model):
    """The answer to a grant request or a confirmation: the grant, its status, the position."""

    grant_id: str
    status: str
    position: int


@dataclass(frozen=True)
class Grant(Model):
    """A grant after a change of rights or a revocation."""

    grant_id: str
    platform: str
    grantor: str
    grantee: str
    rights: str | None
    status: str
    position: int
    valid_until: date | None = None  # the last day of access (None: no end date)
    NESTED: ClassVar[Mapping[str, Parser]] = {"valid_until": day}


@dataclass(frozen=True)
class GrantEvent(Model):
    """One event of a grant's story: its position, time, type, actor and facts."""

    position: int
    time: datetime
    type: str
    actor: Mapping[str, Any] | None
    data: Mapping[str, Any]
    NESTED: ClassVar[Mapping[str, Parser]] = {"time": instant, "actor": frozen, "data": frozen}


@dataclass(frozen=True)
class GrantRecord(Model):
    """A grant's state and its whole history, in log order."""

    grant_id: str
    platform: str
    grantor: str
    grantee: str
    rights: str | None
    status: str
    history: tuple[GrantEvent, ...]
    valid_until: date | None = None  # the last day of access (None: no end date)
    NESTED: ClassVar[Mapping[str, Parser]] = {"history": many(GrantEvent), "valid_until": day}

    @property
    def position(self) -> int:
        """The position of the grant's last event (0 without history)."""
        return self.history[-1].position if self.history else 0


TIMES = ("requested_at", "expires_at", "active_since", "ended_at")


@dataclass(frozen=True)
class GrantSummary(Model):
    """A grant in a listing (given, received, an advisor's clients) with names and times."""

    grant_id: str
    grantor: str
    grantor_name: str | None
    grantee: str
    grantee_name: str | None
    rights: str | None
    status: str
    requested_at: datetime | None
    expires_at: datetime | None
    active_since: datetime | None
    ended_at: datetime | None
    end_reason: str | None
    valid_until: date | None = None  # the last day of access (None: no end date)
    NESTED: ClassVar[Mapping[str, Parser]] = {**dict.fromkeys(TIMES, instant), "valid_until": day}


@dataclass(frozen=True)
class AdvisorClients(Model):
    """A page of an advisor's active and pending clients, and its licence state."""

    advisor: str
    name: str | None
    licensed: bool | None
    clients: tuple[GrantSummary, ...]
    next_after: str | None
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"clients": many(GrantSummary)}


@dataclass(frozen=True)
class OrganisationGrants(Model):
    """The grants an organisation gave and received on a platform."""

    organisation: str
    name: str | None
    covered: bool
    given: tuple[GrantSummary, ...]
    received: tuple[GrantSummary, ...]
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {
        "given": many(GrantSummary),
        "received": many(GrantSummary),
    }
