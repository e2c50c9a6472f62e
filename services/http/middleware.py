"""A pure ASGI middleware: body-size limit, request id, latency histogram.

Written against ASGI directly (not BaseHTTPMiddleware) so it costs microseconds per request.
"""

from __future__ import annotations

import logging
import time
import uuid

from prometheus_client import Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.logs import request_id as current_request

MAX_BODY_BYTES = 64 * 1024
access = logging.getLogger("toegang.access")


class RequestMiddleware:
    """Refuse oversize bodies before parsing, tag answers with X-Request-ID, time requests."""

    def __init__(self, app: ASGIApp, latency: Histogram) -> None:
        self.app, self.latency = app, latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            await self._too_large(scope, receive, send)
            return
        request_id = headers.get(b"x-request-id", b"")[:64] or uuid.uuid4().hex.encode()
        token = current_request.set(request_id.decode(errors="replace"))
        started = time.perf_counter()
        status = 500

        async def send_tagged(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_tagged)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            self.latency.labels(scope["method"], route, str(status)).observe(elapsed)
            access.info(
                "%s %s %s",
                scope["method"],
                route,
                status,
                extra={"status": status, "duration_ms": round(elapsed * 1000, 2)},
            )
            current_request.reset(token)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        from starlette.requests import Request

        from services.http.problems import problem_response

        response = problem_response(Request(scope, receive), "payload_too_large")
        await response(scope, receive, send)
