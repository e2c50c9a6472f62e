"""Retries: `view_not_caught_up` and `store_unavailable` are retried with a doubling wait, at
least the answer's `Retry-After`, up to `retries` times; then their exception is raised."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import httpx
import pytest
import toegang_client.async_client
import toegang_client.client
from client_support import Recording, Service, build_world
from toegang_client import AsyncClient, Client, errors
from toegang_client._core import retry_after


def test_a_position_no_write_answered_is_refused_not_retried(
    service: Service, toegang: Client
) -> None:
    """The service waits (bounded) for the position, then refuses one the log never reached
    as the client's mistake: InvalidRequest naming min_position, sent once, never retried."""
    world, position = build_world(toegang)
    ahead, login = position + 1_000_000, world.employer_login
    recording = Recording()
    with (
        service.client(retries=2, backoff=0.05, transport=recording) as patient,
        pytest.raises(errors.InvalidRequest) as raised,
    ):
        patient.check(world.platform, login, world.employer, "view", min_position=ahead)
    assert [status for _, status in recording.sent] == [422]
    assert raised.value.errors[0]["location"] == ["body", "min_position"]
    assert raised.value.position is not None and position <= raised.value.position < ahead


def test_reads_carry_the_last_write_with_read_your_writes(service: Service) -> None:
    recording = Recording()
    with service.client(read_your_writes=True, transport=recording) as toegang:
        world, position = build_world(toegang)
        assert toegang.position == position
        toegang.check(world.platform, world.employer_login, world.employer, "view")
        toegang.organisation_grants(world.platform, world.employer)
        toegang.check(world.platform, world.employer_login, world.employer, "view", min_position=1)
    check, listing, explicit = (request for request, _ in recording.sent[-3:])
    assert json.loads(check.content)["min_position"] == position
    assert listing.url.params["min_position"] == str(position)
    assert json.loads(explicit.content)["min_position"] == 1


def scripted(*answers: httpx.Response) -> tuple[Client, list[httpx.Request]]:
    """A client whose transport answers `answers` in turn, and the requests it got."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answers[len(sent) - 1]

    client = Client("http://toegang.test", "t", retries=3, transport=httpx.MockTransport(answer))
    return client, sent


def unavailable(code: str, retry_after: str | None = None) -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return httpx.Response(503, json={"code": code, "status": 503}, headers=headers)


VERIFIED = {"ok": True, "events": 1, "head": {"position": 1, "digest": "d"}, "problems": []}


def test_waits_double_and_honour_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(toegang_client.client, "time", SimpleNamespace(sleep=waits.append))
    client, sent = scripted(
        unavailable("store_unavailable"),
        unavailable("view_not_caught_up"),
        unavailable("store_unavailable", retry_after="3"),
        httpx.Response(200, json=VERIFIED),
    )
    assert client.verify().ok
    assert len(sent) == 4
    assert waits == [0.2, 0.4, 3.0]


def test_other_problems_are_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(toegang_client.client, "time", SimpleNamespace(sleep=lambda _: None))
    client, sent = scripted(unavailable("internal_error"), httpx.Response(200, json=VERIFIED))
    with pytest.raises(errors.InternalError):
        client.verify()
    assert len(sent) == 1


def test_retry_after_as_an_http_date() -> None:
    later = httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert retry_after(later) == 0.0  # in the past: no wait
    assert retry_after(httpx.Response(503, headers={"Retry-After": "soon"})) == 0.0
    assert retry_after(httpx.Response(503, headers={"Retry-After": "2"})) == 2.0


def test_the_async_client_retries_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(toegang_client.async_client, "asyncio", SimpleNamespace(sleep=sleep))
    answers = iter([unavailable("view_not_caught_up", retry_after="1"), unavailable("x")])

    async def ask() -> None:
        transport = httpx.MockTransport(lambda _: next(answers))
        async with AsyncClient("http://toegang.test", retries=1, transport=transport) as client:
            with pytest.raises(errors.ToegangError) as raised:
                await client.verify()
        assert raised.value.code == "x" and type(raised.value) is errors.ToegangError

    asyncio.run(ask())
    assert waits == [1.0]
