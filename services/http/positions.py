"""Reads at a position: wait (bounded) until a view has applied `min_position`.

A position can arrive while the read waits (a write that commits meanwhile). One the log
still has not reached when the wait is over is a client's mistake, 422 `invalid_request`
naming the field: a write's answer never gives one, its events are in the log before it
answers. A view still behind a position the log has is 503 `view_not_caught_up`.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from fastapi import Request

from services.eventlog.processor import TrackedProcessor
from services.http.problems import Problem

HEAD_TIMEOUT = 2.0


class HasHead(Protocol):
    def head_within(self, timeout: float = 1.0) -> int: ...


async def caught_up(
    request: Request, view: TrackedProcessor, log: HasHead, position: int | None
) -> None:
    """Return once `view` has applied `position`; else refuse, as the module says (the
    refusal names `min_position` where the request gave it: its body or its query)."""
    if position is None or await view.reached(position, request.app.state.min_position_wait):
        return
    head = await asyncio.to_thread(log.head_within, HEAD_TIMEOUT)
    if position > head:
        raise Problem(
            "invalid_request",
            f"no event has position {position} yet: the log ends at {head}",
            text_key="invalid_request@position_ahead",
            facts={"field": "min_position", "position": head},
            position=head,
        )
    raise Problem(
        "view_not_caught_up",
        f"the view is at {view.position}",
        text_key="view_not_caught_up@position",
        facts={"position": view.position},
        position=view.position,
    )
