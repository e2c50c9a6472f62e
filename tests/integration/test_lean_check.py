"""The lean check routes answer exactly as FastAPI's own handling of the same endpoints:
the same status, content type and body for good questions, bad bodies and bad callers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.bootstrap.app import REFUSALS
from services.http.auth import ScopedRoute, TokenRegistry
from services.http.lean import LeanRoute
from services.http.metrics import Metrics
from services.http.problem_handlers import install_problem_handlers
from services.projections import check_api
from tests import client as api
from tests.conftest import Stack
from tests.integration import access_support as access
from tests.integration.test_batch_check import questions
from tests.support import TOKENS, ServerThread, wait_until

CHECK = "/v1/platforms/{platform}/access/check"


@pytest.fixture
def generic(stack: Stack) -> Iterator[httpx.Client]:
    """The same check endpoints on the same view, routed and validated by FastAPI itself."""
    app = FastAPI()
    app.state.projection, app.state.clock = stack.projection, stack.clock
    app.state.token_registry, app.state.metrics = TokenRegistry(TOKENS), Metrics()
    app.state.locale = stack.settings.locale
    app.state.min_position_wait = stack.settings.min_position_wait
    install_problem_handlers(app, REFUSALS)
    for route in check_api.hot.routes:
        assert isinstance(route, LeanRoute)
        app.router.add_api_route(
            route.path,
            route.endpoint,
            methods=sorted(route.methods or ()),
            response_model=route.response_model,
            route_class_override=ScopedRoute,
        )
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def same_answer(lean: httpx.Client, generic: httpx.Client, path: str, **request: Any) -> None:
    ours, theirs = lean.post(path, **request), generic.post(path, **request)
    assert ours.status_code == theirs.status_code, (request, ours.text, theirs.text)
    assert ours.headers["content-type"] == theirs.headers["content-type"], request
    assert ours.json() == theirs.json(), request


def test_every_good_question_is_answered_as_fastapi_answers_it(
    stack: Stack, client: httpx.Client, generic: httpx.Client
) -> None:
    world, _ = access.world_at(client)
    asked, position = questions(stack, client, world)
    wait_until(lambda: stack.projection.position >= position)  # both answer at one position
    path = CHECK.format(platform=world.platform)
    for question in asked:
        same_answer(client, generic, path, json=question, headers=api.READER)
    batch = {"checks": asked}
    same_answer(client, generic, path + "/batch", json=batch, headers=api.READER)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{", "application/json"),
        (b'{"actor": ', "application/json"),
        (b"", "application/json"),
        (b"null", "application/json"),
        (b"[]", "application/json"),
        (b'"text"', "application/json"),
        (b'{"organisation": "kvk:12345678", "action": "view"}', "application/json"),
        (b'{"actor": {"method": "nope"}, "organisation": "x"}', "application/json"),
        (b'{"organisation": "kvk:12345678"}', "text/plain"),
        (b'{"organisation": "kvk:12345678"}', ""),
        (b'{"organisation": "kvk:12345678"}', "application/problem+json; charset=utf-8"),
    ],
)
def test_bad_bodies_get_the_same_problem(
    client: httpx.Client, generic: httpx.Client, content: bytes, content_type: str
) -> None:
    world, _ = access.world_at(client)
    path = CHECK.format(platform=world.platform)
    headers = {**api.READER, "Content-Type": content_type} if content_type else api.READER
    for target in (path, path + "/batch"):
        same_answer(client, generic, target, content=content, headers=headers)


def test_fields_callers_and_platforms_are_refused_alike(
    client: httpx.Client, generic: httpx.Client
) -> None:
    world, _ = access.world_at(client)
    good = {"actor": access.advisor_login(world), "organisation": world.employer, "action": "view"}
    path = CHECK.format(platform=world.platform)
    for body, headers, target in (
        ({**good, "organisation": "kvk:1234"}, api.READER, path),
        ({**good, "action": "delete"}, api.READER, path),
        ({**good, "extra": True}, api.READER, path),
        ({**good, "min_position": -1}, api.READER, path),
        ({**good, "min_position": 2**62}, api.READER, path),
        (good, {}, path),
        (good, {"Authorization": "Bearer nope"}, path),
        (good, {"Authorization": "Basic reader-token"}, path),
        (good, {"Authorization": "Bearer writer-token"}, path),
        (good, api.READER, CHECK.format(platform="no-such-platform")),
        ({"checks": [good], "min_position": 2**62}, api.READER, path + "/batch"),
        ({"checks": [good] * 1001}, api.READER, path + "/batch"),
        ({"checks": [good]}, {"Authorization": "Bearer writer-token"}, path + "/batch"),
    ):
        same_answer(client, generic, target, json=body, headers=headers)
