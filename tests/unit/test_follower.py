"""The one log follower's recovery policy, on processors that fail on purpose (no server)."""

from __future__ import annotations

import threading
import time

import pytest

from services.eventlog.follower import Backoff, LogFollower
from services.eventlog.processor import TrackedProcessor
from services.eventlog.status import reports
from tests.support import wait_until


class Flaky(TrackedProcessor):
    """A processor over a list of positions that fails the next `failures` batches."""

    name = "flaky"

    def __init__(self, head: int, failures: int = 0, error: type[Exception] = OSError) -> None:
        super().__init__()
        self.head, self.failures, self.error = head, failures, error
        self.stored = 0  # what its "tracking table" says
        self.at = 0
        self.opened = self.closed = 0

    @property
    def position(self) -> int:
        return self.at

    def load(self) -> None:
        self.opened += 1
        self.at = self.stored

    def close(self) -> None:
        self.closed += 1

    def process_batch(self) -> int:
        if self.failures:
            self.failures -= 1
            self.at += 1  # applied in memory, never committed: a reload must undo it
            raise self.error("connection lost")
        if self.at >= self.head:
            return 0
        self.at = self.stored = self.at + 1
        return 1


class Lock:
    def __init__(self) -> None:
        self.answers: list[bool | Exception] = []
        self.leading = True

    def check(self) -> bool:
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            self.leading = answer
        return self.leading

    def release(self) -> None:
        self.leading = False


def running(follower: LogFollower) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=follower.run, args=(stop,), daemon=True)
    thread.start()
    return stop, thread


def test_failures_restart_from_the_tracked_position_and_the_thread_lives_on() -> None:
    processor = Flaky(head=20, failures=3, error=RuntimeError)
    follower = LogFollower(processor, poll_interval=0.01, backoff=Backoff(0.001, 0.01))
    stop, thread = running(follower)
    wait_until(lambda: processor.stored == 20 and follower.status.state == "running")
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert follower.status.restarts == 3
    assert follower.status.error == "RuntimeError"
    assert processor.opened == 4  # the first open and one per restart
    assert processor.closed >= 3
    assert processor.position == 20  # the uncommitted in-memory steps were undone


def test_a_failing_processor_is_reported_with_its_error_class_and_not_ready() -> None:
    processor = Flaky(head=5, failures=10**6)
    follower = LogFollower(processor, poll_interval=0.01, backoff=Backoff(0.001, 0.005))
    stop, thread = running(follower)
    wait_until(lambda: follower.status.restarts >= 3)
    entry = reports([follower], head=5, stall_after=30)["flaky"]
    stop.set()
    thread.join(5)
    assert entry["ok"] is False and entry["state"] == "failing"
    assert entry["error"] == "OSError" and entry["last_error_at"] is not None


def test_a_processor_without_progress_while_the_log_is_ahead_is_stalled() -> None:
    follower = LogFollower(Flaky(head=0))
    follower.prime()
    assert reports([follower], head=0, stall_after=0.05)["flaky"]["ok"] is True
    time.sleep(0.1)
    entry = reports([follower], head=7, stall_after=0.05)["flaky"]
    assert entry["state"] == "stalled" and entry["lag"] == 7 and entry["ok"] is False


def test_backoff_grows_to_its_cap_with_jitter_and_resets() -> None:
    backoff = Backoff(base=0.1, cap=2.0)
    waits = [backoff.next() for _ in range(10)]
    assert all(0.05 <= w <= 2.0 for w in waits)
    assert max(waits[6:]) > 1.0 and waits[0] <= 0.1
    backoff.reset()
    assert backoff.next() <= 0.1


class Writer(Flaky):
    def __init__(self, head: int) -> None:
        super().__init__(head)
        self.roles: list[str] = []

    def lead(self) -> None:
        self.roles.append("lead")

    def stand_by(self) -> None:
        self.roles.append("stand_by")


def test_losing_the_lock_stops_processing_at_once_and_leadership_comes_back() -> None:
    processor, lock, stop = Writer(head=10**9), Lock(), threading.Event()
    follower = LogFollower(processor, lock=lock)
    lock.answers = [True, ConnectionError("the lock's session was lost")]
    with pytest.raises(ConnectionError):
        follower._catch_up(stop)  # leads, applies one batch, then the session is lost
    assert processor.stored == 1 and processor.roles == ["lead", "stand_by"]
    assert follower.status.leading is False
    lock.answers = [False]
    assert follower._catch_up(stop) is False  # another process holds the lock: no batch
    assert processor.stored == 1
    lock.answers = [True, False]
    assert follower._catch_up(stop) is False
    assert processor.stored == 2
    assert processor.roles == ["lead", "stand_by", "lead", "stand_by"]


def test_a_replica_that_follows_in_standby_keeps_applying_without_the_lock() -> None:
    processor, lock = Writer(head=3), Lock()
    lock.leading = False
    follower = LogFollower(processor, lock=lock, follows_in_standby=True)
    assert follower._catch_up(threading.Event()) is True
    assert processor.stored == 3 and follower.status.leading is False and processor.roles == []
