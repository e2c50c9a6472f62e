"""HTTP routes of the audit trail: history (JSON, CSV, JSON Lines), access at an instant,
chain verification. Only the `audit:read` scope opens them, and it opens nothing else."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool

from services.audit import export
from services.audit import schemas as s
from services.audit.service import AuditService, HistoryFilter
from services.grants import identifiers
from services.grants.schemas import IsoInstant, OrgRef, Slug
from services.http import positions
from services.http.auth import ScopedRoute
from services.http.problem_docs import refusals
from services.http.problems import Problem
from services.http.scopes import Auditor

router = APIRouter(prefix="/v1/audit", tags=["audit"], route_class=ScopedRoute)


async def audit_service(request: Request) -> AuditService:
    service: AuditService = request.app.state.audit
    return service


Audit = Annotated[AuditService, Depends(audit_service)]
MinPosition = Annotated[int | None, Query(ge=0, le=2**53 - 1)]
Instant = Annotated[IsoInstant | None, Query()]


async def caught_up(request: Request, audit: AuditService, position: int | None) -> None:
    """Wait (bounded) until the audit view has applied `position` (services.http.positions)."""
    await positions.caught_up(request, audit.projection, audit.log, position)


def utc(moment: datetime | None) -> datetime | None:
    """An aware instant (a time without offset is taken as UTC)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def history_filter(
    platform: Slug | None = None,
    organisation: OrgRef | None = None,
    grant: str | None = None,
    user: str | None = None,
    from_: Annotated[IsoInstant | None, Query(alias="from")] = None,
    to: Instant = None,
) -> HistoryFilter:
    """The history filters of a request, checked (organisation number, time range)."""
    start, end = utc(from_), utc(to)
    if start and end and start > end:
        raise Problem(
            "invalid_request",
            "`from` lies after `to`",
            text_key="invalid_request@range",
            facts={"fields": ["from", "to"]},
        )
    return HistoryFilter(
        platform=identifiers.platform_slug(platform) if platform else None,
        organisation=identifiers.organisation_ref(organisation) if organisation else None,
        grant_id=grant,
        user_id=user,
        start=start,
        end=end,
    )


Filter = Annotated[HistoryFilter, Depends(history_filter)]


@router.get(
    "/history",
    response_model=s.HistoryPage,
    responses={
        **refusals("view_not_caught_up"),
        200: {
            "description": "A page as JSON, or the whole selection as CSV or JSON Lines",
            "content": {
                media_type.partition(";")[0]: {"schema": {"type": "string"}}
                for media_type in export.MEDIA_TYPES.values()
            },
        },
    },
)
async def history(
    request: Request,
    audit: Audit,
    query: Filter,
    _: Auditor,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    format: Literal["json", "csv", "jsonl"] = "json",
    min_position: MinPosition = None,
) -> Any:
    """Events about a platform, organisation, grant or user, in log order: position, time,
    type, actor with route, and the facts. JSON pages (`after` = `next_after`), or the
    whole selection as CSV or JSON Lines."""
    await caught_up(request, audit, min_position)
    if format == "json":
        return as_json(await run_in_threadpool(audit.history, query, after, limit))
    lines: Iterator[str] = export.lines(audit.all_history(query), format)
    return StreamingResponse(
        iterate_in_threadpool(lines),
        media_type=export.MEDIA_TYPES[format],
        headers={"content-disposition": f'attachment; filename="history.{format}"'},
    )


@router.get("/access", response_model=s.AccessAt, responses=refusals("view_not_caught_up"))
async def access(
    request: Request,
    audit: Audit,
    _: Auditor,
    platform: Slug,
    organisation: OrgRef,
    at: IsoInstant,
    min_position: MinPosition = None,
) -> Response:
    """Who had access to the organisation's data at `at`: each grant and platform user with
    rights, route, who approved it and since when (from the interval view)."""
    await caught_up(request, audit, min_position)
    ref = identifiers.organisation_ref(organisation)
    moment = utc(at) or at
    answer = await run_in_threadpool(
        audit.access_at, identifiers.platform_slug(platform), ref, moment
    )
    return as_json(answer)


def as_json(answer: dict[str, Any]) -> Response:
    """The answer as JSON, without validating it again: a long history's answer holds
    thousands of rows, and they come straight from our own tables."""
    return Response(json.dumps(answer, separators=(",", ":")), media_type="application/json")


@router.get("/verify", response_model=s.Verification)
async def verify(audit: Audit, _: Auditor) -> dict[str, Any]:
    """Recompute the hash chain over the whole log: `ok`, events, head, and each problem
    (altered, missing or unchained event) with its position."""
    report = await asyncio.to_thread(audit.verify)
    return report.as_dict()
