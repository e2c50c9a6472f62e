"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores:
read-your-writes through `min_position`.

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import World

# ---------------------------------------------------------------- 5. read-your-writes


def test_a_check_after_a_revoke_with_its_position_is_always_denied(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = access.world_at(client)
    login = access.advisor_login(world)
    grant_id = ""
    for round_ in range(5):
        grant_id, _ = access.requested(client, world, world.advisor, "edit")
        position = access.confirmed(stack, client, grant_id, mails=round_ + 1)
        api.allowed(
            api.check(client, world.platform, login, world.employer, "edit", min_position=position),
            "edit",
            "grant",
        )
        position = access.revoked(client, world, grant_id)
        api.denied(
            api.check(client, world.platform, login, world.employer, "view", min_position=position),
            ["grant_revoked"],
        )
        access.portals_refused(client, world.platform, login, "organisation_unknown", position)


def reads_at(world: World, min_position: int) -> list[tuple[str, str, Any, str]]:
    """The four view reads at `min_position` (method, path, body, where the position is)."""
    advisor = access.advisor_login(world)
    prefix = f"/v1/platforms/{world.platform}"
    check = {"actor": advisor, "organisation": world.employer, "action": "view"}
    return [
        ("POST", f"{prefix}/access/check", {**check, "min_position": min_position}, "body"),
        (
            "POST",
            f"{prefix}/access/portals",
            {"actor": advisor, "min_position": min_position},
            "body",
        ),
        (
            "GET",
            f"{prefix}/organisations/{world.employer}/grants?min_position={min_position}",
            None,
            "query",
        ),
        (
            "GET",
            f"{prefix}/advisors/{world.advisor}/clients?min_position={min_position}",
            None,
            "query",
        ),
    ]


def send_all(client: httpx.Client, reads: list[tuple[str, str, Any, str]]) -> list[httpx.Response]:
    """The reads at once: one bounded wait (2 s by default) for them all."""

    def send(read: tuple[str, str, Any, str]) -> httpx.Response:
        method, path, body, _ = read
        with httpx.Client(base_url=str(client.base_url), timeout=30) as http:
            return http.request(method, path, json=body, headers=api.READER)

    with ThreadPoolExecutor(len(reads)) as pool:
        return list(pool.map(send, reads))


def test_a_position_the_log_never_reached_is_422_naming_min_position(client: httpx.Client) -> None:
    """No write answered such a position: after the bounded wait the read is refused as the
    client's mistake (not a 503 to retry for ever), with the log's head."""
    world, position = access.world_at(client)
    reads = reads_at(world, access.FAR_AHEAD)
    for (_, _, _, where), answer in zip(reads, send_all(client, reads), strict=True):
        body = api.problem(answer, 422, "invalid_request")
        assert body["errors"][0]["location"] == [where, "min_position"], body
        assert position <= body["position"] < access.FAR_AHEAD


def test_a_view_behind_a_position_the_log_has_is_503_to_retry(
    stack: Stack, client: httpx.Client
) -> None:
    """The view is held still (its lock taken) while a write commits: reads at the write's
    position wait, then answer 503 view_not_caught_up with Retry-After and the view's place."""
    world, _ = access.world_at(client)
    with stack.projection.lock:
        renamed = {"name": "Adviseur hernoemd", "contact_email": "adv@example.org"}
        written = api.put(client, f"/v1/organisations/{world.advisor}", renamed)
        answers = send_all(client, reads_at(world, written["position"]))
    for answer in answers:
        body = api.problem(answer, 503, "view_not_caught_up")
        assert answer.headers["retry-after"] == "1"
        assert body["position"] < written["position"]


def test_a_check_waits_for_a_position_that_arrives_meanwhile(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, position, login = access.advisor_granted(stack, client)
    upcoming = api.head(client) + 1

    def waiting_check() -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as http:
            return api.check_response(
                http, world.platform, login, world.employer, min_position=upcoming
            )

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(waiting_check)
        time.sleep(0.3)
        assert not pending.done()
        position = access.revoked(client, world, grant_id)
        answer = pending.result(timeout=10)
    assert position >= upcoming
    assert answer.status_code == 200, answer.text
    api.denied(answer.json(), ["grant_revoked"])
    assert answer.json()["position"] >= upcoming


def test_listings_accept_min_position(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    _, position = access.active_grant(stack, client, world, world.advisor)
    prefix = f"/v1/platforms/{world.platform}"
    overview = api.read(client, f"{prefix}/organisations/{world.employer}/grants", position)
    assert overview["position"] >= position
    assert [g["status"] for g in overview["given"]] == ["active"]
    clients = api.read(client, f"{prefix}/advisors/{world.advisor}/clients", position)
    assert clients["position"] >= position
    assert [c["grantor"] for c in clients["clients"]] == [world.employer]
    for bad in ("-1", "x", str(2**62 + 1)):
        api.problem(
            client.get(
                f"/v1/platforms/{world.platform}/advisors/{world.advisor}/clients",
                params={"min_position": bad},
                headers=api.READER,
            ),
            422,
            "invalid_request",
        )
