"""Pure ASGI middleware: body-size limit, request id, latency histogram; literal paths.

Written against ASGI directly (not BaseHTTPMiddleware) so it costs microseconds per request.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator

from prometheus_client import Histogram
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.http.docs import api_routes
from services.log_lines import request_id as current_request
from services.logs import log_access

MAX_BODY_BYTES = 64 * 1024
BATCH_BODY_BYTES = 1024 * 1024  # 1,000 checks of about 300 bytes each


def request_ids() -> Iterator[bytes]:
    """Unique request ids, cheaply: a random prefix per process and a counter."""
    prefix = os.urandom(8).hex()
    return (f"{prefix}{n:016x}".encode() for n in itertools.count(1))


class BodyTooLarge(HTTPException):
    """The body received so far is over the limit; FastAPI passes HTTP errors through."""

    def __init__(self) -> None:
        super().__init__(413)


def limited(receive: Receive, limit: int = MAX_BODY_BYTES) -> Receive:
    """`receive`, counting body bytes and raising BodyTooLarge once they pass `limit`."""
    received = 0

    async def receive_limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
        return message

    return receive_limited


def body_limit(path: str) -> int:
    """The most body bytes a request may carry: more for a batch of checks."""
    return BATCH_BODY_BYTES if path.endswith("/access/check/batch") else MAX_BODY_BYTES


class LiteralPaths:
    """A path that names a route of its own (`/v1/grants/confirm`) is that route's alone:
    another method there is 405 with `Allow`, as the OpenAPI document says, not the answer of
    a route whose `{id}` it happens to fit."""

    def __init__(self, app: ASGIApp, owner: Starlette) -> None:
        self.app, self.owner = app, owner
        self.methods: dict[str, frozenset[str]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = self.literal_methods().get(scope["path"])
            if allowed is not None and scope["method"] not in allowed:
                from starlette.requests import Request

                from services.http.problems import problem_response

                response = problem_response(Request(scope, receive), "method_not_allowed")
                response.headers["Allow"] = ", ".join(sorted(allowed - {"HEAD"}))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def literal_methods(self) -> dict[str, frozenset[str]]:
        """The methods of each path without parameters (read once the routes are all in)."""
        if self.methods is None:
            found: dict[str, set[str]] = {}
            for route in api_routes(self.owner.router.routes):
                if "{" not in route.path:
                    found.setdefault(route.path, set()).update(route.methods or ())
            self.methods = {
                path: frozenset(methods | ({"HEAD"} if "GET" in methods else set()))
                for path, methods in found.items()
            }
        return self.methods


class RequestMiddleware:
    """Refuse oversize bodies before parsing, tag answers with X-Request-ID, time requests."""

    def __init__(self, app: ASGIApp, latency: Histogram) -> None:
        self.app, self.latency = app, latency
        self.new_ids = request_ids()
        self.series: dict[tuple[str, str, int], Histogram] = {}  # labels → its histogram

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        limit = body_limit(scope["path"])
        if not length.isdigit() or int(length) > limit:
            await self._too_large(scope, receive, send)
            return
        request_id = headers.get(b"x-request-id", b"")[:64] or next(self.new_ids)
        token = current_request.set(request_id.decode(errors="replace"))
        started = time.perf_counter()
        status = 0

        async def send_tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        try:
            await self.app(scope, limited(receive, limit), send_tagged)
        except BodyTooLarge:
            if status:
                raise  # the answer has begun: nothing left to say but to drop the connection
            await self._too_large(scope, receive, send_tagged)
        finally:
            self._record(scope, status or 500, time.perf_counter() - started)
            current_request.reset(token)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        labels = (scope["method"], route, status)
        if (series := self.series.get(labels)) is None:
            series = self.series[labels] = self.latency.labels(*labels[:2], str(status))
        series.observe(elapsed)
        log_access(scope["method"], route, status, round(elapsed * 1000, 2))

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        from services.http.problems import problem_response

        response = problem_response(Request(scope, receive), "payload_too_large")
        await response(scope, receive, send)
