"""The access checks, single and batch: served on the lean hot path (services.http.lean)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.grants.schemas import Slug
from services.http.lean import LeanRoute
from services.http.problem_docs import refusals
from services.http.problems import problem_body
from services.http.scopes import Reader
from services.projections import schemas as s
from services.projections.batch import BadItem, decide, questions
from services.projections.check import Decision, check_access
from services.projections.decision_log import DecisionLog, Entry
from services.projections.deps import (
    Clock,
    Projection,
    caught_up,
    locale_of,
    reasons_out,
)
from services.projections.login import PlatformUnknown

hot = APIRouter(prefix="/v1", tags=["access"], route_class=LeanRoute)  # the checks
REFUSED = refusals(PlatformUnknown, "view_not_caught_up")
"""A check is answered 200 with its reasons; only an unknown platform or a view behind
`min_position` refuses it."""


@hot.post("/platforms/{platform}/access/check", response_model=s.CheckOut, responses=REFUSED)
async def check(
    platform: Slug,
    body: s.CheckIn,
    request: Request,
    projection: Projection,
    now: Clock,
    caller: Reader,
) -> dict[str, Any]:
    """May the actor view or edit this organisation's data? Always 200, with reasons."""
    await caught_up(request, projection, body.min_position)
    moment = now()
    with projection.lock:
        decision = check_access(
            projection.state,
            platform,
            body.actor.model_dump(),
            body.organisation,
            body.action,
            body.contract,
            moment,
        )
        position = projection.position
    decisions = decision_log(request)
    if decisions is not None:
        decisions.offer([Entry(moment, platform, body, decision, position, caller.client)])
    return {**answer(request, decision, locale_of(projection, platform)), "position": position}


@hot.post(
    "/platforms/{platform}/access/check/batch", response_model=s.BatchCheckOut, responses=REFUSED
)
async def check_batch(
    platform: Slug,
    body: s.BatchCheckIn,
    request: Request,
    projection: Projection,
    now: Clock,
    caller: Reader,
) -> dict[str, Any]:
    """Up to 1,000 checks answered at one view position, in order, each as the single check
    answers it. A bad question answers in place with its `problem`; the batch never fails
    for one item (an unknown platform or a view behind `min_position` fails it whole)."""
    await caught_up(request, projection, body.min_position)
    asked = questions(body.checks)
    moment = now()
    with projection.lock:
        if platform not in projection.state.platforms:
            raise PlatformUnknown.of(platform)
        decisions = [decide(projection.state, platform, q, moment) for q in asked]
        position = projection.position
    log = decision_log(request)
    if log is not None:
        log.offer(
            Entry(moment, platform, q, d, position, caller.client)
            for q, d in zip(asked, decisions, strict=True)
            if not isinstance(d, BadItem)
        )
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


def decision_log(request: Request) -> DecisionLog | None:
    """The decision log the checks hand their decisions to (it only queues them), if it runs."""
    decisions: DecisionLog | None = getattr(request.app.state, "decisions", None)
    return decisions


def answer(request: Request, decision: Decision, locale: str | None) -> dict[str, Any]:
    """A decision as the check answers it (without the position)."""
    return {
        "allowed": decision.allowed,
        "rights": decision.rights,
        "via": decision.via,
        "reasons": reasons_out(request, decision.reasons, locale),
    }


def _bad_item(request: Request, item: BadItem) -> dict[str, Any]:
    problem, _ = problem_body(
        request, item.code, text_key=item.key, facts=item.facts, errors=item.errors
    )
    return {"allowed": False, "rights": None, "via": None, "reasons": [], "problem": problem}
