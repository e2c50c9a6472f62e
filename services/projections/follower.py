"""Following the log: the loop shared by the tracked processors that keep views current."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

log = logging.getLogger("toegang.projections")


class LogFollower:
    """Catch up with the log, then wait for a wake-up (a local write, a NOTIFY) or a poll.

    Subclasses say how one batch is applied (`process_batch`), where they stand
    (`position`) and how they reload from their tables (`load`).
    """

    label = "view"

    def __init__(self) -> None:
        self._wakeup = threading.Event()

    @property
    def position(self) -> int:
        raise NotImplementedError

    def load(self) -> None:
        raise NotImplementedError

    def process_batch(self) -> int:
        raise NotImplementedError

    def before_catch_up(self) -> None:
        """A check to make before each catch-up (nothing by default)."""

    def catch_up(self) -> int:
        """Process batches until the log has nothing more; answer how many events."""
        total = 0
        while applied := self.process_batch():
            total += applied
        return total

    def wake(self, *_: Any) -> None:
        """Ask the runner to look at the log now (after a local write or a NOTIFY)."""
        self._wakeup.set()

    def run(self, stop: threading.Event, poll_interval: float = 0.5) -> None:
        """Follow the log until `stop` is set; a failure is logged, reloaded and retried."""
        while not stop.is_set():
            try:
                self.before_catch_up()
                self.catch_up()
            except Exception:
                log.exception("%s failed; reloading from the tables", self.label)
                stop.wait(1.0)
                self._reload_quietly()
            self._wakeup.wait(poll_interval)
            self._wakeup.clear()

    def _reload_quietly(self) -> None:
        try:
            self.load()
        except Exception:
            log.exception("%s reload failed; will retry", self.label)

    def wait_for(self, position: int, timeout: float) -> bool:
        """Block until `position` is reached (True) or `timeout` passes (False)."""
        deadline = time.monotonic() + timeout
        self.wake()
        while self.position < position:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.002)
        return True

    async def reached(self, position: int, timeout: float) -> bool:
        """`wait_for` for async routes: never blocks the event loop."""
        if self.position >= position:
            return True
        self.wake()
        deadline = time.monotonic() + timeout
        while self.position < position:
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.002)
        return True
