"""The base of every processor that follows the log: its wake-ups, its position, its waits."""

from __future__ import annotations

import asyncio
import threading
import time


class TrackedProcessor:
    """The base of everything that follows the log: it owns its connections and tracking row;
    `LogFollower` drives it. Wake-ups and waits for a position live here, so queries can wait
    on the processor they read."""

    name = "processor"

    def __init__(self) -> None:
        self.wakeup = threading.Event()

    @property
    def position(self) -> int | None:
        """The log position reached (None when the source has none, like a Kafka group)."""
        raise NotImplementedError

    def open(self) -> None:
        """(Re)connect and reload the position from the tracking table."""
        self.load()

    def load(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Drop every connection, so the next `open` starts from scratch."""

    def observe(self) -> None:
        """In standby: read where the leader has got to (nothing by default)."""

    def process_batch(self) -> int:
        """Apply the next batch with its tracking position; answer how many it applied."""
        raise NotImplementedError

    def catch_up(self) -> int:
        """Process batches until the log has nothing more; answer how many events."""
        total = 0
        while applied := self.process_batch():
            total += applied
        return total

    def wake(self, *_: object) -> None:
        """Look at the log now (after a local write or a NOTIFY)."""
        self.wakeup.set()

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until `position` is reached (True) or `timeout` passes (False)."""
        deadline = time.monotonic() + timeout
        self.wake()
        while (self.position or 0) < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    async def reached(self, position: int, timeout: float) -> bool:
        """`wait_for` for async routes: never blocks the event loop."""
        if (self.position or 0) >= position:
            return True
        self.wake()
        deadline = time.monotonic() + timeout
        while (self.position or 0) < position:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.002)
        return True
