"""The audit trail over HTTP (SQLite and PostgreSQL): history order, filters, paging, actor
routes, exports, access at an instant, bad input and scopes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred
from tests.integration.access_support import active_grant, requested, revoked, world_at
from tests.support import World
from tests.world import REQUESTED_TO_REVOKED, build_world_http, request_grant

KVK = "kvk:12345678"


def history(client: httpx.Client, **params: Any) -> dict[str, Any]:
    answer = client.get("/v1/audit/history", params=params, headers=api.AUDITOR)
    assert answer.status_code == 200, answer.text
    page: dict[str, Any] = answer.json()
    return page


def caught_up(client: httpx.Client, position: int) -> None:
    """Wait for the audit view to reach `position` (through `min_position`)."""
    history(client, min_position=position, limit=1)


def grant_story(stack: Stack, client: httpx.Client) -> tuple[World, str]:
    """A world with one grant confirmed, changed and revoked, and one left pending."""
    world, _ = world_at(client)
    grant_id, _ = active_grant(stack, client, world, world.advisor, "view")
    changed = client.patch(
        f"/v1/grants/{grant_id}",
        json={"rights": "edit", "actor": world.employer_actor()},
        headers={"Authorization": "Bearer writer-token"},
    )
    assert changed.status_code == 200, changed.text
    requested(client, world, world.group, "view")
    caught_up(client, revoked(client, world, grant_id))
    return world, grant_id


def test_history_is_in_log_order_and_pages_cover_it_once(
    stack: Stack, client: httpx.Client
) -> None:
    world, _ = grant_story(stack, client)
    whole = history(client, organisation=world.employer, limit=1000)["entries"]
    positions = [e["position"] for e in whole]
    assert positions == sorted(set(positions)) and len(positions) >= 8
    paged: list[int] = []
    after = 0
    while True:
        page = history(client, organisation=world.employer, limit=3, after=after)
        paged += [e["position"] for e in page["entries"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert paged == positions
    for entry in whole:
        assert set(entry) == {"position", "time", "type", "aggregate_id", "actor", "data"}
        assert entry["time"].endswith("Z")


def test_filters_by_role_grant_platform_and_time(stack: Stack, client: httpx.Client) -> None:
    world, grant_id = grant_story(stack, client)
    of_grant = history(client, grant=grant_id)["entries"]
    assert not [e for e in of_grant if e["type"].startswith("Advisor")]  # one stream written
    assert [e["type"] for e in of_grant if e["type"].startswith("Grant")] == REQUESTED_TO_REVOKED
    as_grantee = history(client, organisation=world.advisor)["entries"]
    assert {e["aggregate_id"] for e in of_grant} <= {e["aggregate_id"] for e in as_grantee}
    as_stranger = history(client, organisation=world.stranger)["entries"]
    assert all(e["aggregate_id"] not in {x["aggregate_id"] for x in of_grant} for e in as_stranger)
    on_platform = history(client, platform=world.platform, limit=1000)["entries"]
    assert {e["position"] for e in of_grant} <= {e["position"] for e in on_platform}
    middle = of_grant[2]["time"]
    later = history(client, grant=grant_id, **{"from": middle})["entries"]
    earlier = history(client, grant=grant_id, to=middle)["entries"]
    assert later[0]["time"] >= middle and earlier[-1]["time"] <= middle
    assert {e["position"] for e in later} | {e["position"] for e in earlier} == {
        e["position"] for e in of_grant
    }


def test_actor_routes_say_who_acted_and_how(stack: Stack, client: httpx.Client) -> None:
    world, grant_id = grant_story(stack, client)
    routes = {e["type"]: e["actor"]["route"] for e in history(client, grant=grant_id)["entries"]}
    assert routes["GrantRequested"] == "own"
    registered = history(client, organisation=world.stranger)["entries"][0]
    assert registered["actor"]["route"] == "staff"
    assert routes["GrantConfirmed"] == "confirmation_link"


def test_exports_hold_the_same_entries_as_json(stack: Stack, client: httpx.Client) -> None:
    world, _ = grant_story(stack, client)
    entries = history(client, organisation=world.employer, limit=1000)["entries"]
    params = {"organisation": world.employer, "format": "csv"}
    as_csv = client.get("/v1/audit/history", params=params, headers=api.AUDITOR)
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [int(r["position"]) for r in rows] == [e["position"] for e in entries]
    assert [json.loads(r["data"]) for r in rows] == [e["data"] for e in entries]
    params["format"] = "jsonl"
    as_lines = client.get("/v1/audit/history", params=params, headers=api.AUDITOR)
    assert [json.loads(line) for line in as_lines.text.splitlines()] == entries


def test_access_at_an_instant_follows_the_grant(stack: Stack, client: httpx.Client) -> None:
    world = build_world_http(client)
    grant_id, confirmed = active_grant(stack, client, world, world.advisor, "view")
    caught_up(client, confirmed)
    active = history(client, grant=grant_id, limit=10)["entries"][-1]["time"]
    ended = revoked(client, world, grant_id)
    caught_up(client, ended)
    revoked_at = history(client, grant=grant_id)["entries"][-1]["time"]

    def holders(at: str) -> list[dict[str, Any]]:
        params = {"platform": world.platform, "organisation": world.employer, "at": at}
        answer = client.get("/v1/audit/access", params=params, headers=api.AUDITOR)
        assert answer.status_code == 200, answer.text
        rows: list[dict[str, Any]] = answer.json()["access"]
        return rows

    during = holders(active)
    assert [(r["holder"], r["rights"], r["kind"]) for r in during] == [
        (world.advisor, "view", "grant")
    ]
    assert during[0]["approved_by"]["method"] == "confirmation_link"
    assert holders(revoked_at) == []
    before = datetime.fromisoformat(active.replace("Z", "+00:00")) - timedelta(days=1)
    assert holders(before.isoformat()) == []


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("history", {"from": "2026-03-02T00:00Z", "to": "2026-03-01T00:00Z"}, "invalid_request"),
        ("history", {"from": "gisteren"}, "invalid_request"),
        ("history", {"organisation": "kvk:123"}, "invalid_identifier"),
        ("history", {"limit": 0}, "invalid_request"),
        ("history", {"format": "xml"}, "invalid_request"),
        ("access", {"platform": "p", "organisation": KVK}, "invalid_request"),
        ("access", {"platform": "p", "organisation": "kvk:1", "at": "2026-01-01"}, "invalid_identifier"),  # noqa: E501
        ("access", {"platform": "p", "organisation": KVK, "at": "nu"}, "invalid_request"),
        ("history", {"to": "0.5"}, "invalid_request"),  # seconds are no ISO 8601 instant
        ("access", {"platform": "p", "organisation": KVK, "at": "1764590400"}, "invalid_request"),
        ("access", {"platform": "Geen Portaal", "organisation": KVK, "at": "2026-01-01"}, "invalid_identifier"),  # noqa: E501
    ],
)  # fmt: skip
def test_bad_input_is_a_problem(
    client: httpx.Client, path: str, params: dict[str, Any], code: str
) -> None:
    answer = client.get(f"/v1/audit/{path}", params=params, headers=api.AUDITOR)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code


def test_only_the_audit_scope_reads_the_trail(client: httpx.Client) -> None:
    at = datetime.now(UTC).isoformat()
    access = {"platform": "p", "organisation": KVK, "at": at}
    for path, params in (("history", {}), ("access", access), ("verify", {})):
        url = f"/v1/audit/{path}"
        assert client.get(url, params=params).status_code == 401
        for token in ("reader-token", "writer-token", "users-token"):
            answer = client.get(url, params=params, headers={"Authorization": f"Bearer {token}"})
            assert answer.status_code == 403, (path, token)
            assert answer.json()["code"] == "insufficient_scope"
        assert client.get(url, params=params, headers=api.AUDITOR).status_code == 200


def test_the_audit_scope_reads_nothing_else_and_writes_nothing(
    stack: Stack, client: httpx.Client
) -> None:
    world, position = world_at(client)
    before = stack.app.position()
    body = {"name": "X", "contact_email": "x@example.org"}
    url = f"/v1/organisations/{world.employer}"
    assert client.put(url, json=body, headers=api.AUDITOR).status_code == 403
    check = {"actor": world.employer_actor(), "organisation": world.employer, "action": "view"}
    url = f"/v1/platforms/{world.platform}/access/check"
    assert client.post(url, json=check, headers=api.AUDITOR).status_code == 403
    url = f"/v1/platforms/{world.platform}/organisations/{world.employer}/grants"
    assert client.get(url, headers=api.AUDITOR).status_code == 403
    assert stack.app.position() == before == position


def test_chain_and_master_user_routes(stack: Stack, client: httpx.Client) -> None:
    world = build_world_http(client, chain="sufficient")
    answer = request_grant(client, world, intermediary=world.advisor)
    assert answer.status_code == 202, answer.text
    caught_up(client, answer.json()["position"])
    entries = history(client, grant=answer.json()["grant_id"])["entries"]
    requested_by = next(e for e in entries if e["type"] == "GrantRequested")["actor"]
    assert requested_by["route"] == "chain"
    assert requested_by["intermediary"] == world.advisor
    assert world.advisor in requested_by["label"] and world.employer in requested_by["label"]

    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    caught_up(client, user["position"])
    granted = next(
        e for e in history(client, user=user["user_id"])["entries"]
        if e["type"] == "PlatformUserGranted"
    )  # fmt: skip
    assert granted["actor"]["route"] == "master_user"
    assert granted["actor"]["user_id"] == site.master_id
