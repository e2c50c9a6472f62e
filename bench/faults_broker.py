"""Broker back → relay lag 0: seconds from the end of a broker fault until the relay has the
whole log on Kafka again, against a baseline measured in the same run: seconds from the same
moment until a fresh kafka-python producer has one record acknowledged by that broker.

    python -m bench.faults_broker [--runs 3] [--pause 30]

Each run starts a Tansu broker on a fixed loopback port, an aiosmtpd sink and the embedded
`toegang serve` (SQLite; relay and Kafka notifier in the process), then
  1. pauses the broker (SIGSTOP) for --pause seconds while grant requests are recorded, and
     resumes it;
  2. replaces it by a fresh broker on the same port (memory storage: topics and offsets gone).
"Relay lag 0" is `toegang_processor_lag_events{processor="relay"} 0` on /metrics (the older
`toegang_relay_lag_events` where that is absent) with every event of the log on the topic
(distinct ce_id = log head).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from kafka import KafkaProducer
from kafka.errors import KafkaError

from services.settings import Settings
from tests.e2e.cli import serving
from tests.faults.broker import (
    ControlledBroker,
    GatedSink,
    GrantWorld,
    log_head,
    mail_counts,
    metric_values,
    request_grant,
    setup_world,
    topic_event_ids,
)
from tests.kafka.test_distributed import role_env
from tests.kafka.test_notifications import kafka_settings
from tests.support import wait_until

TIMEOUT = 120.0  # seconds a recovery may take before the run reports it as not recovered


@dataclass
class Recovery:
    """Seconds from the end of one fault: relay lag 0 (None: not within TIMEOUT), raw produce."""

    relay: float | None
    produce: float | None


def relay_lag(url: str) -> float | None:
    """The relay's lag from /metrics, or None when the process does not say."""
    for sample in ("toegang_processor_lag_events", "toegang_relay_lag_events"):
        values = metric_values(url, sample) or {}
        if "relay" in values or "" in values:
            return values.get("relay", values.get(""))
    return None


def raw_produce(bootstrap: str, topic: str, started: float, found: list[float]) -> None:
    """A fresh producer sends one record until the broker acknowledges it; append seconds."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_block_ms=2000)
    try:
        for _ in range(int(TIMEOUT)):
            try:
                producer.send(topic, b"baseline").get(timeout=1)
            except KafkaError:
                continue
            found.append(time.perf_counter() - started)
            return
    finally:
        producer.close(timeout=1)


def relay_caught_up(url: str, settings: Settings, started: float) -> float | None:
    """Seconds from `started` until the relay's lag is 0 with the whole log on the topic."""
    topic = f"{settings.kafka_topic_prefix}toegang.events.v1"
    bootstrap = settings.kafka_bootstrap or ""
    for _ in range(int(TIMEOUT * 20)):
        now = time.perf_counter()
        if now - started > TIMEOUT:
            return None
        if relay_lag(url) == 0:
            if len(topic_event_ids(bootstrap, topic)) >= log_head(settings):
                return now - started
            time.sleep(0.5)  # lag 0 but the topic is short: reading it is the slow part
        time.sleep(0.05)
    return None


def recovery(url: str, settings: Settings) -> Recovery:
    """Measure both from now: the relay and, beside it in a thread, a raw produce."""
    started = time.perf_counter()
    found: list[float] = []
    baseline = threading.Thread(
        target=raw_produce,
        args=(settings.kafka_bootstrap or "", f"{settings.kafka_topic_prefix}baseline", started),
        kwargs={"found": found},
        daemon=True,
    )
    baseline.start()
    relay = relay_caught_up(url, settings, started)
    baseline.join(timeout=TIMEOUT)
    return Recovery(relay, found[0] if found else None)


def requests(url: str, world: GrantWorld, grantees: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        for grantee in grantees:
            assert request_grant(client, world, grantee).status_code == 202


def one_run(pause: float, workdir: Path) -> dict[str, Recovery]:
    """A paused-then-resumed broker, then a replaced one, against one service."""
    sink = GatedSink()
    sink.start()
    with ControlledBroker() as broker:
        settings = kafka_settings(Settings(data_dir=workdir / "var"), broker.bootstrap, sink)
        with serving(workdir, env=role_env(settings), capture=False) as (url, _):
            world = setup_world(url, 12)
            requests(url, world, world.groups[:1])
            wait_until(lambda: mail_counts(sink), timeout=60)  # relay and notifier work
            broker.pause()
            requests(url, world, world.groups[1:6])  # the relay falls behind
            time.sleep(pause)
            broker.resume()
            resumed = recovery(url, settings)
            requests(url, world, world.groups[6:8])
            broker.replace()
            replaced = recovery(url, settings)
    sink.stop()
    return {"resume": resumed, "replace": replaced}


def spread(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def report(fault: str, runs: list[Recovery]) -> float | None:
    """Print one fault's line; answer the median ratio relay / raw produce."""
    relay = [r.relay for r in runs if r.relay is not None]
    produce = [r.produce for r in runs if r.produce is not None]
    ratios = [r.relay / r.produce for r in runs if r.relay is not None and r.produce]
    missed = len(runs) - len(relay)
    print(f"  {fault:<8} relay lag 0: {spread(relay)}   raw produce: {spread(produce)}")
    if ratios:
        low, high = min(ratios), max(ratios)
        print(f"{'':11}ratio: {statistics.median(ratios):.1f} ({low:.1f}–{high:.1f})")
    if missed:
        print(f"{'':11}relay not caught up within {TIMEOUT:.0f} s in {missed} of {len(runs)} runs")
    return statistics.median(ratios) if ratios else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pause", type=float, default=30.0)
    args = parser.parse_args()
    results = [
        one_run(args.pause, Path(tempfile.mkdtemp(prefix="toegang-broker-")))
        for _ in range(args.runs)
    ]
    print(
        f"broker back → relay lag 0 (embedded toegang serve on SQLite, Tansu broker; "
        f"runs: {args.runs}, pause {args.pause:.0f} s); baseline: a fresh kafka-python producer"
    )
    ratios = {fault: report(fault, [r[fault] for r in results]) for fault in ("resume", "replace")}
    print(json.dumps({f"{k}_ratio": None if v is None else round(v, 2) for k, v in ratios.items()}))


if __name__ == "__main__":
    main()
