"""HTTP routes of the access views: portals, employer overview, advisor clients.

The routes are async and read the in-memory state under its lock: no database per request.
The checks are in `check_api`, the dependencies in `deps`.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from services.grants.domain.platform_user import NotMasterUser
from services.grants.schemas import OrgRef, Slug
from services.http.auth import ScopedRoute
from services.http.problem_docs import refusals
from services.http.problems import Problem
from services.http.scopes import Reader, UsersWriter
from services.projections import change_feed as feed
from services.projections import queries
from services.projections import schemas as s
from services.projections.deps import (
    Clock,
    MinPosition,
    Projection,
    caught_up,
    listing,
    locale_of,
    reasons_out,
)
from services.projections.evaluation import evaluate_login
from services.projections.login import LOGIN_REFUSALS, PlatformUnknown

router = APIRouter(prefix="/v1", tags=["access"], route_class=ScopedRoute)
POLL_SECONDS = 0.1  # how often a waiting feed read looks again
READING = refusals(PlatformUnknown, "view_not_caught_up")
"""Why a view cannot answer: an unknown platform, or a view not yet at `min_position`."""


@router.post(
    "/platforms/{platform}/access/portals",
    response_model=s.PortalsOut,
    responses=refusals(PlatformUnknown, "view_not_caught_up", at={403: LOGIN_REFUSALS}),
)
async def portals(
    platform: Slug,
    body: s.PortalsIn,
    request: Request,
    projection: Projection,
    now: Clock,
    _: Reader,
) -> dict[str, Any]:
    """The portals the logged-in actor may open, with rights and route, its own first and then
    by organisation number, a page of `limit` after `after`; 403 if the login is refused."""
    await caught_up(request, projection, body.min_position)
    with projection.lock:
        login = evaluate_login(projection.state, platform, body.actor.model_dump(), now())
        position = projection.position
    if login.refused:
        first = login.refused[0]
        raise Problem(
            first.code,
            status=403,
            text_key=first.key,
            position=position,
            reasons=reasons_out(request, login.refused, locale_of(projection, platform)),
        )
    page = queries.portal_page(list(login.portals.values()), body.after, body.limit)
    return {**page, "position": position}


@router.get(
    "/platforms/{platform}/organisations/{organisation}/grants",
    response_model=s.OrganisationGrantsOut,
    responses=READING,
)
async def organisation_grants(
    platform: Slug,
    organisation: OrgRef,
    request: Request,
    projection: Projection,
    now: Clock,
    _: Reader,
    min_position: MinPosition = None,
) -> dict[str, Any]:
    """The grants an organisation has given and received on a platform, with status."""
    return await listing(
        request,
        projection,
        min_position,
        lambda state: queries.organisation_grants(state, platform, organisation, now()),
    )


@router.get(
    "/platforms/{platform}/advisors/{organisation}/clients",
    response_model=s.AdvisorClientsOut,
    responses=READING,
)
async def advisor_clients(
    platform: Slug,
    organisation: OrgRef,
    request: Request,
    projection: Projection,
    now: Clock,
    _: Reader,
    min_position: MinPosition = None,
    after: Annotated[str | None, Query(max_length=20, pattern=r"^(kvk|kbo):[0-9.]+$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1000,
) -> dict[str, Any]:
    """The employers that gave this advisor access (active or awaiting confirmation), by
    organisation number, a page of `limit` after `after`; `next_after` starts the next."""
    return await listing(
        request,
        projection,
        min_position,
        lambda state: queries.advisor_clients(state, platform, organisation, now(), after, limit),
    )


@router.get(
    "/platforms/{platform}/organisations/{organisation}/users",
    response_model=s.OrganisationUsersOut,
    responses=refusals(PlatformUnknown, NotMasterUser, "view_not_caught_up"),
    tags=["credential platforms"],
)
async def organisation_users(
    platform: Slug,
    organisation: OrgRef,
    request: Request,
    projection: Projection,
    now: Clock,
    _: UsersWriter,
    actor: Annotated[str, Query(max_length=64)],
    min_position: MinPosition = None,
) -> dict[str, Any]:
    """The master user's list of users (`actor` is the master user's id)."""
    return await listing(
        request,
        projection,
        min_position,
        lambda state: queries.organisation_users(state, platform, organisation, actor, now()),
    )


@router.get(
    "/platforms/{platform}/access/changes",
    response_model=s.AccessChangesOut,
    responses=refusals(PlatformUnknown),
)
async def access_changes(
    platform: Slug,
    request: Request,
    projection: Projection,
    _: Reader,
    after: Annotated[int, Query(ge=0, le=2**53 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    organisation: Annotated[OrgRef | None, Query()] = None,
    wait: Annotated[float, Query(ge=0, le=30)] = 0,
) -> dict[str, Any]:
    """What changed in who may do what on the platform's portals, in log order after `after`
    (the last `seq` read): each grant confirmed, changed, revoked or ended with a licence, each
    user fiche granted, changed or ended. With `wait`, waits up to that many seconds for a
    change when there is none yet (long polling)."""
    if platform not in projection.state.platforms:
        raise PlatformUnknown.of(platform)
    deadline = time.monotonic() + min(wait, request.app.state.changes_max_wait)
    while True:
        page = await run_in_threadpool(feed.page, projection, platform, after, limit, organisation)
        if page or time.monotonic() >= deadline:
            break
        await asyncio.sleep(POLL_SECONDS)
    return {
        "changes": [change.as_record() for change in page],
        "next_after": page[-1].seq if page else after,
        "position": projection.position,
    }
