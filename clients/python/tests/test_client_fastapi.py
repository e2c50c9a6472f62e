"""`require_access` guarding a portal service's route, against the live service.

(No `from __future__ import annotations` here: FastAPI reads the route's annotations, and
the dependency is made inside the test.)"""

import asyncio
import json
from typing import Annotated, Any

import httpx
from client_support import Service, World, build_world
from fastapi import Depends, FastAPI
from toegang_client import AsyncClient, Client, Decision
from toegang_client.fastapi import ASSERTION_HEADER, require_access

from tests.support import VIEW_SERVICE, actor


def portal(toegang: AsyncClient, platform: str) -> FastAPI:
    """A pension portal: an organisation's overview needs view rights, a change edit rights."""
    app = FastAPI()
    viewing = Depends(require_access("view", client=toegang, platform=platform))
    editing = Depends(require_access("edit", client=toegang, platform=platform))

    @app.get("/organisations/{organisation}/overview")
    async def overview(organisation: str, decision: Annotated[Decision, viewing]) -> dict[str, Any]:
        return {"organisation": organisation, "rights": decision.rights, "via": decision.via}

    @app.post("/organisations/{organisation}/participants")
    async def change(organisation: str, decision: Annotated[Decision, editing]) -> dict[str, Any]:
        return {"changed": True, "rights": decision.rights}

    return app


def assertion(login: dict[str, Any], language: str = "nl") -> dict[str, str]:
    return {ASSERTION_HEADER: json.dumps(login), "Accept-Language": language}


async def visit(service: Service, world: World) -> list[httpx.Response]:
    viewer = actor(world.employer, service=VIEW_SERVICE)
    async with AsyncClient(service.url, service.token) as toegang:
        app = portal(toegang, world.platform)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as browser:
            own = f"/organisations/{world.employer}"
            return [
                await browser.get(f"{own}/overview", headers=assertion(world.employer_login)),
                await browser.get(f"{own}/overview"),
                await browser.get(f"{own}/overview", headers={ASSERTION_HEADER: "{not json"}),
                await browser.post(f"{own}/participants", headers=assertion(viewer)),
                await browser.post(f"{own}/participants", headers=assertion(viewer, "en")),
                await browser.get(f"{own}/overview", headers=assertion(world.advisor_login)),
                await browser.get("/organisations/kvk:1/overview", headers=assertion(viewer)),
            ]


def test_the_dependency_allows_refuses_and_explains(service: Service, toegang: Client) -> None:
    world, position = build_world(toegang)
    caught_up = toegang.check(
        world.platform, world.employer_login, world.employer, "view", min_position=position
    )
    assert caught_up.allowed  # the portal's checks, which pass no position, see this world
    allowed, anonymous, garbled, view_only, in_english, stranger, bad = asyncio.run(
        visit(service, world)
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json() == {"organisation": world.employer, "rights": "edit", "via": "own"}
    assert anonymous.status_code == garbled.status_code == 401
    assert view_only.status_code == 403
    refusal = view_only.json()["detail"]
    assert [reason["code"] for reason in refusal["reasons"]] == ["rights_insufficient"]
    assert refusal["allowed"] is False and refusal["remedies"] == [refusal["reasons"][0]["remedy"]]
    english = in_english.json()["detail"]["reasons"][0]
    assert english["code"] == "rights_insufficient"
    assert english["message"] != refusal["reasons"][0]["message"]
    assert stranger.status_code == 403
    assert stranger.json()["detail"]["reasons"][0]["code"] == "no_grant"
    assert bad.status_code == 422 and bad.json()["detail"]["code"] == "invalid_identifier"
