"""A FastAPI dependency for portal services: `require_access(action)` lets a route run only
when toegang allows the caller `view` or `edit` on the organisation of the route's path.

Install with `pip install 'toegang-client[fastapi]'`.

The caller's eHerkenning assertion is read, by default, from the request header
`X-EHerkenning-Assertion`: a JSON object with the actor as toegang takes it
(`{"method": "eherkenning", "legal_subject": "kvk:…", "acting_subject": "…",
"intermediary": null, "service_id": "urn:etoegang:…", "loa": "urn:etoegang:…"}`). Only
trust that header where your eHerkenning gateway sets it and strips it from what callers
send; otherwise pass `assertion=`, a function of the request answering the actor (or None),
e.g. from your session after the SAML exchange.

- no (or an unreadable) assertion: 401;
- denied: 403 with `detail = {"allowed": false, "reasons": [{code, message, remedy}, …],
  "remedies": [...]}` in the caller's `Accept-Language`;
- an organisation number toegang refuses: 422 with the problem's code, detail and errors;
- toegang unavailable or refusing the service's token: 503 with the problem's code.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any

from fastapi import HTTPException, Request

from toegang_client.async_client import AsyncClient
from toegang_client.errors import ToegangError
from toegang_client.models import Actor, Decision, Rights

ASSERTION_HEADER = "X-EHerkenning-Assertion"
AssertionReader = Callable[[Request], Actor | Awaitable[Actor | None] | None]
ClientSource = AsyncClient | Callable[[Request], AsyncClient]


def header_assertion(request: Request) -> Actor | None:
    """The actor in the `X-EHerkenning-Assertion` header (JSON), or None."""
    raw = request.headers.get(ASSERTION_HEADER)
    if raw is None:
        return None
    try:
        actor = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return actor if isinstance(actor, dict) else None


def require_access(
    action: Rights,
    *,
    client: ClientSource,
    platform: str,
    assertion: AssertionReader = header_assertion,
    organisation_param: str = "organisation",
) -> Callable[[Request], Awaitable[Decision]]:
    """A dependency answering the allowed `Decision` for the caller on the path parameter
    `organisation_param` of `platform`, or raising `HTTPException` (see the module)."""

    async def dependency(request: Request) -> Decision:
        actor = await _actor(assertion, request)
        toegang = client if isinstance(client, AsyncClient) else client(request)
        organisation = str(request.path_params[organisation_param])
        try:
            decision = await toegang.check(
                platform,
                actor,
                organisation,
                action,
                accept_language=request.headers.get("accept-language"),
            )
        except ToegangError as error:
            raise _refused(error) from error
        if not decision.allowed:
            raise HTTPException(403, detail=denial(decision))
        return decision

    return dependency


def denial(decision: Decision) -> dict[str, Any]:
    """The body of a 403: the reasons (code, message, remedy) and the remedies."""
    return {
        "allowed": False,
        "reasons": [asdict(reason) for reason in decision.reasons],
        "remedies": list(decision.remedies),
    }


async def _actor(assertion: AssertionReader, request: Request) -> Actor:
    found = assertion(request)
    actor = await found if inspect.isawaitable(found) else found
    if actor is None:
        raise HTTPException(
            401, detail="an eHerkenning assertion is required", headers={"WWW-Authenticate": "SAML"}
        )
    return actor


def _refused(error: ToegangError) -> HTTPException:
    body: dict[str, Any] = {"code": error.code, "detail": error.detail}
    if error.status == 422:
        return HTTPException(422, detail={**body, "errors": list(error.errors)})
    return HTTPException(503, detail=body)
