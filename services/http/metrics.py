"""Prometheus metrics of one process: request latency, view lag, log head."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import TypeVar

from fastapi import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("toegang.metrics")
T = TypeVar("T")


class Metrics:
    """A registry per app, so several apps in one process (tests) do not clash."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "toegang_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route", "status"],
            registry=self.registry,
            buckets=(0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5),
        )

        self.problems = Counter(
            "toegang_problems_total",
            "requests answered with a problem, by stable code",
            ["code"],
            registry=self.registry,
        )

    def watch_views(self, positions: Callable[[], dict[str, int]], head: Callable[[], int]) -> None:
        """Report each view's position and lag behind the log at scrape time."""
        self.registry.register(_ViewCollector(positions, head))

    def gauge(self, name: str, documentation: str, read: Callable[[], float]) -> None:
        """A gauge whose value is read at scrape time (relay lag, consumer lag, …)."""
        self.registry.register(_Reading(name, documentation, read))

    def response(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


class _ViewCollector(Collector):
    def __init__(self, positions: Callable[[], dict[str, int]], head: Callable[[], int]) -> None:
        self.positions, self.head = positions, head

    def collect(self) -> Iterator[GaugeMetricFamily]:
        head = reading(self.head)
        if head is None:
            return  # the store is away: /readyz tells, the scrape still answers
        yield GaugeMetricFamily(
            "toegang_log_head_position", "last position in the event log", value=head
        )
        position = GaugeMetricFamily(
            "toegang_view_position", "position a view has applied", labels=["view"]
        )
        lag = GaugeMetricFamily(
            "toegang_view_lag_events", "events a view is behind the log", labels=["view"]
        )
        for view, at in self.positions().items():
            position.add_metric([view], at)
            lag.add_metric([view], max(head - at, 0))
        yield position
        yield lag


class _Reading(Collector):
    def __init__(self, name: str, documentation: str, read: Callable[[], float]) -> None:
        self.name, self.documentation, self.read = name, documentation, read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        value = reading(self.read)
        if value is not None:
            yield GaugeMetricFamily(self.name, self.documentation, value=value)


def reading(read: Callable[[], T]) -> T | None:
    """What `read` answers, or None when the store or broker it asks is away (the other
    metrics are still scraped; the failure shows on /readyz)."""
    try:
        return read()
    except Exception as error:  # noqa: BLE001 - a metric must never fail the scrape
        log.debug("metric unavailable: %s", type(error).__name__)
        return None
