"""The access-change feed over HTTP, on both stores: each change of what a subject may do on
an organisation's portal, with its rights before and after and its cause, in log order; a
rebuild of the views tells the same changes with the same ids."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx

from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.projections.rebuild import rebuild_view
from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.integration import credential_support as cred
from tests.support import actor

Told = tuple[str, str, str | None, str | None, str]


def feed(client: httpx.Client, platform: str, position: int, **query: Any) -> list[dict[str, Any]]:
    """Every change on the platform once the view has reached `position` (pages of 2)."""
    api.read(client, f"/v1/platforms/{platform}/organisations/kvk:00000000/grants", position)
    changes: list[dict[str, Any]] = []
    after = 0
    while True:
        page = api.ok(
            client.get(
                f"/v1/platforms/{platform}/access/changes",
                params={"after": after, "limit": 2, **query},
                headers=api.READER,
            )
        )
        changes += page["changes"]
        if not page["changes"]:
            return changes
        after = page["next_after"]


def told(changes: list[dict[str, Any]]) -> list[Told]:
    return [
        (
            c["organisation"],
            c["subject"]["id"],
            c["rights_before"],
            c["rights_after"],
            c["cause"]["type"].split(".")[-2],
        )
        for c in changes
    ]


def test_a_grant_is_told_when_confirmed_raised_and_revoked(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, _, _ = access.advisor_granted(stack, client)
    answer = client.patch(
        f"/v1/grants/{grant_id}",
        json={"rights": "edit", "actor": actor(world.employer)},
        headers=api.WRITER,
    )
    assert answer.status_code == 200, answer.text
    position = access.revoked(client, world, grant_id)
    changes = feed(client, world.platform, position)
    assert told(changes) == [
        (world.employer, world.advisor, None, "view", "confirmed"),
        (world.employer, world.advisor, "view", "edit", "rights_changed"),
        (world.employer, world.advisor, "edit", None, "revoked"),
    ]
    assert [c["seq"] for c in changes] == sorted(c["seq"] for c in changes)
    assert {c["subject"]["kind"] for c in changes} == {"organisation"}
    assert changes[-1]["cause"]["position"] == position


def test_a_licence_withdrawal_tells_each_of_its_three_grants_once(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = access.world_at(client)
    employers = [
        world.employer,
        access.new_employer(client, world),
        access.new_employer(client, world),
    ]
    for employer in employers:
        access.active_grant(stack, client, world, world.advisor, grantor=employer)
    withdrawn = client.delete(
        f"/v1/platforms/{world.platform}/advisors/{world.advisor}", headers=api.ADMIN
    )
    assert withdrawn.status_code == 200, withdrawn.text
    position = withdrawn.json()["position"]
    ended = [c for c in feed(client, world.platform, position) if c["rights_after"] is None]
    assert sorted(told(ended)) == sorted(
        (employer, world.advisor, "view", None, "licence_withdrawn") for employer in employers
    )
    assert {c["cause"]["position"] for c in ended} == {position}
    only = feed(client, world.platform, position, organisation=employers[1])
    assert [c["organisation"] for c in only] == [employers[1], employers[1]]


def test_a_new_agreement_ends_every_user_and_a_rebuild_tells_the_same(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client)
    users = [cred.add_user(client, site, cred.fiche())["user_id"] for _ in range(2)]
    position = cred.sign(client, site, cred.unique("EXT"), cred.address("pensioen"))["position"]
    changes = feed(client, site.platform, position)
    ended = {c["subject"]["id"] for c in changes if c["cause"]["type"].endswith("superseded.v1")}
    assert ended == {*users, site.master_id}
    assert all(c["route"] == "user" and c["rights_after"] is None for c in changes[-3:])

    log, database = open_event_log(stack.settings), ViewDatabase(stack.settings)
    try:
        rebuild_view(log, database, lambda at, top: None, batch_size=50)
    finally:
        log.close()
        database.close()
    assert feed(client, site.platform, position) == changes


def test_an_expiry_by_the_sweeper_and_an_erasure_are_told_with_their_events(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client)
    ends = stack.clock().date() + timedelta(days=3)
    consultant = cred.add_user(
        client,
        site,
        cred.fiche(external=True, assignment="Audit", valid_until=ends, rights="edit"),
    )["user_id"]
    erased = cred.add_user(client, site, cred.fiche())["user_id"]
    stack.clock.advance(timedelta(days=5))
    try:
        cred.sweep_until_expired(stack, consultant)
    finally:
        stack.clock.advance(timedelta(days=-5))
    stack.app.privacy.forget_data_subject(erased, {"method": "service", "client": "test"})
    changes = feed(client, site.platform, api.head(client))
    ended = {c["subject"]["id"]: c for c in changes if c["rights_after"] is None}
    assert told([ended[consultant]]) == [(site.organisation, consultant, "edit", None, "expired")]
    assert told([ended[erased]]) == [(site.organisation, erased, "view", None, "revoked")]
    assert "name" not in str(changes) and "@" not in str(changes)  # numbers and ids only


def test_a_waiting_read_answers_as_soon_as_a_change_is_told(
    stack: Stack, client: httpx.Client
) -> None:
    world, grant_id, position, _ = access.advisor_granted(stack, client)
    last = feed(client, world.platform, position)[-1]["seq"]

    def waiting() -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as http:
            return http.get(
                f"/v1/platforms/{world.platform}/access/changes",
                params={"after": last, "wait": 20},
                headers=api.READER,
            )

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(waiting)
        time.sleep(0.3)
        assert not pending.done()
        started = time.monotonic()
        access.revoked(client, world, grant_id)
        answer = pending.result(timeout=20)
    assert time.monotonic() - started < 10
    assert told(api.ok(answer)["changes"]) == [
        (world.employer, world.advisor, "view", None, "revoked")
    ]
    unknown = client.get("/v1/platforms/no-such-platform/access/changes", headers=api.READER)
    api.problem(unknown, 404, "not_found")
    for bad in ({"after": -1}, {"limit": 0}, {"wait": 31}, {"organisation": "kvk:1"}):
        answer = client.get(
            f"/v1/platforms/{world.platform}/access/changes", params=bad, headers=api.READER
        )
        assert answer.status_code == 422, (bad, answer.text)
