"""A call of the API described once, run by the sync and the async client alike."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote

T = TypeVar("T")
Reads = Literal["body", "query"]


@dataclass(frozen=True)
class Call(Generic[T]):
    """What to send and how to read the answer.

    `reads` says where a view read takes `min_position` (None: not a view read); `writes`
    marks a command, whose answered `position` the client remembers."""

    method: str
    path: str
    parse: Callable[[Any], T]
    body: Mapping[str, Any] | None = None
    query: Mapping[str, Any] = field(default_factory=dict)
    min_position: int | None = None
    reads: Reads | None = None
    writes: bool = False
    language: str | None = None

    def request(self, remembered: int | None) -> dict[str, Any]:
        """The arguments of `httpx.Client.request`, with `min_position` where the API takes
        it: the one given, else `remembered` (the client's read-your-writes position)."""
        position = self.min_position if self.min_position is not None else remembered
        body = None if self.body is None else dict(self.body)
        query = {key: text(value) for key, value in self.query.items() if value is not None}
        if self.reads == "body" and body is not None and position is not None:
            body["min_position"] = position
        if self.reads == "query" and position is not None:
            query["min_position"] = str(position)
        arguments: dict[str, Any] = {"method": self.method, "url": self.path, "params": query}
        if body is not None:
            arguments["json"] = body
        if self.language is not None:
            arguments["headers"] = {"Accept-Language": self.language}
        return arguments


def path(template: str, *segments: str) -> str:
    """A path with each segment percent-encoded (`kvk:…` keeps its colon)."""
    return template.format(*(quote(segment, safe=":") for segment in segments))


def text(value: Any) -> str:
    """A query value as text: instants and dates in ISO 8601, booleans in lower case."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def when(value: date | str) -> str:
    """A date (or its ISO text) as the API takes it."""
    return value.isoformat() if isinstance(value, date) else value
