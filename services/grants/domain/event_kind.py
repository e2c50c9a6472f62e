"""How the catalogue describes one event, and how it is looked up.

Each entry names the event's class, the type it is published under (stable: a renamed class
keeps its type), what it means, which of its fields are personal (names and addresses: never
published, sealed per data subject where `sealed`) or secret (token material: never published
nor shown), and the mail it asks for. Projections, the relay, the notifier, the audit trail
and the published schemas all read the catalogue; nothing else spells an event's type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EventKind:
    """One recorded event type."""

    cls: type[Any]
    type: str
    about: str
    personal: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()
    sealed: bool = False
    mail: str | None = None

    @property
    def name(self) -> str:
        """`GrantRequested`: the name people and the history read."""
        return str(self.cls.__qualname__).replace(".", "")

    @property
    def aggregate(self) -> str:
        """The name of the aggregate that records it: `Grant`."""
        return str(self.cls.__qualname__).split(".")[0]

    @property
    def topic(self) -> str:
        """The eventsourcing topic it is stored under (module:qualname)."""
        return f"{self.cls.__module__}:{self.cls.__qualname__}"

    @property
    def unpublished(self) -> tuple[str, ...]:
        """Paths of the fields that never leave the service on Kafka."""
        return self.personal + self.secret

    def published(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The facts without the unpublished fields (copies; `facts` stays as it was)."""
        return without(facts, self.unpublished)


def without(facts: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """`facts` without the fields at these dotted paths (`fiche.email`)."""
    kept = {key: value for key, value in facts.items() if key not in paths}
    for path in paths:
        head, _, rest = path.partition(".")
        if rest and isinstance(kept.get(head), dict):
            kept[head] = without(kept[head], (rest,))
    return kept


FICHE_PERSONAL = ("fiche.name", "fiche.email")
BOOKKEEPING = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})
"""What eventsourcing adds to every event; the facts are the rest."""


def origin_of(first_event: Any) -> dict[str, str]:
    """The platform and organisation an aggregate is about, read from its opening event."""
    platform = getattr(first_event, "platform", None) or getattr(first_event, "slug", None)
    organisation = next(
        (
            getattr(first_event, f)
            for f in ("grantor", "organisation", "holder", "ref")
            if hasattr(first_event, f)
        ),
        None,
    )
    return {"platform": platform or "", "organisation": organisation or ""}


class Catalogue:
    """The event kinds, found by class (in code) or by published type (on Kafka)."""

    def __init__(self, kinds: tuple[EventKind, ...]) -> None:
        self.kinds = kinds
        self._by_class = {kind.cls: kind for kind in kinds}
        self._by_type = {kind.type: kind for kind in kinds}
        if len(self._by_class) != len(kinds) or len(self._by_type) != len(kinds):
            raise ValueError("an event class or type is described twice")

    def of(self, event: object) -> EventKind:
        """The kind of a recorded event (KeyError: a class nobody described)."""
        return self._by_class[type(event)]

    def of_class(self, cls: type[Any]) -> EventKind:
        return self._by_class[cls]

    def by_type(self, published: str) -> EventKind | None:
        return self._by_type.get(published)

    def mailed(self) -> tuple[EventKind, ...]:
        """The kinds that ask for mail, in catalogue order."""
        return tuple(kind for kind in self.kinds if kind.mail)

    def sealed(self) -> dict[str, tuple[str, ...]]:
        """Per stored topic, the personal paths sealed under the aggregate's own key."""
        return {kind.topic: kind.personal for kind in self.kinds if kind.sealed}
