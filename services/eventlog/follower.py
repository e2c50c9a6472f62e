"""Following the log: one loop for every processor (the access and audit views, the relay, the
notifier), with one recovery policy.

A processor catches up in batches, each applied with its tracking position in one transaction,
then waits for a wake-up (a local write, a NOTIFY) or a poll. Whatever goes wrong — a lost
database connection, a broker outage, a bug — is logged as one JSON line with the position,
counted as a restart, and followed by a bounded, jittered back-off, a reconnect from scratch
and a reload of the position from the processor's tracking table. The thread never dies.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Protocol

from services.eventlog.processor import TrackedProcessor
from services.eventlog.status import ProcessorStatus

log = logging.getLogger("toegang.follower")


class Leadership(Protocol):
    """A lock that admits one writer (services.eventlog.leader.LeaderLock)."""

    def check(self) -> bool:
        """Whether this process leads now: keeps, loses or (re)takes the lock."""
        ...

    def release(self) -> None: ...


class Backoff:
    """Exponential back-off from `base` to `cap` seconds, each wait jittered down to half."""

    def __init__(self, base: float = 0.1, cap: float = 2.0) -> None:
        self.base, self.cap, self.failures = base, cap, 0

    def next(self) -> float:
        delay = min(self.cap, self.base * 2.0**self.failures)
        self.failures += 1
        return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not secrecy

    def reset(self) -> None:
        self.failures = 0


class LogFollower:
    """Runs one processor under supervision: catch up, wait, and recover from anything.

    With a `lock`, only the holder processes; a processor with `follows_in_standby` (the
    access view: every replica answers queries) keeps following without it and is told of
    each change of leadership through `lead()` and `stand_by()`.
    """

    def __init__(
        self,
        processor: TrackedProcessor,
        *,
        lock: Leadership | None = None,
        follows_in_standby: bool = False,
        poll_interval: float = 0.5,
        backoff: Backoff | None = None,
    ) -> None:
        self.processor, self.lock = processor, lock
        self.follows_in_standby, self.poll_interval = follows_in_standby, poll_interval
        self.backoff = backoff or Backoff()
        self.status = ProcessorStatus(processor.name)
        self._opened = False

    @property
    def name(self) -> str:
        return self.processor.name

    @property
    def position(self) -> int | None:
        return self.processor.position

    def prime(self) -> None:
        """Catch up once in the calling thread (at start-up, before serving); a failure is
        recorded and left to `run` to recover from."""
        try:
            if self._catch_up(threading.Event()):
                self.status.idle()
        except Exception as error:
            self.status.failed(error)
            log.exception("%s could not catch up at start; serving while retrying", self.name)
            self._close()

    def run(self, stop: threading.Event) -> None:
        """Follow until `stop` is set; every failure restarts the processor from scratch."""
        while not stop.is_set():
            try:
                self._follow(stop)
            except Exception as error:  # noqa: BLE001 - the supervisor's whole point
                self._recover(error, stop)
        self._close()

    def _follow(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if self._catch_up(stop):
                self.status.idle()
            else:
                self.status.standby()
                self.processor.observe()
            self.backoff.reset()
            self.processor.wakeup.wait(self.poll_interval)
            self.processor.wakeup.clear()

    def _catch_up(self, stop: threading.Event) -> bool:
        """Batches until the log has nothing more; False when standing by without the lock.

        Leadership is checked before each batch, so a process that lost its lock stops
        writing at once."""
        while not stop.is_set():
            if not self._check_leadership() and not self.follows_in_standby:
                return False
            self._open()
            if not self.processor.process_batch():
                break
            self.status.advanced()
        return True

    def _open(self) -> None:
        if not self._opened:
            self.status.starting()
            self.processor.open()
            self._opened = True

    def _check_leadership(self) -> bool:
        """Ask the lock; on a change tell the processor, and reload a new leader's state.

        A lock whose session was lost steps down before its error reaches the supervisor."""
        try:
            leading = True if self.lock is None else self.lock.check()
        except Exception:
            self._set_leading(False)
            raise
        self._set_leading(leading)
        return leading

    def _set_leading(self, leading: bool) -> None:
        if leading == self.status.leading:
            return
        self.status.leading = leading
        log.info("%s %s", self.name, "leads" if leading else "stands by")
        changed = getattr(self.processor, "lead" if leading else "stand_by", None)
        if changed is not None:
            changed()
        if leading:
            self._opened = False  # a new leader reloads from the tables it will write

    def _recover(self, error: Exception, stop: threading.Event) -> None:
        self.status.failed(error)
        log.error(
            "%s failed at position %s (%s); reconnecting",
            self.name,
            self.processor.position,
            type(error).__name__,
            exc_info=not _is_connection_loss(error),
            extra={"processor": self.name, "position": self.processor.position},
        )
        self._close()
        stop.wait(self.backoff.next())

    def _close(self) -> None:
        self._opened = False
        try:
            self.processor.close()
        except Exception:
            log.debug("closing %s failed", self.name, exc_info=True)


def _is_connection_loss(error: Exception) -> bool:
    """Expected faults (a database or broker away) are logged without a traceback."""
    names = {cls.__name__ for cls in type(error).__mro__}
    return bool(names & {"OperationalError", "InterfaceError", "KafkaError", "OSError"})
