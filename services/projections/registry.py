"""Which function applies which domain event to the access state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.projections.state import AccessState

Handler = Callable[["AccessState", Any, int], None]
HANDLERS: dict[str, Handler] = {}


def handles(*event_names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in event_names:
            HANDLERS[name] = handler
        return handler

    return register


def iso(event: Any) -> str:
    return str(event.timestamp.isoformat())
