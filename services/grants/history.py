"""How a stored event reads in a grant's history: its name and its facts."""

from __future__ import annotations

from typing import Any

from services.grants.app_base import as_plain


def event_type(event: Any) -> str:
    """The event's name for people and consumers: `GrantRequested`, `AdvisorLicenceWithdrawn`."""
    return type(event).__qualname__.replace(".", "")


def history_data(event: Any) -> dict[str, Any]:
    """The facts of an event for the history, without bookkeeping fields or secrets."""
    hidden = {
        "originator_id",
        "originator_version",
        "timestamp",
        "originator_topic",
        "actor",
        "token_hash",
        "confirmation_id",
        "code_id",
        "code_hash",
    }
    return {k: as_plain(v) for k, v in event.__dict__.items() if k not in hidden}
