"""Per-processor metrics, read at scrape time from the followers' status."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.eventlog.status import Followed, reports

FAMILIES = {
    "position": "log position the processor has reached",
    "lag_events": "events the processor is behind the log",
    "restarts": "times the processor failed and restarted from scratch",
    "last_error_timestamp_seconds": "when the processor last failed (0: never)",
    "up": "0 while the processor fails or stalls, else 1",
    "leading": "1 while this process holds the processor's leader lock",
}


class ProcessorCollector(Collector):
    """`toegang_processor_*{processor}` for every follower of this process."""

    def __init__(
        self,
        followers: Sequence[Followed],
        head: Callable[[], int | None],
        stall_after: float,
    ) -> None:
        self.followers, self.head, self.stall_after = followers, head, stall_after

    def collect(self) -> Iterator[Metric]:
        families: dict[str, Metric] = {
            key: (CounterMetricFamily if key == "restarts" else GaugeMetricFamily)(
                f"toegang_processor_{key}", text, labels=["processor"]
            )
            for key, text in FAMILIES.items()
        }
        by_name = {f.name: f for f in self.followers}
        try:
            head = self.head()
        except Exception:  # noqa: BLE001 - the store is away; positions are still worth reading
            head = None
        for name, entry in reports(self.followers, head, self.stall_after).items():
            failed_at = by_name[name].status.last_error_at
            values = {
                "position": entry["position"],
                "lag_events": entry["lag"],
                "restarts": entry["restarts"],
                "last_error_timestamp_seconds": failed_at.timestamp() if failed_at else 0.0,
                "up": float(entry["ok"]),
                "leading": float(entry["leading"]),
            }
            for key, value in values.items():
                if value is not None:
                    families[key].add_metric([name], float(value))  # type: ignore[attr-defined]
        yield from families.values()
