"""Dependencies of the access routes: the projection, the clock, the scope, a position reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from services.http import positions
from services.http.problems import Problem
from services.messages import negotiate, texts
from services.projections.login import Reason
from services.projections.runner import AccessProjection
from services.projections.state import AccessState


async def access_projection(request: Request) -> AccessProjection:
    projection: AccessProjection | None = request.app.state.projection
    if projection is None:
        raise Problem(
            "view_not_caught_up",
            "this replica stands by for the leader",
            text_key="view_not_caught_up@standby",
            position=0,
        )
    return projection


async def clock(request: Request) -> Callable[[], datetime]:
    now: Callable[[], datetime] = request.app.state.clock
    return now


Projection = Annotated[AccessProjection, Depends(access_projection)]

Clock = Annotated[Callable[[], datetime], Depends(clock)]


MinPosition = Annotated[int | None, Query(ge=0, le=2**53 - 1)]


async def caught_up(request: Request, projection: AccessProjection, position: int | None) -> None:
    """Wait (bounded) until the view has applied `position` (see services.http.positions)."""
    await positions.caught_up(request, projection, projection.log, position)


def reasons_out(
    request: Request, reasons: list[Reason], platform_locale: str | None = None
) -> list[dict[str, str]]:
    """Reasons in the caller's language, else the platform's, else the service default."""
    if not reasons:
        return []  # an allowed answer: no language to choose
    default = platform_locale or request.app.state.locale
    language = negotiate(request.headers.get("accept-language"), default)
    return [
        {
            "code": r.code,
            "message": texts(r.key, language)["detail"],
            "remedy": texts(r.key, language)["remedy"],
        }
        for r in reasons
    ]


async def listing(
    request: Request,
    projection: AccessProjection,
    min_position: int | None,
    query: Callable[[AccessState], dict[str, Any]],
) -> dict[str, Any]:
    """Answer a listing from the view once it has reached `min_position`, with its position."""
    await caught_up(request, projection, min_position)
    with projection.lock:
        return {**query(projection.state), "position": projection.position}


def locale_of(projection: AccessProjection, platform: str) -> str | None:
    locale: str | None = projection.state.platforms.get(platform, {}).get("locale")
    return locale
