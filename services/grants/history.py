"""How a stored event reads in a grant's history: its name and its facts."""

from __future__ import annotations

from typing import Any

from services.grants.app_base import as_plain
from services.grants.domain.catalogue import CATALOGUE
from services.grants.domain.event_kind import BOOKKEEPING


def event_type(event: Any) -> str:
    """The event's name for people and consumers: `GrantRequested`, `AdvisorLicenceWithdrawn`."""
    return CATALOGUE.of(event).name


def history_data(event: Any) -> dict[str, Any]:
    """The facts of an event for the history, without bookkeeping, the actor or secrets."""
    hidden = BOOKKEEPING | {"actor", *CATALOGUE.of(event).secret}
    return {k: as_plain(v) for k, v in event.__dict__.items() if k not in hidden}
