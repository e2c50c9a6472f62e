"""The constructor and settings both clients share, over their own httpx client."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import httpx

from toegang_client._core import Core, headers

H = TypeVar("H", httpx.Client, httpx.AsyncClient)


class Shared(Generic[H]):
    """A client of toegang at `base_url` with a bearer `token`.

    `retries` (waiting `backoff` seconds, doubling up to `max_backoff`, at least the answer's
    `Retry-After`) apply to `view_not_caught_up` and `store_unavailable`; then the exception
    is raised. `accept_language` asks for problems and reasons in `nl`, `en` or `fr`. With
    `read_your_writes`, view reads without `min_position` wait for the highest position this
    client's writes answered. `transport` replaces httpx's (tests, proxies, ASGI apps)."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        accept_language: str | None = None,
        retries: int = 3,
        backoff: float = 0.2,
        max_backoff: float = 10.0,
        read_your_writes: bool = False,
        transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.core = Core(
            retries=retries,
            backoff=backoff,
            max_backoff=max_backoff,
            read_your_writes=read_your_writes,
        )
        self.http: H = self.open(
            base_url=base_url,
            headers=headers(token, accept_language),
            timeout=timeout,
            transport=transport,
        )

    def open(self, **options: Any) -> H:
        """The httpx client the calls go through."""
        raise NotImplementedError

    @property
    def position(self) -> int | None:
        """The highest log position a write through this client answered (None: none yet)."""
        return self.core.position
