"""The batch check over HTTP: every answer equals the single check's for the same question,
at one view position, in order; bad items answer in place, the batch never fails for one."""

from __future__ import annotations

from typing import Any

import httpx

from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.support import LOA2, World, random_kvk


def batch(client: httpx.Client, platform: str, checks: list[Any], **extra: Any) -> httpx.Response:
    return client.post(
        f"/v1/platforms/{platform}/access/check/batch",
        json={"checks": checks, **extra},
        headers=api.READER,
    )


def single(client: httpx.Client, platform: str, question: Any) -> httpx.Response:
    return client.post(f"/v1/platforms/{platform}/access/check", json=question, headers=api.READER)


def ask(who: dict[str, Any], organisation: str, action: str = "view") -> dict[str, Any]:
    return {"actor": who, "organisation": organisation, "action": action}


def questions(stack: Stack, client: httpx.Client, world: World) -> tuple[list[Any], int]:
    """One question for each answer a check can give, good and bad; and the head position."""
    access.active_grant(stack, client, world, world.advisor, "view")
    pending_employer, gone_employer = (
        access.new_employer(client, world),
        access.new_employer(client, world),
    )
    access.requested(client, world, world.advisor, grantor=pending_employer)
    gone, _ = access.active_grant(stack, client, world, world.advisor, grantor=gone_employer)
    position = access.revoked(client, world, gone, grantor=gone_employer)
    advisor = access.advisor_login(world)
    return [
        ask(advisor, world.employer),  # allowed
        ask(advisor, world.employer, "edit"),  # rights_insufficient@grant
        ask(advisor, pending_employer),  # grant_pending_confirmation
        ask(advisor, gone_employer),  # grant_revoked
        ask(advisor, world.group),  # no_grant
        ask(advisor, random_kvk()),  # no_grant, organisation_unknown (that organisation)
        ask(world.employer_actor(), world.employer, "edit"),  # own portal
        ask(world.employer_actor(loa=LOA2), world.employer),  # loa_too_low
        ask(access.chain_login(world), world.employer),  # chain
        ask({"method": "credentials", "user_id": "nobody"}, world.employer),
        ask(advisor, "kvk:1234"),  # invalid_identifier, in place
        {"actor": advisor, "organisation": world.employer},  # invalid_request: no action
        {**ask(advisor, world.employer), "extra": 1},  # invalid_request: unknown field
        "not an object",
    ], position


def test_every_answer_equals_the_single_check(stack: Stack, client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    asked, position = questions(stack, client, world)
    answer = batch(client, world.platform, asked, min_position=position)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["position"] >= position
    assert len(body["results"]) == len(asked)
    for question, result in zip(asked, body["results"], strict=True):
        alone = single(client, world.platform, question)
        if alone.status_code == 200:
            expected = {k: v for k, v in alone.json().items() if k != "position"}
            assert result == {**expected, "problem": None}, question
        else:  # the single check refuses the body: the batch names the same problem in place
            assert alone.headers["content-type"] == api.PROBLEM
            problem = result["problem"]
            assert (problem["code"], problem["status"]) == (alone.json()["code"], 422), question
            assert (result["allowed"], result["reasons"]) == (False, [])
    codes = [[r["code"] for r in result["reasons"]] for result in body["results"]]
    assert codes[:6] == [
        [],
        ["rights_insufficient"],
        ["grant_pending_confirmation"],
        ["grant_revoked"],
        ["no_grant"],
        ["no_grant", "organisation_unknown"],
    ]
    assert [r["problem"]["code"] for r in body["results"][10:]] == [
        "invalid_identifier",
        "invalid_request",
        "invalid_request",
        "invalid_request",
    ]


def test_a_batch_is_refused_whole_only_for_what_concerns_it_all(client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    one = {"actor": access.advisor_login(world), "organisation": world.employer, "action": "view"}
    for checks, status, code in (
        ([], 422, "invalid_request"),
        ([one] * 1001, 422, "invalid_request"),
    ):
        answer = batch(client, world.platform, checks)
        assert (answer.status_code, answer.json()["code"]) == (status, code)
    unknown = batch(client, "no-such-platform", [one])
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    ahead = batch(client, world.platform, [one], min_position=10**12)  # no write gave it
    assert (ahead.status_code, ahead.json()["code"]) == (422, "invalid_request")
    full = batch(client, world.platform, [one] * 1000)
    assert full.status_code == 200 and len(full.json()["results"]) == 1000
    anonymous = client.post(
        f"/v1/platforms/{world.platform}/access/check/batch", json={"checks": [one]}
    )
    assert anonymous.status_code == 401
    writer_only = client.post(
        f"/v1/platforms/{world.platform}/access/check/batch",
        json={"checks": [one]},
        headers={"Authorization": "Bearer writer-token"},
    )
    assert writer_only.status_code == 403
