"""The stable id of a stored event, and the order of what it caused: the same on every
redelivery, replay or rebuild."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid5


def event_id(aggregate_id: Any, version: int) -> str:
    """A stable id per stored event (its aggregate and version)."""
    return str(uuid5(NAMESPACE_URL, f"toegang:event/{aggregate_id}/{version}"))


SEQUENCE_SPAN = 2**16
"""Changes per event: the `seq` of what an event caused is its position times this, plus its
index among them (so `seq // SEQUENCE_SPAN` is the position)."""
