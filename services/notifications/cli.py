"""`toegang notifications dlq list|retry`: inspect and retry dead-lettered mail."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from contextlib import ExitStack
from typing import Any
from uuid import UUID

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from rich.console import Console
from rich.table import Table

from services.commands import Commands, Opener
from services.eventlog.database import ViewDatabase
from services.grants.notices import NoticeQueries
from services.notifications import kafka
from services.notifications.delivery import DeliveryLog
from services.notifications.loops import KafkaOutcomes
from services.notifications.notifier import notifier_for
from services.settings import Settings


def add_commands(commands: Commands, open_notices: Opener[NoticeQueries]) -> None:
    """The `notifications` commands; `open_notices` is the composition root's way to the store."""
    group = commands.add_parser("notifications", help="operate the notification service")
    dlq = group.add_subparsers(required=True, metavar="TOPIC").add_parser(
        "dlq", help="the dead-letter topic"
    )
    actions = dlq.add_subparsers(required=True, metavar="ACTION")
    actions.add_parser("list", help="list dead-lettered mail").set_defaults(handler=list_command)
    actions.add_parser("retry", help="try dead-lettered mail again").set_defaults(
        handler=functools.partial(retry_command, open_notices)
    )


def dead_letters(settings: Settings) -> list[dict[str, Any]]:
    """Every outcome on the dead-letter topic, oldest first (no consumer group involved)."""
    topic = kafka.Topics(settings.kafka_topic_prefix).dlq
    reader = KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap,
        enable_auto_commit=False,
        consumer_timeout_ms=2000,
    )
    partitions = [TopicPartition(topic, p) for p in reader.partitions_for_topic(topic) or []]
    reader.assign(partitions)
    reader.seek_to_beginning(*partitions)
    letters = [json.loads(record.value) for record in reader]
    reader.close()
    return letters


def list_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print the dead letters: event, kind, recipient key, attempts, error."""
    if not settings.kafka_bootstrap:
        print("toegang: the dead-letter topic needs TOEGANG_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    table = Table("event", "kind", "recipient", "attempts", "error")
    for letter in dead_letters(settings):
        table.add_row(
            letter["event_id"],
            letter["kind"],
            letter["recipient"],
            str(letter["attempts"]),
            letter["error"] or "",
        )
    Console().print(table)
    return 0


def retry_command(
    open_notices: Opener[NoticeQueries], settings: Settings, args: argparse.Namespace
) -> int:
    """Deliver each dead letter again (unless it was sent since); report the outcomes."""
    if not settings.kafka_bootstrap:
        print("toegang: the dead-letter topic needs TOEGANG_KAFKA_BOOTSTRAP", file=sys.stderr)
        return 2
    counts = {"sent": 0, "failed": 0}
    with ExitStack() as stack:
        notices = stack.enter_context(open_notices(settings))
        database = ViewDatabase(settings)
        stack.callback(database.close)
        producer: KafkaProducer = kafka.producer(settings.kafka_bootstrap)
        stack.callback(producer.close)
        outcomes = KafkaOutcomes(producer, kafka.Topics(settings.kafka_topic_prefix))
        notifier = notifier_for(settings, notices, DeliveryLog(database), outcomes)
        for letter in dead_letters(settings):
            for outcome in notifier.handle(
                letter["event_type"],
                letter["event_id"],
                UUID(letter["aggregate_id"]),
                letter["version"],
                only=letter["recipient"],
            ):
                counts[outcome.status] += 1
    print(f"retried: {counts['sent']} sent, {counts['failed']} failed again")
    return 0 if counts["failed"] == 0 else 1
