"""The async client on route B: the same calls, awaited."""

from __future__ import annotations

import asyncio

import pytest
from client_support import Service, build_world
from toegang_client import AsyncClient, Client, errors

from tests.mailbox import mailed_token


def test_route_b_with_the_async_client(service: Service, toegang: Client) -> None:
    world, _ = build_world(toegang)

    async def flow() -> None:
        async with AsyncClient(service.url, service.token, read_your_writes=True) as client:
            asked = await client.request_grant(
                world.platform, world.employer_login, world.employer, world.advisor, "edit"
            )
            token = await asyncio.to_thread(mailed_token, service.outbox, asked.grant_id)
            confirmed = await client.confirm_grant(token)
            viewing, editing = await asyncio.gather(
                client.check(world.platform, world.advisor_login, world.employer, "view"),
                client.check(world.platform, world.advisor_login, world.employer, "edit"),
            )
            assert viewing.allowed and editing.allowed and editing.via == "grant"
            assert min(viewing.position, editing.position) >= confirmed.position
            revoked = await client.revoke_grant(asked.grant_id, world.employer_login, "einde")
            denied = await client.check(world.platform, world.advisor_login, world.employer, "view")
            assert denied.codes[0] == "grant_revoked" and client.position == revoked.position
            with pytest.raises(errors.ConfirmationUsed):
                await client.confirm_grant(token)

    asyncio.run(flow())
