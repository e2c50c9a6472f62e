"""Helpers of the confirmation page's tests (HTTP and browser): a requested grant and its
mailed token, on a platform of the wanted locale; the page's states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from tests.client import WRITER, put
from tests.conftest import Stack
from tests.mailbox import mailed_token
from tests.support import World, platform_settings
from tests.world import build_world_http, request_grant

TTL = timedelta(days=7)  # the stack's confirmation links run out after this (the default)


@dataclass
class Pending:
    """A requested grant: its world, id and the token mailed for it."""

    world: World
    grant_id: str
    token: str


def pending_grant(
    stack: Stack, client: httpx.Client, locale: str = "nl", valid_until: date | None = None
) -> Pending:
    """A fresh world on a platform speaking `locale`, with a grant requested: view rights,
    or edit rights until `valid_until` if given."""
    world = build_world_http(client)
    if locale != "nl":
        put(client, f"/v1/platforms/{world.platform}", {**platform_settings(), "locale": locale})
    if valid_until is None:
        answer = request_grant(client, world)
    else:
        body: dict[str, Any] = {"grantor": world.employer, "grantee": world.advisor}
        body |= {"rights": "edit", "actor": world.employer_actor()}
        body["valid_until"] = valid_until.isoformat()
        answer = client.post(f"/v1/platforms/{world.platform}/grants", json=body, headers=WRITER)
    assert answer.status_code == 202, answer.text
    grant_id = answer.json()["grant_id"]
    return Pending(world, grant_id, mailed_token(stack.settings.outbox_dir, grant_id))


def request_again(stack: Stack, client: httpx.Client, pending: Pending) -> str:
    """Let the request's link run out, request the grant again; the newer token."""
    stack.clock.advance(TTL + timedelta(minutes=1))
    answer = request_grant(client, pending.world)
    assert answer.status_code == 202, answer.text
    return mailed_token(stack.settings.outbox_dir, pending.grant_id, 2)


def forged(token: str) -> str:
    """A token for the same grant with another secret: never issued."""
    prefix, _, secret = token.partition(".")
    return f"{prefix}.{'A' if secret[0] != 'A' else 'B'}{secret[1:]}"


def status_of(client: httpx.Client, grant_id: str) -> str:
    status: str = client.get(f"/v1/grants/{grant_id}", headers=WRITER).json()["status"]
    return status
