"""Bind each operation once to both clients: `Client.check(...)` runs `ops.check(...)`'s call
and answers its model; `AsyncClient.check(...)` does the same, awaited."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, ParamSpec, Protocol, Self, TypeVar, overload

from toegang_client._call import Call

P = ParamSpec("P")
T = TypeVar("T")


class Runs(Protocol):
    def run(self, call: Call[T]) -> T: ...


class RunsAsync(Protocol):
    def run(self, call: Call[T]) -> Awaitable[T]: ...


class sync(Generic[P, T]):  # noqa: N801 - used as a decorator-like binder
    """A method of the sync client that runs the call an operation describes."""

    def __init__(self, build: Callable[P, Call[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, client: Runs, owner: type[Any]) -> Callable[P, T]: ...
    def __get__(self, client: Runs | None, owner: type[Any]) -> Self | Callable[P, T]:
        if client is None:
            return self
        build = self.build

        @functools.wraps(build)
        def method(*args: P.args, **kwargs: P.kwargs) -> T:
            return client.run(build(*args, **kwargs))

        return method


class asynchronous(Generic[P, T]):  # noqa: N801
    """A method of the async client that runs, awaited, the call an operation describes."""

    def __init__(self, build: Callable[P, Call[T]]) -> None:
        self.build = build
        self.__doc__ = build.__doc__

    @overload
    def __get__(self, client: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(
        self, client: RunsAsync, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...
    def __get__(
        self, client: RunsAsync | None, owner: type[Any]
    ) -> Self | Callable[P, Coroutine[Any, Any, T]]:
        if client is None:
            return self
        build = self.build

        @functools.wraps(build)
        async def method(*args: P.args, **kwargs: P.kwargs) -> T:
            return await client.run(build(*args, **kwargs))

        return method
