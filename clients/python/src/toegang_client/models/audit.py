"""The audit trail's answers: history entries, access at an instant, the chain's check."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from toegang_client.models.base import Model, Parser, frozen, instant, many


@dataclass(frozen=True)
class AuditEntry(Model):
    """An event in the history: position, time, type, aggregate, actor (with `route`), facts."""

    position: int
    time: datetime
    type: str
    aggregate_id: str
    actor: Mapping[str, Any]
    data: Mapping[str, Any]
    NESTED: ClassVar[Mapping[str, Parser]] = {"time": instant, "actor": frozen, "data": frozen}


@dataclass(frozen=True)
class HistoryPage(Model):
    """A page of history in log order; pass `next_after` as `after` (None: the last page)."""

    entries: tuple[AuditEntry, ...]
    next_after: int | None
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"entries": many(AuditEntry)}


@dataclass(frozen=True)
class AccessRecord(Model):
    """A grant or a platform user with access at the instant asked, and since when."""

    kind: str
    subject_id: str
    holder: str
    rights: str
    route: str
    approved_by: Mapping[str, Any] | None
    since: datetime
    valid_from: datetime
    valid_to: datetime | None
    scope: Any = None
    NESTED: ClassVar[Mapping[str, Parser]] = {
        "approved_by": frozen,
        "since": instant,
        "valid_from": instant,
        "valid_to": instant,
    }


@dataclass(frozen=True)
class AccessAt(Model):
    """Everyone with access to an organisation's data on a platform at an instant."""

    platform: str
    organisation: str
    at: datetime
    access: tuple[AccessRecord, ...]
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"at": instant, "access": many(AccessRecord)}


@dataclass(frozen=True)
class ChainHead(Model):
    """The last sealed position and its digest (compare it with one kept elsewhere)."""

    position: int
    digest: str | None


@dataclass(frozen=True)
class ChainProblem(Model):
    """A position where the hash chain breaks: `altered`, `missing` or `unchained`."""

    position: int
    kind: str
    detail: str


@dataclass(frozen=True)
class Verification(Model):
    """The hash chain recomputed: intact or not, the events checked, the head, the problems."""

    ok: bool
    events: int
    head: ChainHead
    problems: tuple[ChainProblem, ...]
    NESTED: ClassVar[Mapping[str, Parser]] = {
        "head": ChainHead.from_json,
        "problems": many(ChainProblem),
    }
