"""Start the relay and the notifier for a process (part of the composition root)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack

from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.eventlog.follower import Backoff, LogFollower
from services.eventlog.leader import LeaderLock
from services.eventlog.log import open_event_log
from services.eventlog.processor import TrackedProcessor
from services.notifications import kafka
from services.notifications.change_relay import ChangeRelay
from services.notifications.delivery import DeliveryLog
from services.notifications.group import KafkaLoop
from services.notifications.loops import LogLoop
from services.notifications.notifier import notifier_for
from services.notifications.relay import Relay
from services.projections import change_feed
from services.settings import Settings

Background = Callable[[Callable[[threading.Event], None], str], object]


def lead_alone(
    processor: TrackedProcessor,
    name: str,
    settings: Settings,
    stack: ExitStack,
    background: Background,
) -> LogFollower:
    """Run `processor` in the background on the one replica holding the advisory lock `name`;
    the others stand by until it is free."""
    lock = LeaderLock(settings, name)
    stack.callback(lock.release)
    follower = LogFollower(processor, lock=lock, backoff=Backoff(cap=settings.retry_backoff_max))
    stack.enter_context(background(follower.run, name))  # type: ignore[arg-type]
    return follower


def start_relay(
    settings: Settings, stack: ExitStack, background: Background
) -> tuple[LogFollower, Relay]:
    """The relay from the log to `toegang.events.v1` (needs TOEGANG_KAFKA_BOOTSTRAP); a second
    replica stands by until the advisory lock is free."""
    event_log, database = open_event_log(settings), ViewDatabase(settings, "relay")
    stack.callback(event_log.close)
    stack.callback(database.close)
    relay = Relay(
        event_log,
        database,
        settings.kafka_bootstrap or "",
        kafka.Topics(settings.kafka_topic_prefix),
        partitions=settings.kafka_partitions,
        batch_size=settings.relay_batch_size,
    )
    return lead_alone(relay, "relay", settings, stack, background), relay


def start_change_relay(
    settings: Settings, stack: ExitStack, background: Background
) -> tuple[LogFollower, ChangeRelay]:
    """The change relay from the access view's changes to `toegang.access.v1`; like the event
    relay, one replica publishes and the others stand by."""
    database = ViewDatabase(settings, "access-relay")
    stack.callback(database.close)
    relay = ChangeRelay(
        lambda after, limit: change_feed.published_since(database, after, limit),
        database,
        settings.kafka_bootstrap or "",
        kafka.Topics(settings.kafka_topic_prefix).access,
        partitions=settings.kafka_partitions,
        batch_size=settings.relay_batch_size,
    )
    return lead_alone(relay, "access-relay", settings, stack, background), relay


def start_notifier(
    settings: Settings, grants: ToegangApplication, stack: ExitStack, background: Background
) -> tuple[LogFollower, DeliveryLog]:
    """The notifier: from Kafka when a broker is configured, else from the log itself.

    Answers its follower and its delivery log.
    """
    database = ViewDatabase(settings, "notifier")
    stack.callback(database.close)
    deliveries = DeliveryLog(database)
    # the Kafka loop publishes outcomes through the producer it builds
    notifier = notifier_for(settings, grants.notices, deliveries, None)
    source: KafkaLoop | LogLoop
    if settings.kafka_bootstrap:
        source = KafkaLoop(notifier, settings)
        follower = LogFollower(
            source, poll_interval=0.0, backoff=Backoff(cap=settings.retry_backoff_max)
        )
    else:
        event_log = open_event_log(settings)
        stack.callback(event_log.close)
        source = LogLoop(notifier, event_log, database)
        follower = LogFollower(source, backoff=Backoff(cap=settings.retry_backoff_max))
    stack.enter_context(background(follower.run, "notifier"))  # type: ignore[arg-type]
    return follower, deliveries
