"""Start the relay and the notifier for a process (composition helpers used by services.app)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack

from kafka import KafkaConsumer

from services.grants.application import GrantsApplication
from services.leader import LeaderLock
from services.notifications import kafka
from services.notifications.delivery import DeliveryLog
from services.notifications.loops import KafkaOutcomes, LogLoop, consume
from services.notifications.notifier import Notifier, Outcome
from services.notifications.relay import Relay
from services.notifications.sending import sender_for
from services.projections.db import ViewDatabase
from services.projections.log import open_event_log
from services.settings import Settings

Background = Callable[[Callable[[threading.Event], None], str], object]


def start_relay(settings: Settings, stack: ExitStack, background: Background) -> Relay:
    """The relay from the log to `toegang.events.v1` (needs TOEGANG_KAFKA_BOOTSTRAP)."""
    bootstrap, topics = settings.kafka_bootstrap or "", kafka.Topics(settings.kafka_topic_prefix)
    kafka.ensure_topics(bootstrap, topics, settings.kafka_partitions)
    event_log, database = open_event_log(settings), ViewDatabase(settings)
    producer = kafka.producer(bootstrap)
    stack.callback(event_log.close)
    stack.callback(database.close)
    stack.callback(producer.close)
    relay = Relay(event_log, database, producer, topics.events, settings.relay_batch_size)
    lock = LeaderLock(settings, "relay")
    stack.callback(lock.release)

    def lead(stop: threading.Event) -> None:
        if lock.wait(stop):  # a second replica waits here instead of relaying twice
            relay.run(stop)

    stack.enter_context(background(lead, "relay"))  # type: ignore[arg-type]
    return relay


def start_notifier(
    settings: Settings, grants: GrantsApplication, stack: ExitStack, background: Background
) -> tuple[LogLoop | KafkaConsumer, DeliveryLog]:
    """The notifier: from Kafka when a broker is configured, else from the log itself.

    Answers its source (the consumer-group member, or the log loop) and its delivery log.
    """
    database = ViewDatabase(settings)
    stack.callback(database.close)
    publish: Callable[[Outcome], None] = lambda outcome: None  # noqa: E731
    topics = kafka.Topics(settings.kafka_topic_prefix)
    if settings.kafka_bootstrap:
        kafka.ensure_topics(settings.kafka_bootstrap, topics, settings.kafka_partitions)
        producer = kafka.producer(settings.kafka_bootstrap)
        stack.callback(producer.close)
        publish = KafkaOutcomes(producer, topics)
    deliveries = DeliveryLog(database)
    notifier = Notifier(
        grants,
        sender_for(settings.smtp_url, settings.outbox_dir),
        deliveries,
        settings.mail_from,
        settings.confirm_link,
        publish,
        settings.notify_max_attempts,
        settings.notify_backoff,
        settings.mail_reply_to,
    )
    if settings.kafka_bootstrap:
        group = kafka.consumer(settings.kafka_bootstrap, settings.kafka_group, topics.events)
        stack.callback(group.close)
        stack.enter_context(background(lambda stop: consume(notifier, group, stop), "notifier"))  # type: ignore[arg-type]
        return group, deliveries
    event_log = open_event_log(settings)
    stack.callback(event_log.close)
    loop = LogLoop(notifier, event_log, database)
    stack.enter_context(background(loop.run, "notifier"))  # type: ignore[arg-type]
    return loop, deliveries
