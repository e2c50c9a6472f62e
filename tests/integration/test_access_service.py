"""The access API (DESIGN §1, §4) through a real client against a real server, on both stores:
metrics, readiness and bad input.

Every test builds its own random world over HTTP and reads the views with the position of its
last write as `min_position`, so no test depends on another or on the projection's timing.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests import client as api
from tests.integration import access_support as access

# ---------------------------------------------------------------- 7. metrics and readiness


def test_metrics_and_readiness(client: httpx.Client) -> None:
    world, position = access.world_at(client)
    for _ in range(3):
        api.check(
            client, world.platform, world.employer_actor(), world.employer, min_position=position
        )
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    lag = re.search(r'^toegang_view_lag_events\{view="access"\} (\S+)$', text, re.MULTILINE)
    assert lag is not None, text
    assert float(lag.group(1)) >= 0
    assert re.search(r'^toegang_view_position\{view="access"\} (\S+)$', text, re.MULTILINE)
    assert re.search(r"^toegang_log_head_position (\S+)$", text, re.MULTILINE)
    counts = re.findall(
        r"^toegang_http_request_duration_seconds_count\{(.*)\} (\S+)$", text, re.MULTILINE
    )
    assert counts, text
    checks = [
        float(value)
        for labels, value in counts
        if 'method="POST"' in labels
        and 'route="/v1/platforms/{platform}/access/check"' in labels
        and 'status="200"' in labels
    ]
    assert checks and checks[0] >= 3
    ready = client.get("/readyz")
    assert ready.status_code == 200
    views = ready.json()["checks"]["views"]
    assert views["ok"] is True
    assert isinstance(views["access"]["lag"], int) and views["access"]["lag"] >= 0
    assert views["access"]["position"] >= position


# ---------------------------------------------------------------- 8. bad input


@pytest.mark.parametrize(
    "change",
    [
        {"unknown": "field"},
        {"action": "delete"},
        {"action": None},
        {"actor": {"method": "password", "user": "x"}},
        {"actor": {"method": "eherkenning", "legal_subject": "kvk:12345678"}},
        {"actor": {"method": "credentials", "user_id": "u", "extra": 1}},
        {"actor": "kvk:12345678"},
        {"organisation": "kvk:" + "1" * 40},
        {"organisation": ""},
        {"contract": ""},
        {"min_position": -1},
        {"min_position": 2**62 + 1},
        {"min_position": "soon"},
    ],
)
def test_bad_check_input_is_422(client: httpx.Client, change: dict[str, Any]) -> None:
    world, _ = access.world_at(client)
    body = {
        "actor": world.employer_actor(),
        "organisation": world.employer,
        "action": "view",
        **change,
    }
    answer = client.post(
        f"/v1/platforms/{world.platform}/access/check", json=body, headers=api.READER
    )
    assert api.problem(answer, 422, "invalid_request")["errors"]


def test_malformed_organisation_numbers_on_check_are_invalid_identifier(
    client: httpx.Client,
) -> None:
    world, position = access.world_at(client)
    answers: dict[tuple[str, str], int] = {}
    for bad in ("kvk:1234567", "kbo:0403019262", "KVK:12345678"):
        for field in ("organisation", "legal_subject", "intermediary"):
            login = world.employer_actor()
            organisation = bad if field == "organisation" else world.employer
            if field != "organisation":
                login[field] = bad
            answer = api.check_response(
                client, world.platform, login, organisation, min_position=position
            )
            answers[(bad, field)] = answer.status_code
            if answer.status_code == 422:
                api.problem(answer, 422, "invalid_identifier")
    assert set(answers.values()) == {422}, answers


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"[]", b"null", b'{"actor": {"method": "eherkenning"}}'],
)
def test_malformed_bodies_never_give_a_server_error(client: httpx.Client, content: bytes) -> None:
    world, _ = access.world_at(client)
    for endpoint in ("check", "portals"):
        answer = client.post(
            f"/v1/platforms/{world.platform}/access/{endpoint}",
            content=content,
            headers={**api.READER, "Content-Type": "application/json"},
        )
        api.problem(answer, 422, "invalid_request")


def test_unknown_actor_field_on_portals_is_422(client: httpx.Client) -> None:
    world, _ = access.world_at(client)
    login = {**world.employer_actor(), "role": "admin"}
    api.problem(api.portals_response(client, world.platform, login), 422, "invalid_request")
