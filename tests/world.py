"""Build a random world of platform, organisations, contract and advisor, directly or over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.projections.sweeper import ExpirySweeper
from services.settings import Settings
from tests.client import WRITER as WRITER
from tests.client import put
from tests.support import World, platform_settings, wait_until

# The events of a grant request, and of a grant requested, confirmed, changed and revoked.
REQUESTED = ["GrantRequested", "GrantConfirmationIssued"]
REQUESTED_TO_REVOKED = [
    "GrantOpened",
    *REQUESTED,
    "GrantConfirmed",
    "GrantRightsChanged",
    "GrantRevoked",
]


def build_world(app: ToegangApplication, chain: str = "sufficient") -> World:
    """Register a fresh world through the application's use cases."""
    world = World()
    app.reference.configure_platform(world.platform, platform_settings(chain), "test")
    for ref, name in (
        (world.employer, "Werkgever"),
        (world.group, "Groepsmaatschappij"),
        (world.advisor, "Adviseur"),
        (world.stranger, "Vreemde"),
    ):
        app.reference.register_organisation(
            ref, f"{name} {ref}", f"contact-{ref[4:]}@example.org", "test"
        )
    app.reference.register_contract(
        world.platform, world.contract, world.employer, [world.group], "C", "test"
    )
    app.reference.register_advisor(world.platform, world.advisor, "AFM-1", "test")
    return world


def build_world_http(client: httpx.Client, chain: str = "sufficient") -> World:
    """Register a fresh world through the admin endpoints."""
    world = World()
    put(client, f"/v1/platforms/{world.platform}", platform_settings(chain))
    for ref in (world.employer, world.group, world.advisor, world.stranger):
        put(
            client,
            f"/v1/organisations/{ref}",
            {"name": f"Organisatie {ref}", "contact_email": f"contact-{ref[4:]}@example.org"},
        )
    put(
        client,
        f"/v1/platforms/{world.platform}/contracts/{world.contract}",
        {"holder": world.employer, "covered": [world.group], "name": "Pensioencontract"},
    )
    put(client, f"/v1/platforms/{world.platform}/advisors/{world.advisor}", {"licence": "AFM-1"})
    return world


def request_grant(
    client: httpx.Client,
    world: World,
    grantee: str | None = None,
    rights: str = "view",
    **actor_overrides: Any,
) -> httpx.Response:
    return client.post(
        f"/v1/platforms/{world.platform}/grants",
        json={
            "grantor": world.employer,
            "grantee": grantee or world.advisor,
            "rights": rights,
            "actor": world.employer_actor(**actor_overrides),
        },
        headers=WRITER,
    )


def sweep_until(app: ToegangApplication, settings: Settings, done: Callable[[], bool]) -> None:
    """Run the sweeper (as the service does) until `done`: it reads the view tables, which
    follow the log a moment later."""
    database = ViewDatabase(settings)
    try:
        wait_until(lambda: ExpirySweeper(app, database).sweep() >= 0 and done())
    finally:
        database.close()
