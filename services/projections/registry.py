"""Which function applies which domain event to the access state: keyed by event class."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from services.grants.domain.event_kind import EventKind

if TYPE_CHECKING:
    from services.projections.state import AccessState

Handler = Callable[["AccessState", Any, int], None]


class Handlers:
    """A table of handlers by event class; used as a decorator naming catalogue entries."""

    def __init__(self) -> None:
        self.by_class: dict[type[Any], Handler] = {}

    def __call__(self, *kinds: EventKind) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for kind in kinds:
                if kind.cls in self.by_class:
                    raise ValueError(f"{kind.name} has two handlers")
                self.by_class[kind.cls] = handler
            return handler

        return register


def touch(state: AccessState, table: str, event: Any, position: int) -> Any:
    """The row of the event's aggregate (a grant, a user), marked changed at `position`."""
    key = str(event.originator_id)
    row = getattr(state, table)[key]
    row.position = position
    state.dirty[table].add(key)
    return row


def iso(event: Any) -> str:
    return str(event.timestamp.isoformat())
