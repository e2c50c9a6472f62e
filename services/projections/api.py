"""HTTP routes of the access views: portals, check, employer overview, advisor clients.

The routes are async and read the in-memory state under its lock: no database per request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from services.http.auth import Caller, ScopedRoute, requires
from services.http.lean import LeanRoute
from services.http.problems import Problem, problem_body
from services.messages import negotiate, texts
from services.projections import queries
from services.projections import schemas as s
from services.projections.batch import BadItem, decide, questions
from services.projections.check import Decision, check_access
from services.projections.evaluation import PlatformUnknown, Reason, evaluate_login
from services.projections.runner import AccessProjection
from services.projections.state import AccessState

router = APIRouter(prefix="/v1", tags=["access"], route_class=ScopedRoute)
hot = APIRouter(prefix="/v1", tags=["access"], route_class=LeanRoute)  # the checks


async def access_projection(request: Request) -> AccessProjection:
    projection: AccessProjection | None = request.app.state.projection
    if projection is None:
        raise Problem("view_not_caught_up", "this replica stands by for the leader", position=0)
    return projection


async def clock(request: Request) -> Callable[[], datetime]:
    now: Callable[[], datetime] = request.app.state.clock
    return now


Projection = Annotated[AccessProjection, Depends(access_projection)]
Clock = Annotated[Callable[[], datetime], Depends(clock)]
Reader = Annotated[Caller, Depends(requires("access:read"))]
MinPosition = Annotated[int | None, Query(ge=0, le=2**62)]


async def caught_up(request: Request, projection: AccessProjection, position: int | None) -> None:
    """Wait (bounded) until the view has applied `position`; else 503 view_not_caught_up."""
    if position is None:
        return
    wait: float = request.app.state.min_position_wait
    if not await projection.reached(position, wait):
        raise Problem(
            "view_not_caught_up",
            f"the view is at {projection.position}",
            position=projection.position,
        )


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


@router.post("/platforms/{platform}/access/portals", response_model=s.PortalsOut)
async def portals(
    platform: str,
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


@hot.post("/platforms/{platform}/access/check", response_model=s.CheckOut)
async def check(
    platform: str, body: s.CheckIn, request: Request, projection: Projection, now: Clock, _: Reader
) -> dict[str, Any]:
    """May the actor view or edit this organisation's data? Always 200, with reasons."""
    await caught_up(request, projection, body.min_position)
    with projection.lock:
        decision = check_access(
            projection.state,
            platform,
            body.actor.model_dump(),
            body.organisation,
            body.action,
            body.contract,
            now(),
        )
        position = projection.position
    return {**answer(request, decision, locale_of(projection, platform)), "position": position}


@hot.post("/platforms/{platform}/access/check/batch", response_model=s.BatchCheckOut)
async def check_batch(
    platform: str,
    body: s.BatchCheckIn,
    request: Request,
    projection: Projection,
    now: Clock,
    _: Reader,
) -> dict[str, Any]:
    """Up to 1,000 checks answered at one view position, in order, each as the single check
    answers it. A bad question answers in place with its `problem`; the batch never fails
    for one item (an unknown platform or a view behind `min_position` fails it whole)."""
    await caught_up(request, projection, body.min_position)
    asked = questions(body.checks)
    moment = now()
    with projection.lock:
        if platform not in projection.state.platforms:
            raise PlatformUnknown(f"platform {platform[:64]} not found")
        decisions = [decide(projection.state, platform, q, moment) for q in asked]
        position = projection.position
    locale = locale_of(projection, platform)
    return {
        "results": [
            _bad_item(request, d)
            if isinstance(d, BadItem)
            else {**answer(request, d, locale), "problem": None}
            for d in decisions
        ],
        "position": position,
    }


def answer(request: Request, decision: Decision, locale: str | None) -> dict[str, Any]:
    """A decision as the check answers it (without the position)."""
    return {
        "allowed": decision.allowed,
        "rights": decision.rights,
        "via": decision.via,
        "reasons": reasons_out(request, decision.reasons, locale),
    }


def _bad_item(request: Request, item: BadItem) -> dict[str, Any]:
    problem, _ = problem_body(request, item.code, item.detail, errors=item.errors)
    return {"allowed": False, "rights": None, "via": None, "reasons": [], "problem": problem}


@router.get(
    "/platforms/{platform}/organisations/{organisation}/grants",
    response_model=s.OrganisationGrantsOut,
)
async def organisation_grants(
    platform: str,
    organisation: str,
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
    "/platforms/{platform}/advisors/{organisation}/clients", response_model=s.AdvisorClientsOut
)
async def advisor_clients(
    platform: str,
    organisation: str,
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


UsersWriter = Annotated[Caller, Depends(requires("users:write"))]


@router.get(
    "/platforms/{platform}/organisations/{organisation}/users",
    response_model=s.OrganisationUsersOut,
    tags=["credential platforms"],
)
async def organisation_users(
    platform: str,
    organisation: str,
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
