"""What the sync and the async client share: settings, headers, retries, positions, errors."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx

from toegang_client._base import error_fields, problem_document
from toegang_client._call import Call
from toegang_client.errors import REGISTRY, ToegangError

T = TypeVar("T")
RETRIED = frozenset({"view_not_caught_up", "store_unavailable"})
"""Problem codes a call is retried on: the service will answer once the view or store is back."""
VERSION = "0.1.0"


class Core:
    """The client's settings and state: the highest position a write answered, the retry
    policy, and how an answer becomes a model or an exception."""

    def __init__(
        self,
        *,
        retries: int = 3,
        backoff: float = 0.2,
        max_backoff: float = 10.0,
        read_your_writes: bool = False,
    ) -> None:
        self.retries, self.backoff, self.max_backoff = retries, backoff, max_backoff
        self.read_your_writes = read_your_writes
        self._position: int | None = None
        self._lock = threading.Lock()

    @property
    def position(self) -> int | None:
        """The highest log position answered by a write through this client (None: none yet)."""
        return self._position

    def remember(self, position: int) -> None:
        """Keep `position` if it is the highest seen."""
        with self._lock:
            if self._position is None or position > self._position:
                self._position = position

    def request(self, call: Call[Any]) -> dict[str, Any]:
        """The request arguments of a call (with the remembered position when asked to)."""
        return call.request(self._position if self.read_your_writes else None)

    def retry_delay(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before attempt `attempt + 1`, or None: do not retry."""
        if response.status_code != 503 or attempt >= self.retries:
            return None
        body = problem_document(response)
        if body is None or body["code"] not in RETRIED:
            return None
        delay = min(self.backoff * 2.0**attempt, self.max_backoff)
        return max(delay, retry_after(response))

    def outcome(self, call: Call[T], response: httpx.Response) -> T:
        """The call's model for a successful answer; else raise the problem's exception."""
        if not response.is_success:
            fields = error_fields(response)
            raise REGISTRY.get(fields["code"], ToegangError)(**fields)
        body = response.json()
        if call.writes and isinstance(body, dict) and isinstance(body.get("position"), int):
            self.remember(body["position"])
        return call.parse(body)


def retry_after(response: httpx.Response) -> float:
    """The answer's `Retry-After` in seconds (seconds or an HTTP date); 0 without one."""
    value = response.headers.get("retry-after")
    if value is None:
        return 0.0
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max((moment - datetime.now(UTC)).total_seconds(), 0.0)


def headers(token: str | None, accept_language: str | None) -> dict[str, str]:
    """The headers of every request: the bearer token, the language, the client's name."""
    found = {"User-Agent": f"toegang-client/{VERSION}", "Accept": "application/json"}
    if token is not None:
        found["Authorization"] = f"Bearer {token}"
    if accept_language is not None:
        found["Accept-Language"] = accept_language
    return found
