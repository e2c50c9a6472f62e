"""The notification service on a real Kafka-protocol broker and a real SMTP sink.

Each test has its own store (SQLite or PostgreSQL) and its own topic prefix and consumer group
on the shared broker, so tests never see each other's events.
"""

from __future__ import annotations

import functools
import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from services.bootstrap import ALL_ROLES, build_grants_application, create_app
from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.notifications import kafka
from services.notifications.relay import Relay
from services.notifications.tracking import TRACKING
from services.settings import Settings
from tests import client as api
from tests.e2e.cli import TOEGANG, clean_env, run, serving
from tests.kafka import topics
from tests.kafka.conftest import Sink
from tests.mailbox import LINK, token_in
from tests.support import TOKENS, ServerThread, random_kvk, wait_until
from tests.world import build_world

HEADERS = {
    "ce_specversion",
    "ce_id",
    "ce_source",
    "ce_type",
    "ce_time",
    "ce_subject",
    "ce_sequence",
    "ce_partitionkey",
}


@dataclass
class KafkaStack:
    settings: Settings
    app: ToegangApplication
    url: str
    topics: kafka.Topics
    app_state: Any


def kafka_settings(base: Settings, bootstrap: str, sink: Sink) -> Settings:
    tag = f"t{random.getrandbits(40):010x}."
    return base.model_copy(
        update={
            "kafka_bootstrap": bootstrap,
            "kafka_topic_prefix": tag,
            "kafka_group": f"{tag}notifier",
            "smtp_url": sink.url,
            "notify_backoff": 0.1,
            "notify_max_attempts": 7,
            "sweep_interval": 3600,
            "public_url": "http://portal.test",
        }
    )


@pytest.fixture
def kafka_stack(
    fresh_settings: Settings, kafka_bootstrap: str, smtp_sink: Sink
) -> Iterator[KafkaStack]:
    """Every role in one process, relaying to Kafka and mailing from a consumer group."""
    settings = kafka_settings(fresh_settings, kafka_bootstrap, smtp_sink)
    app = create_app(settings, TOKENS, roles=ALL_ROLES)
    with ServerThread(app) as server:
        yield KafkaStack(
            settings,
            app.state.grants,
            server.url,
            kafka.Topics(settings.kafka_topic_prefix),
            app.state,
        )


def request(stack: KafkaStack) -> tuple[Any, str]:
    world = build_world(stack.app)
    grant = stack.app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", world.employer_actor()
    )
    return world, grant["grant_id"]


def test_grant_request_mail_arrives_with_a_working_link(
    kafka_stack: KafkaStack, smtp_sink: Sink
) -> None:
    world, _grant_id = request(kafka_stack)
    address = f"contact-{world.employer[4:]}@example.org"
    mails = wait_until(lambda: smtp_sink.to(address), timeout=30)
    assert len(mails) == 1
    assert LINK.search(mails[0].get_body(preferencelist=("plain",)).get_content())
    confirmed = httpx.post(
        f"{kafka_stack.url}/v1/grants/confirm",
        headers=api.WRITER,
        json={"token": token_in(mails[0])},
    )
    assert confirmed.json()["status"] == "active"
    notices = wait_until(lambda: len(smtp_sink.to(address)) >= 2 and smtp_sink.to(address))
    assert "actief" in notices[1]["Subject"]


def test_published_messages_are_cloudevents_without_addresses(
    kafka_stack: KafkaStack, smtp_sink: Sink
) -> None:
    world, grant_id = request(kafka_stack)
    head = kafka_stack.app.position()
    records = topics.read_topic(
        kafka_stack.settings.kafka_bootstrap or "", kafka_stack.topics.events, at_least=head
    )
    assert len({r.headers and dict(r.headers)["ce_id"] for r in records}) == head
    for record in records:
        headers = {key: value.decode() for key, value in record.headers}
        assert set(headers) >= HEADERS
        assert headers["ce_specversion"] == "1.0"
        assert record.key.decode() == headers["ce_partitionkey"]
        assert "@" not in record.value.decode() + json.dumps(headers) + record.key.decode()
    grant_events = [r for r in records if dict(r.headers)["ce_subject"].decode() == grant_id]
    assert {r.key.decode() for r in grant_events} == {world.employer}
    assert len({r.partition for r in grant_events}) == 1


def test_relay_crash_between_publishing_and_tracking_mails_once(
    kafka_stack: KafkaStack, smtp_sink: Sink
) -> None:
    settings = kafka_stack.settings
    # A second relay over the same store, as after a restart, republishes what the first one
    # published but had not yet tracked: here, everything from position 0.
    world, _grant_id = request(kafka_stack)
    address = f"contact-{world.employer[4:]}@example.org"
    wait_until(lambda: smtp_sink.to(address), timeout=30)
    event_log, database = open_event_log(settings), ViewDatabase(settings)
    replay = Relay(
        event_log,
        database,
        settings.kafka_bootstrap or "",
        kafka_stack.topics,
        tracking="crashed-before-tracking",
    )
    replay.open()
    assert replay.process_batch() > 0
    records = topics.read_topic(
        settings.kafka_bootstrap or "",
        kafka_stack.topics.events,
        at_least=2 * kafka_stack.app.position(),
    )
    ids = [dict(r.headers)["ce_id"] for r in records]
    assert len(ids) > len(set(ids))  # the same events went out twice ...
    wait_until(lambda: _outcomes(kafka_stack) >= 1, timeout=30)
    assert len(smtp_sink.to(address)) == 1  # ... and the mail once
    replay.close()
    event_log.close()
    database.close()


def _outcomes(stack: KafkaStack) -> int:
    return len(topics.read_topic(stack.settings.kafka_bootstrap or "", stack.topics.outcomes))


def test_mail_arrives_after_smtp_comes_back(kafka_stack: KafkaStack, smtp_sink: Sink) -> None:
    smtp_sink.stop()
    world, _ = request(kafka_stack)
    address = f"contact-{world.employer[4:]}@example.org"
    time.sleep(1.5)  # the notifier retries with backoff while the server is down
    smtp_sink.start()
    mails = wait_until(lambda: smtp_sink.to(address), timeout=30)
    assert len(mails) == 1


def test_permanent_refusal_goes_to_the_dead_letter_topic(
    kafka_stack: KafkaStack, smtp_sink: Sink
) -> None:
    smtp_sink.refuse = "550 5.1.1 mailbox unavailable"
    request(kafka_stack)
    bootstrap = kafka_stack.settings.kafka_bootstrap or ""
    dead = topics.read_topic(bootstrap, kafka_stack.topics.dlq)
    outcome = json.loads(dead[0].value)
    assert outcome["status"] == "failed"
    assert outcome["kind"] == "grant_confirmation"
    assert outcome["error"].startswith("permanent")
    assert "@" not in dead[0].value.decode()
    failed = [
        json.loads(r.value) for r in topics.read_topic(bootstrap, kafka_stack.topics.outcomes)
    ]
    assert [o["status"] for o in failed] == ["failed"]
    assert smtp_sink.messages == []


def test_two_notifiers_in_one_group_split_the_work_without_duplicates(
    kafka_stack: KafkaStack, smtp_sink: Sink
) -> None:
    second = create_app(kafka_stack.settings, TOKENS, roles=("notifications",))
    with ServerThread(second):
        wait_until(
            lambda: assignment(kafka_stack.app_state) and assignment(second.state), timeout=30
        )
        assert not assignment(kafka_stack.app_state) & assignment(second.state)
        addresses = []
        for _ in range(8):
            world, _ = request(kafka_stack)
            addresses.append(f"contact-{world.employer[4:]}@example.org")
        wait_until(lambda: all(smtp_sink.to(a) for a in addresses), timeout=60)
        time.sleep(1)
    for address in addresses:
        assert len(smtp_sink.to(address)) == 1
    ids = [m["Message-ID"] for m in smtp_sink.messages]
    assert len(ids) == len(set(ids))


def assignment(state: Any) -> set[Any]:
    """The partitions the group gave this process's notifier (none before it joined)."""
    group = state.notifier.processor.group
    return set(group.assignment()) if group is not None else set()


def cli_env(settings: Settings) -> dict[str, str]:
    env = {
        "TOEGANG_DATA_DIR": str(settings.data_dir),
        "TOEGANG_KAFKA_BOOTSTRAP": settings.kafka_bootstrap or "",
        "TOEGANG_KAFKA_TOPIC_PREFIX": settings.kafka_topic_prefix,
        "TOEGANG_SMTP_URL": settings.smtp_url or "",
        "TOEGANG_NOTIFY_BACKOFF": "0.1",
    }
    if settings.database_url:
        env["TOEGANG_DATABASE_URL"] = settings.database_url
    return env


def test_dead_letters_are_listed_and_retried(
    kafka_stack: KafkaStack, smtp_sink: Sink, tmp_path: Any
) -> None:
    smtp_sink.refuse = "550 5.1.1 mailbox unavailable"
    world, _ = request(kafka_stack)
    bootstrap = kafka_stack.settings.kafka_bootstrap or ""
    letter = json.loads(topics.read_topic(bootstrap, kafka_stack.topics.dlq)[0].value)
    env = cli_env(kafka_stack.settings)
    listed = run(["notifications", "dlq", "list"], tmp_path, **env)
    assert listed.returncode == 0, listed.stderr
    assert letter["event_id"][:8] in listed.stdout
    smtp_sink.refuse = None
    retried = run(["notifications", "dlq", "retry"], tmp_path, **env)
    assert retried.returncode == 0, retried.stderr + retried.stdout
    assert "1 sent" in retried.stdout
    assert len(smtp_sink.to(f"contact-{world.employer[4:]}@example.org")) == 1
    again = run(["notifications", "dlq", "retry"], tmp_path, **env)
    assert "0 sent" in again.stdout  # the delivery log remembers: nothing goes out twice
    assert len(smtp_sink.messages) == 1


def test_metrics_show_relay_and_notifier_lag(kafka_stack: KafkaStack, smtp_sink: Sink) -> None:
    world, _ = request(kafka_stack)
    wait_until(lambda: smtp_sink.to(f"contact-{world.employer[4:]}@example.org"), timeout=30)
    httpx.get(f"{kafka_stack.url}/v1/grants/x")  # no token: a problem
    metrics = httpx.get(f"{kafka_stack.url}/metrics").text
    assert "toegang_relay_lag_events 0.0" in metrics
    assert "toegang_notifier_lag_records" in metrics
    assert "toegang_mails_sent 1.0" in metrics
    assert 'toegang_problems_total{code="unauthenticated"} 1.0' in metrics
    ready = httpx.get(f"{kafka_stack.url}/readyz").json()
    assert ready["checks"]["broker"]["ok"] is True


def test_sigkill_of_the_relay_process_loses_nothing_and_mails_once(
    fresh_settings: Settings, kafka_bootstrap: str, smtp_sink: Sink, tmp_path: Any
) -> None:
    settings = kafka_settings(fresh_settings, kafka_bootstrap, smtp_sink)
    app = build_grants_application(settings)
    worlds = [build_world(app) for _ in range(3)]
    for world in worlds:
        app.grants.request_grant(
            world.platform, world.employer, world.advisor, "view", world.employer_actor()
        )
    while app.position() < 600:
        app.reference.register_organisation(random_kvk(), "Organisatie", "o@example.org", "staff")
    head = app.position()
    env = {
        **cli_env(settings),
        "TOEGANG_API_TOKENS": json.dumps(TOKENS),
        "TOEGANG_RELAY_BATCH_SIZE": "3",
    }
    relay = subprocess.Popen(
        [TOEGANG, "serve", "relay", "--port", "0"],
        cwd=tmp_path,
        env=clean_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    database = ViewDatabase(settings)
    wait_until(lambda: 0 < relay_position(database) < head, timeout=60, interval=0.005)
    os.kill(relay.pid, signal.SIGKILL)
    relay.wait(timeout=10)
    assert relay_position(database) < head
    with serving(tmp_path, "relay", env=env, capture=False):
        wait_until(lambda: relay_position(database) == head, timeout=60)
    records = topics.read_topic(
        kafka_bootstrap, kafka.Topics(settings.kafka_topic_prefix).events, at_least=head
    )
    assert len({dict(r.headers)["ce_id"] for r in records}) == head  # every event, at least once
    notifier = create_app(settings, TOKENS, roles=("notifications",))
    with ServerThread(notifier):
        for world in worlds:
            address = f"contact-{world.employer[4:]}@example.org"
            wait_until(functools.partial(smtp_sink.to, address), timeout=60)
        time.sleep(1)
    for world in worlds:
        assert len(smtp_sink.to(f"contact-{world.employer[4:]}@example.org")) == 1
    database.close()
    app.close()


def relay_position(database: ViewDatabase) -> int:
    with database.transaction() as cursor:
        cursor.execute(TRACKING)
        row = cursor.execute("SELECT position FROM relay_tracking WHERE name = 'events'").fetchone()
    return int(row[0]) if row else 0
