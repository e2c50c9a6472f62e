"""Dependencies that hand a route what the composition root put on the app's state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request


def from_state(*path: str) -> Callable[[Request], Awaitable[Any]]:
    """A dependency answering `request.app.state.<path>` (e.g. `grants`, `reference`)."""

    async def dependency(request: Request) -> Any:
        found: Any = request.app.state
        for name in path:
            found = getattr(found, name)
        return found

    return dependency
