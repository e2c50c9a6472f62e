"""The shape of a log line: one JSON object with time, level, logger, message, the request id
and the record's fields; the access line a request leaves."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, NamedTuple

from pydantic_core import to_json

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """Formats a record as JSON with time, level, logger, message, request id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {k: v for k, v in vars(record).items() if k not in STANDARD}
        if (current := request_id.get()) is not None:
            fields = {"request_id": current, **fields}
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            fields["exception"] = record.exc_text
        return json_line(record.created, record.levelname, record.name, record.getMessage(), fields)


def json_line(created: float, level: str, logger: str, message: str, fields: Any) -> str:
    """One log line: time, level, logger, message, then the record's own fields."""
    entry = {
        "time": datetime.fromtimestamp(created, UTC).isoformat(),
        "level": level.lower(),
        "logger": logger,
        "message": message,
        **fields,
    }
    return to_json(entry, fallback=str).decode()  # pydantic's encoder: 7× json.dumps


ACCESS = logging.getLogger("toegang.access")


class AccessLine(NamedTuple):
    """A request's access line as it is queued; the writer thread makes it a line."""

    created: float
    request_id: str | None
    method: str
    route: str
    status: int
    duration_ms: float

    def fields(self) -> dict[str, Any]:
        known = {"request_id": self.request_id} if self.request_id is not None else {}
        return {**known, "status": self.status, "duration_ms": self.duration_ms}

    def message(self) -> str:
        return f"{self.method} {self.route} {self.status}"
