"""Composition: the one place per process that builds the applications and the HTTP app."""

from __future__ import annotations

import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from services import keys
from services.grants import api as grants_api
from services.grants import confirm_page
from services.grants.app_base import utc_now
from services.grants.application import GrantsApplication
from services.grants.store import eventsourcing_env
from services.grants.tokens import ConfirmationTokens
from services.http.auth import TokenRegistry
from services.http.problems import install_problem_handlers, problem_response
from services.notifications.outbox import ConfirmationMailer, FileOutbox
from services.settings import Settings

MAX_BODY_BYTES = 64 * 1024


def build_grants_application(
    settings: Settings, clock: Callable[[], datetime] = utc_now
) -> GrantsApplication:
    """The grants application on the configured store (this connects)."""
    return GrantsApplication(
        eventsourcing_env(settings),
        tokens=ConfirmationTokens(keys.token_key(settings)),
        confirm_ttl=settings.confirm_ttl,
        clock=clock,
    )


def build_mailer(settings: Settings, application: GrantsApplication) -> ConfirmationMailer:
    return ConfirmationMailer(
        application, FileOutbox(settings.outbox_dir), settings.confirm_link, settings.mail_from
    )


def create_app(
    settings: Settings,
    tokens: dict[str, list[str]],
    *,
    run_mailer: bool = True,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """The HTTP app; the store is opened and the mailer started when it starts serving."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        application = build_grants_application(settings, clock)
        app.state.grants = application
        stop = threading.Event()
        worker = None
        if run_mailer:
            app.state.mailer = build_mailer(settings, application)
            worker = threading.Thread(
                target=app.state.mailer.run, args=(stop,), daemon=True, name="confirmation-mailer"
            )
            worker.start()
        try:
            yield
        finally:
            stop.set()
            if worker is not None:
                worker.join(timeout=5)
            application.close()

    app = FastAPI(
        title="toegang",
        version="0.1.0",
        lifespan=lifespan,
        summary="Event-sourced access rights for pension-provider portals",
    )
    app.state.locale = settings.locale
    app.state.token_registry = TokenRegistry(tokens)
    install_problem_handlers(app)
    app.middleware("http")(limit_body_and_tag_request)
    app.include_router(grants_api.router)
    app.include_router(confirm_page.router)
    app.get("/healthz", tags=["health"])(healthz)
    app.get("/readyz", tags=["health"])(readyz)
    return app


async def limit_body_and_tag_request(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Refuse bodies over 64 KiB before parsing; tag every answer with a request id."""
    length = request.headers.get("content-length", "0")
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        return problem_response(request, "payload_too_large")
    response = await call_next(request)
    response.headers["X-Request-ID"] = request.headers.get("x-request-id", uuid.uuid4().hex)[:64]
    return response


def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


def readyz(request: Request) -> JSONResponse:
    """Readiness: the event store answers."""
    checks: dict[str, Any] = {}
    try:
        checks["store"] = {"ok": True, "position": request.app.state.grants.position()}
    except Exception as error:  # noqa: BLE001 - any store failure means not ready
        checks["store"] = {"ok": False, "error": type(error).__name__}
    ready = all(check["ok"] for check in checks.values())
    return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)
