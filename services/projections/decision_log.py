"""The decision log: each check's decision as one record, written off the hot path.

A check only puts its decision on a bounded queue (a deque the checks append to while it is
below its capacity, without a lock or a thread switch; a full queue drops the record and
counts it); one background thread drains the queue in batches, turns each entry into a record
without personal data (the subject a keyed pseudonym) and hands the batch to a sink. A sink
that fails is logged and counted, never raised into a request.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol

import orjson
from prometheus_client import CollectorRegistry, Counter

from services.projections.check import Decision

log = logging.getLogger("toegang.decisions")
QUEUE_FULL, SINK_FAILED = "queue_full", "sink_failed"


class Sink(Protocol):
    """Where batches of records go: (organisation, JSON line) pairs, in order."""

    def write(self, records: list[tuple[str, bytes]]) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Sampling:
    """Which decisions are logged: all, the denied ones, or a random fraction."""

    mode: str
    fraction: float = 1.0
    draw: Callable[[], float] = random.random

    def wants(self, allowed: bool) -> bool:
        """Whether a decision with this outcome is logged."""
        if self.mode == "all":
            return True
        if self.mode == "denied":
            return not allowed
        return self.draw() < self.fraction


def sampling(setting: str, draw: Callable[[], float] = random.random) -> Sampling | None:
    """The sampling a `TOEGANG_DECISION_LOG` value asks for; None when the log is off."""
    if setting in ("all", "denied"):
        return Sampling(setting)
    if setting == "off" or float(setting) <= 0:
        return None
    fraction = float(setting)
    return Sampling("all") if fraction >= 1 else Sampling("fraction", fraction, draw)


class Pseudonyms:
    """A person's stable, keyed pseudonym: HMAC-SHA256 of who they are, truncated; it cannot
    be linked to the person without the key."""

    def __init__(self, key: bytes, remembered: int = 65_536) -> None:
        self._key, self._remembered = key, remembered
        self._known: dict[tuple[str, ...], str] = {}  # in memory only: the people seen lately

    def of(self, actor: Any) -> str:
        """The pseudonym of an eHerkenning pair (with its intermediary) or a credential user."""
        parts: tuple[str, ...]
        if actor.method == "eherkenning":
            who = (actor.legal_subject, actor.acting_subject, actor.intermediary or "")
            parts = ("eherkenning", *who)
        else:
            parts = ("credentials", actor.user_id)
        known = self._known.get(parts)
        if known is None:
            message = "\x1f".join(parts).encode()
            known = hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
            if len(self._known) >= self._remembered:
                self._known.clear()
            self._known[parts] = known
        return known


class Entry(NamedTuple):
    """What a check puts on the queue: the question and its answer, not yet a record."""

    moment: datetime
    platform: str
    question: Any  # a CheckIn or CheckItem: actor, organisation, action
    decision: Decision
    position: int
    caller: str


class DecisionLog:
    """The queue the checks feed and the thread that writes it to a sink."""

    def __init__(
        self,
        sink: Sink,
        pseudonyms: Pseudonyms,
        chosen: Sampling,
        registry: CollectorRegistry,
        capacity: int = 10_000,
        batch_size: int = 500,
        interval: float = 0.05,
    ) -> None:
        self.sink, self.pseudonyms, self.sampling = sink, pseudonyms, chosen
        self.queue: deque[Entry] = deque()  # appended by the checks, emptied by the writer
        self.capacity = capacity
        self.batch_size, self.interval = batch_size, interval
        self.logged = Counter(
            "toegang_decisions_logged", "decisions written to the log", registry=registry
        )
        self.dropped = Counter(
            "toegang_decisions_dropped",
            "decisions not logged, by reason",
            ["reason"],
            registry=registry,
        )
        for reason in (QUEUE_FULL, SINK_FAILED):
            self.dropped.labels(reason)

    def offer(self, entries: Iterable[Entry]) -> None:
        """Queue the sampled decisions; never blocks, never raises (a full queue drops)."""
        for entry in entries:
            if not self.sampling.wants(entry.decision.allowed):
                continue
            if len(self.queue) < self.capacity:
                self.queue.append(entry)  # atomic; the checks run on the one event loop
            else:
                self.dropped.labels(QUEUE_FULL).inc()

    def run(self, stop: threading.Event) -> None:
        """Every `interval` write what is queued, in batches; when stopped, write what is
        still queued and close the sink. (Waking at an interval rather than on each record
        spares the checks a thread switch per decision, and writes larger batches.)"""
        while not stop.wait(self.interval):
            while self.drain():
                pass
        while self.drain():
            pass
        self.sink.close()

    def drain(self) -> bool:
        """Write one batch of what is queued; whether there was any."""
        batch: list[Entry] = []
        while len(batch) < self.batch_size:
            try:
                batch.append(self.queue.popleft())
            except IndexError:
                break
        if not batch:
            return False
        try:
            self.sink.write([self.record(entry) for entry in batch])
        except Exception as error:  # noqa: BLE001 - a sink failure must never reach a check
            log.warning("decision log: a batch of %d was not written: %s", len(batch), error)
            self.dropped.labels(SINK_FAILED).inc(len(batch))
        else:
            self.logged.inc(len(batch))
        return True

    def record(self, entry: Entry) -> tuple[str, bytes]:
        """The organisation (the record's key) and the record as one JSON line."""
        question, decision = entry.question, entry.decision
        value = {
            "time": entry.moment,  # orjson writes it as isoformat() would
            "platform": entry.platform,
            "organisation": question.organisation,
            "action": question.action,
            "allowed": decision.allowed,
            "reasons": [reason.code for reason in decision.reasons],
            "via": decision.via,
            "position": entry.position,
            "caller": entry.caller,
            "subject": self.pseudonyms.of(question.actor),
        }
        return question.organisation, orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
