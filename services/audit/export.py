"""History as CSV or JSON Lines, one entry per line, streamed (no whole export in memory)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl"}
CSV_COLUMNS = ("position", "time", "type", "aggregate_id", "actor_route", "actor", "data")


def lines(entries: Iterable[dict[str, Any]], form: str) -> Iterator[str]:
    """The entries as text lines of `form` (`csv` with a header row, or `jsonl`)."""
    if form == "jsonl":
        for entry in entries:
            yield json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        return
    yield _csv_line(CSV_COLUMNS)
    for entry in entries:
        yield _csv_line(csv_row(entry))


def csv_row(entry: dict[str, Any]) -> tuple[Any, ...]:
    """One entry as CSV cells; the actor's label and the facts as compact JSON."""
    actor = entry["actor"]
    return (
        entry["position"],
        entry["time"],
        entry["type"],
        entry["aggregate_id"],
        actor["route"],
        actor["label"],
        json.dumps(entry["data"], ensure_ascii=False, sort_keys=True),
    )


def _csv_line(cells: Iterable[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()
