"""Helpers of the client's tests: the running service, random worlds set up through the
client's admin writes, mail read from the outbox, a transport that records requests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from toegang_client import Client

from tests.mailbox import read_mail
from tests.support import (
    ADVISOR_SERVICE,
    EDIT_SERVICE,
    VIEW_SERVICE,
    actor,
    random_kbo,
    random_kvk,
    random_slug,
    wait_until,
)

CODE = re.compile(r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}\b")
SERVICES: dict[str, Any] = {
    VIEW_SERVICE: "employer_view",
    EDIT_SERVICE: "employer_edit",
    ADVISOR_SERVICE: "advisor",
}


@dataclass(frozen=True)
class Service:
    """A running `toegang serve`: its backend, URL, admin token and mail outbox."""

    backend: str
    url: str
    token: str
    outbox: Path

    def client(self, **options: Any) -> Client:
        """A client with the admin token (all scopes)."""
        return Client(self.url, self.token, **options)


@dataclass(frozen=True)
class World:
    """A platform with an employer (holding a contract), its group company and an advisor."""

    platform: str = field(default_factory=random_slug)
    employer: str = field(default_factory=random_kvk)
    group: str = field(default_factory=random_kbo)
    advisor: str = field(default_factory=random_kvk)

    @property
    def employer_login(self) -> dict[str, Any]:
        """A person of the employer with the edit service, at LoA 3."""
        return actor(self.employer)

    @property
    def advisor_login(self) -> dict[str, Any]:
        """A person of the advisor with the advisor service."""
        return actor(self.advisor, service=ADVISOR_SERVICE)


def build_world(client: Client) -> tuple[World, int]:
    """Register a fresh world with the admin writes; the world and the last write's position."""
    world = World()
    client.put_platform(
        world.platform, name="Testportaal", login=["eherkenning"], services=SERVICES
    )
    for ref in (world.employer, world.group, world.advisor):
        client.put_organisation(
            ref, name=f"Organisatie {ref}", contact_email=f"c-{ref[4:]}@example.org"
        )
    client.put_contract(
        world.platform,
        f"PC-{world.employer[4:]}",
        holder=world.employer,
        name="Regeling",
        covered=[world.group],
    )
    written = client.register_advisor(world.platform, world.advisor, licence="AFM-1")
    assert written.platform == world.platform and written.organisation == world.advisor
    return world, written.position


def access_code(outbox: Path, user_id: str) -> str:
    """The activation code in the newest access-code mail of a platform user."""
    paths = wait_until(lambda: sorted(outbox.glob(f"access-code-{user_id}-*.eml")))
    body = read_mail(paths[-1]).get_body(preferencelist=("plain",))
    assert body is not None
    found = CODE.search(body.get_content())
    assert found, "no access code in the mail"
    return found.group(0)


class Recording(httpx.BaseTransport):
    """httpx's transport, recording each request sent and the status answered."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.sent: list[tuple[httpx.Request, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        self.sent.append((request, response.status_code))
        return response

    def close(self) -> None:
        self.inner.close()
