"""The decision log's parts without a server: its settings, sampling, pseudonyms and writer."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from services.grants.schemas import CredentialsActorIn, EHerkenningActorIn
from services.projections.check import Decision
from services.projections.decision_log import DecisionLog, Entry, Pseudonyms, Sampling, sampling
from services.projections.login import Reason
from services.settings import SettingsError, load_settings
from tests.support import actor


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"decision_log": "sometimes"}, "TOEGANG_DECISION_LOG:"),
        ({"decision_log": "1.5"}, "TOEGANG_DECISION_LOG:"),
        ({"decision_log": "-0.1"}, "TOEGANG_DECISION_LOG:"),
        ({"decision_log": "nan"}, "TOEGANG_DECISION_LOG:"),
        ({"decision_log": "all", "decision_log_sink": "syslog"}, "TOEGANG_DECISION_LOG_SINK:"),
        ({"decision_log": "all", "decision_log_sink": "kafka"}, "TOEGANG_KAFKA_BOOTSTRAP"),
        ({"decision_log_queue": 0}, "TOEGANG_DECISION_LOG_QUEUE:"),
        ({"decision_key": "abcd"}, "TOEGANG_DECISION_KEY:"),
    ],
)
def test_bad_log_settings_are_refused_at_start(changes: dict[str, Any], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**changes)


@pytest.mark.parametrize(
    ("setting", "mode"),
    [("off", None), ("0", None), ("all", "all"), ("1", "all"), ("denied", "denied")],
)
def test_the_settings_choose_the_sampling(setting: str, mode: str | None) -> None:
    chosen = sampling(load_settings(decision_log=setting).decision_log)
    assert (chosen.mode if chosen else None) == mode


def test_a_fraction_logs_the_draws_below_it() -> None:
    draws = iter([0.1, 0.5, 0.24, 0.25, 0.9])
    chosen = sampling("0.25", draw=lambda: next(draws))
    assert chosen is not None
    assert [chosen.wants(allowed=True) for _ in range(5)] == [True, False, True, False, False]


def test_pseudonyms_of_credential_users_and_pairs_differ_by_key_and_person() -> None:
    ours, theirs = Pseudonyms(b"k" * 32), Pseudonyms(b"j" * 32)
    user = CredentialsActorIn(method="credentials", user_id="u-1")
    pair = EHerkenningActorIn(**actor("kvk:12345678", person="u-1"))
    assert ours.of(user) == ours.of(CredentialsActorIn(method="credentials", user_id="u-1"))
    assert ours.of(user) != theirs.of(user)
    assert ours.of(user) != ours.of(CredentialsActorIn(method="credentials", user_id="u-2"))
    assert ours.of(user) != ours.of(pair)
    assert len(ours.of(pair)) == 32 and "u-1" not in ours.of(pair)


class Failing:
    def __init__(self) -> None:
        self.closed = False

    def write(self, records: list[tuple[str, bytes]]) -> None:
        raise OSError("disk full")

    def close(self) -> None:
        self.closed = True


def entry(allowed: bool) -> Entry:
    question = type("Q", (), {"organisation": "kvk:12345678", "action": "view"})()
    question.actor = CredentialsActorIn(method="credentials", user_id="u-1")
    reasons = [] if allowed else [Reason("no_access")]
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    return Entry(moment, "p", question, Decision(allowed, reasons=reasons), 7, "token:x")


def test_a_failing_sink_is_counted_and_raises_nowhere(tmp_path: Path) -> None:
    registry, sink = CollectorRegistry(), Failing()
    decisions = DecisionLog(sink, Pseudonyms(b"k" * 32), Sampling("denied"), registry, 3)
    decisions.offer([entry(True), entry(False), entry(False), entry(False), entry(False)])
    stop = threading.Event()
    stop.set()
    decisions.run(stop)  # writes what is queued, then closes
    value = registry.get_sample_value
    assert value("toegang_decisions_dropped_total", {"reason": "queue_full"}) == 1
    assert value("toegang_decisions_dropped_total", {"reason": "sink_failed"}) == 3
    assert value("toegang_decisions_logged_total") == 0
    assert sink.closed
