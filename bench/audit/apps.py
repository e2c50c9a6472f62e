"""The two apps served by uvicorn (`--factory`) for the point-in-time timing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import FastAPI

from services.audit.timefmt import instant
from services.bootstrap import create_app
from services.settings import Settings
from tests.support import TOKENS


def audit_app() -> FastAPI:
    """The app under test (`uvicorn --factory`): the projections role on TOEGANG_DATABASE_URL."""
    return create_app(Settings(), TOKENS, roles=("projections",))


def bare_app() -> FastAPI:
    """The baseline (`uvicorn --factory`): the same route and query, answering nothing."""
    app = FastAPI()

    @app.get("/v1/audit/access")
    async def access(platform: str, organisation: str, at: datetime) -> dict[str, Any]:
        """Parse the same query, answer the same shape, look nothing up."""
        return {
            "platform": platform,
            "organisation": organisation,
            "at": instant(at),
            "access": [],
            "position": 0,
        }

    return app
