"""What a processor is doing, for /readyz and /metrics: position, restarts, last error."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

STATES = ("starting", "running", "standby", "failing")


@dataclass
class ProcessorStatus:
    """Kept by the follower; read by readiness and the metrics collector."""

    name: str
    state: str = "starting"
    leading: bool = False
    restarts: int = 0
    error: str | None = None
    last_error_at: datetime | None = None
    progressed_at: float = field(default_factory=time.monotonic)

    def starting(self) -> None:
        self.state = "starting"

    def advanced(self) -> None:
        """A batch was applied."""
        self.progressed_at = time.monotonic()

    def idle(self) -> None:
        """A catch-up reached the end of the log."""
        self.state = "running"
        self.progressed_at = time.monotonic()

    def standby(self) -> None:
        self.state = "standby"
        self.progressed_at = time.monotonic()

    def failed(self, error: Exception) -> None:
        self.state, self.error = "failing", type(error).__name__
        self.last_error_at = datetime.now(UTC)
        self.restarts += 1

    def report(self, position: int | None, head: int | None, stall_after: float) -> dict[str, Any]:
        """The readiness entry: `ok` unless failing, or stalled while the log is ahead."""
        lag = head - position if head is not None and position is not None else None
        state = self.state
        quiet = time.monotonic() - self.progressed_at
        if state in ("running", "starting") and lag and lag > 0 and quiet > stall_after:
            state = "stalled"
        return {
            "ok": state in ("starting", "running", "standby"),
            "state": state,
            "leading": self.leading,
            "position": position,
            "lag": lag,
            "restarts": self.restarts,
            "error": self.error if state == "failing" else None,
            "last_error": self.error,
            "last_error_at": self.last_error_at.isoformat() if self.last_error_at else None,
        }


class Followed(Protocol):
    """What readiness and metrics read of a follower."""

    status: ProcessorStatus

    @property
    def name(self) -> str: ...

    @property
    def position(self) -> int | None: ...


def reports(
    followers: Iterable[Followed], head: int | None, stall_after: float
) -> dict[str, dict[str, Any]]:
    """Each processor's readiness entry, by name."""
    return {f.name: f.status.report(f.position, head, stall_after) for f in followers}
