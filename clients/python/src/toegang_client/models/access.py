"""Who asks (actors), what they ask (checks) and what the access views answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from toegang_client.models.base import Model, Parser, many

Rights = Literal["view", "edit"]


@dataclass(frozen=True)
class EHerkenning:
    """An eHerkenning assertion's facts: who logs in, for whom, with which service and LoA."""

    legal_subject: str
    acting_subject: str
    service_id: str
    loa: str
    intermediary: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The actor as the API takes it."""
        return {
            "method": "eherkenning",
            "legal_subject": self.legal_subject,
            "acting_subject": self.acting_subject,
            "intermediary": self.intermediary,
            "service_id": self.service_id,
            "loa": self.loa,
        }


@dataclass(frozen=True)
class Credentials:
    """A platform user of a credential platform, logged in with login and password."""

    user_id: str

    def as_json(self) -> dict[str, Any]:
        """The actor as the API takes it."""
        return {"method": "credentials", "user_id": self.user_id}


Actor = EHerkenning | Credentials | Mapping[str, Any]
"""An actor: a model, or the JSON object the API takes (`{"method": "eherkenning", …}`)."""


def actor_json(actor: Actor) -> dict[str, Any]:
    """The JSON object of an actor."""
    if isinstance(actor, EHerkenning | Credentials):
        return actor.as_json()
    return dict(actor)


@dataclass(frozen=True)
class CheckItem:
    """One question of a batch check."""

    actor: Actor
    organisation: str
    action: Rights
    contract: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The question as the API takes it."""
        body: dict[str, Any] = {
            "actor": actor_json(self.actor),
            "organisation": self.organisation,
            "action": self.action,
        }
        if self.contract is not None:
            body["contract"] = self.contract
        return body


@dataclass(frozen=True)
class Reason(Model):
    """Why a check was denied: a stable code, a message and a remedy in the caller's language."""

    code: str
    message: str
    remedy: str


@dataclass(frozen=True)
class Decision(Model):
    """A check's answer: allowed or not, with which rights, by which route, at which position."""

    allowed: bool
    rights: str | None
    via: str | None
    reasons: tuple[Reason, ...]
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"reasons": many(Reason)}

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons' codes, most specific first."""
        return tuple(reason.code for reason in self.reasons)

    @property
    def remedies(self) -> tuple[str, ...]:
        """What the person can do about each reason (empty when allowed)."""
        return tuple(reason.remedy for reason in self.reasons)


@dataclass(frozen=True)
class ItemProblem(Model):
    """A batch item that could not be asked (`invalid_identifier`, `invalid_request`)."""

    type: str
    code: str
    status: int
    title: str
    detail: str
    remedy: str
    errors: tuple[Mapping[str, Any], ...] | None = None
    NESTED: ClassVar[Mapping[str, Parser]] = {"errors": tuple}


@dataclass(frozen=True)
class BatchResult(Model):
    """One answer of a batch check, in the order of the questions."""

    allowed: bool
    rights: str | None
    via: str | None
    reasons: tuple[Reason, ...]
    problem: ItemProblem | None = None
    NESTED: ClassVar[Mapping[str, Parser]] = {
        "reasons": many(Reason),
        "problem": ItemProblem.from_json,
    }


@dataclass(frozen=True)
class BatchDecision(Model):
    """Every answer of a batch check, all at one view position."""

    results: tuple[BatchResult, ...]
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"results": many(BatchResult)}


@dataclass(frozen=True)
class Portal(Model):
    """A portal a login opens: the organisation, the rights and the route (own, grant, …)."""

    organisation: str
    rights: str
    via: str


@dataclass(frozen=True)
class Portals(Model):
    """A page of the portals a login opens; `next_after` starts the next page (None: last)."""

    portals: tuple[Portal, ...]
    next_after: str | None
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"portals": many(Portal)}


@dataclass(frozen=True)
class Recorded(Model):
    """The answer of an admin write: the log position reached and what was written."""

    position: int
    platform: str | None = None
    organisation: str | None = None
    contract: str | None = None


@dataclass(frozen=True)
class Published(Model):
    """An announcement or a document notice recorded (its mail follows from the log)."""

    position: int
    announcement_id: str | None = None
    document_id: str | None = None


@dataclass(frozen=True)
class AccessChange(Model):
    """One change of what a subject may do on an organisation's portal (None: no access).

    `subject` is `{"kind": "organisation" | "user", "id": …}`; `cause` the event's `type`,
    `event_id` and `position`; `id` is stable per event and subject (deduplicate on it)."""

    id: str
    seq: int
    platform: str
    organisation: str
    subject: Mapping[str, str]
    route: str
    rights_before: str | None
    rights_after: str | None
    cause: Mapping[str, Any]
    at: str


@dataclass(frozen=True)
class AccessChanges(Model):
    """A page of the change feed; pass `next_after` as `after` for the next."""

    changes: tuple[AccessChange, ...]
    next_after: int
    position: int
    NESTED: ClassVar[Mapping[str, Parser]] = {"changes": many(AccessChange)}
