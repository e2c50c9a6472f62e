"""The synchronous client."""

from __future__ import annotations

import time
from types import TracebackType
from typing import Any, TypeVar

import httpx

from toegang_client._bind import sync
from toegang_client._call import Call
from toegang_client._shared import Shared
from toegang_client.ops import access, admin, audit, grants, users

T = TypeVar("T")


class Client(Shared[httpx.Client]):
    __doc__ = Shared.__doc__

    def open(self, **options: Any) -> httpx.Client:
        """The `httpx.Client` the calls go through."""
        return httpx.Client(**options)

    def run(self, call: Call[T]) -> T:
        """Send a call (retrying as configured) and answer its model, or raise its problem."""
        attempt = 0
        while True:
            response = self.http.request(**self.core.request(call))
            delay = self.core.retry_delay(response, attempt)
            if delay is None:
                return self.core.outcome(call, response)
            time.sleep(delay)
            attempt += 1

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    check = sync(access.check)
    check_batch = sync(access.check_batch)
    portals = sync(access.portals)
    advisor_clients = sync(access.advisor_clients)
    organisation_grants = sync(access.organisation_grants)
    access_changes = sync(access.access_changes)
    request_grant = sync(grants.request_grant)
    confirm_grant = sync(grants.confirm_grant)
    change_rights = sync(grants.change_rights)
    revoke_grant = sync(grants.revoke_grant)
    get_grant = sync(grants.get_grant)
    put_platform = sync(admin.put_platform)
    put_organisation = sync(admin.put_organisation)
    put_contract = sync(admin.put_contract)
    register_advisor = sync(admin.register_advisor)
    withdraw_licence = sync(admin.withdraw_licence)
    announce = sync(admin.announce)
    publish_document = sync(admin.publish_document)
    put_agreement = sync(users.put_agreement)
    put_master_user = sync(users.put_master_user)
    create_user = sync(users.create_user)
    replace_user = sync(users.replace_user)
    revoke_user = sync(users.revoke_user)
    new_access_code = sync(users.new_access_code)
    list_users = sync(users.list_users)
    activate_code = sync(users.activate_code)
    history = sync(audit.history)
    access_at = sync(audit.access_at)
    verify = sync(audit.verify)
