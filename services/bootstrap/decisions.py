"""The decision log of a process serving checks: its sampling, key, sink and writer thread."""

from __future__ import annotations

from contextlib import ExitStack

from fastapi import FastAPI

from services import keys
from services.bootstrap.build import background
from services.notifications.decision_topic import DecisionTopic
from services.notifications.kafka import Topics
from services.projections.decision_file import FileSink
from services.projections.decision_log import DecisionLog, Pseudonyms, Sink, sampling
from services.settings import Settings


def start_decision_log(app: FastAPI, settings: Settings, stack: ExitStack) -> None:
    """Start the writer thread (unless the log is off) and let the checks feed it; at the
    end the checks stop feeding it and it writes what is still queued."""
    chosen = sampling(settings.decision_log)
    if chosen is None:
        return
    decisions = DecisionLog(
        decision_sink(settings),
        Pseudonyms(keys.decision_key(settings)),
        chosen,
        app.state.metrics.registry,
        capacity=settings.decision_log_queue,
    )
    stack.enter_context(background(decisions.run, "decision-log"))
    app.state.decisions = decisions
    stack.callback(setattr, app.state, "decisions", None)


def decision_sink(settings: Settings) -> Sink:
    """The configured sink; nothing connects or opens before the first batch."""
    if settings.decision_log_sink == "kafka" and settings.kafka_bootstrap:
        topic = Topics(settings.kafka_topic_prefix).decisions
        return DecisionTopic(settings.kafka_bootstrap, topic, settings.kafka_partitions)
    return FileSink(settings.decision_log_path)
