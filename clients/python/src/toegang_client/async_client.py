"""The asynchronous client (asyncio): the same methods as `Client`, awaited."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, TypeVar

import httpx

from toegang_client._bind import asynchronous
from toegang_client._call import Call
from toegang_client._shared import Shared
from toegang_client.ops import access, admin, audit, grants, users

T = TypeVar("T")


class AsyncClient(Shared[httpx.AsyncClient]):
    __doc__ = Shared.__doc__

    def open(self, **options: Any) -> httpx.AsyncClient:
        """The `httpx.AsyncClient` the calls go through."""
        return httpx.AsyncClient(**options)

    async def run(self, call: Call[T]) -> T:
        """Send a call (retrying as configured) and answer its model, or raise its problem."""
        attempt = 0
        while True:
            response = await self.http.request(**self.core.request(call))
            delay = self.core.retry_delay(response, attempt)
            if delay is None:
                return self.core.outcome(call, response)
            await asyncio.sleep(delay)
            attempt += 1

    async def aclose(self) -> None:
        """Close the connections."""
        await self.http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    check = asynchronous(access.check)
    check_batch = asynchronous(access.check_batch)
    portals = asynchronous(access.portals)
    advisor_clients = asynchronous(access.advisor_clients)
    organisation_grants = asynchronous(access.organisation_grants)
    access_changes = asynchronous(access.access_changes)
    request_grant = asynchronous(grants.request_grant)
    confirm_grant = asynchronous(grants.confirm_grant)
    change_rights = asynchronous(grants.change_rights)
    revoke_grant = asynchronous(grants.revoke_grant)
    get_grant = asynchronous(grants.get_grant)
    put_platform = asynchronous(admin.put_platform)
    put_organisation = asynchronous(admin.put_organisation)
    put_contract = asynchronous(admin.put_contract)
    register_advisor = asynchronous(admin.register_advisor)
    withdraw_licence = asynchronous(admin.withdraw_licence)
    announce = asynchronous(admin.announce)
    publish_document = asynchronous(admin.publish_document)
    put_agreement = asynchronous(users.put_agreement)
    put_master_user = asynchronous(users.put_master_user)
    create_user = asynchronous(users.create_user)
    replace_user = asynchronous(users.replace_user)
    revoke_user = asynchronous(users.revoke_user)
    new_access_code = asynchronous(users.new_access_code)
    list_users = asynchronous(users.list_users)
    activate_code = asynchronous(users.activate_code)
    history = asynchronous(audit.history)
    access_at = asynchronous(audit.access_at)
    verify = asynchronous(audit.verify)
