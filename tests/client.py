"""HTTP helpers of the tests: bearer headers, problem answers, checks, portals, admin writes."""

from __future__ import annotations

from typing import Any

import httpx

from tests.documented import assert_documented

PROBLEM = "application/problem+json"
CHECK_KEYS = {"allowed", "rights", "via", "reasons", "position"}


def bearer(token: str, content_type: str | None = None) -> dict[str, str]:
    """The Authorization header of a bearer token (and a Content-Type, when given)."""
    headers = {"Authorization": f"Bearer {token}"}
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


ADMIN = bearer("admin-token")
WRITER = bearer("writer-token")
READER = bearer("reader-token")
AUDITOR = bearer("auditor-token")
USERS = bearer("users-token")


# ---------------------------------------------------------------- answers


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    """The JSON body of an answer that must have the given status."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def problem(
    response: httpx.Response,
    status: int,
    code: str,
    *,
    echoes_status: bool = True,
    described: bool = True,
) -> dict[str, Any]:
    """A problem+json answer with the status and code; by default its body repeats the
    status and has a title, a detail and a remedy."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert_documented(response, code)
    if echoes_status:
        assert body["status"] == status
    if described:
        assert body["title"] and body["detail"] and body["remedy"]
    return body


# ---------------------------------------------------------------- the log


def head(client: httpx.Client) -> int:
    """The last position in the event log, as /readyz reports it."""
    position: int = client.get("/readyz").json()["checks"]["store"]["position"]
    return position


def at_least(client: httpx.Client, min_position: int | None) -> int:
    """The position a read waits for: the one given, else the head of the log now."""
    return head(client) if min_position is None else min_position


def read(client: httpx.Client, path: str, min_position: int) -> dict[str, Any]:
    """A view read at `min_position` (with the reader token) that must answer 200; its body."""
    return ok(client.get(path, params={"min_position": min_position}, headers=READER))


# ---------------------------------------------------------------- admin writes


def put(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """An admin PUT that must answer 200; its JSON body."""
    return ok(client.put(path, json=body, headers=ADMIN))


# ---------------------------------------------------------------- checks and portals


def _reader(language: str | None) -> dict[str, str]:
    headers = dict(READER)
    if language is not None:
        headers["Accept-Language"] = language
    return headers


def check_response(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    organisation: str,
    action: str = "view",
    *,
    contract: str | None = None,
    min_position: int | None = None,
    language: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"actor": who, "organisation": organisation, "action": action}
    if contract is not None:
        body["contract"] = contract
    if min_position is not None:
        body["min_position"] = min_position
    return client.post(
        f"/v1/platforms/{platform}/access/check", json=body, headers=_reader(language)
    )


def check(
    client: httpx.Client, platform: str, *question: Any, exact: bool = True, **options: Any
) -> dict[str, Any]:
    """A check (the question and options as check_response takes them) that must answer 200
    with the documented keys; `exact` also holds the content type, the position's type and
    each reason's keys to the documented shape."""
    answer = check_response(client, platform, *question, **options)
    min_position: int | None = options.get("min_position")
    body = ok(answer)
    if exact:
        assert answer.headers["content-type"] == "application/json"
    assert set(body) == CHECK_KEYS
    if exact:
        assert isinstance(body["position"], int)
    if min_position is not None:
        assert body["position"] >= min_position
    for reason in body["reasons"]:
        if exact:
            assert set(reason) == {"code", "message", "remedy"}
        assert reason["message"] and reason["remedy"]
    assert body["allowed"] is (body["reasons"] == [])
    return body


def codes(decision: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in decision["reasons"]]


def allowed(decision: dict[str, Any], rights: str, via: str = "user") -> None:
    assert decision["allowed"] is True, decision
    assert (decision["rights"], decision["via"], decision["reasons"]) == (rights, via, [])


def denied(
    decision: dict[str, Any], reasons: list[str], rights: str | None = None, via: str | None = None
) -> None:
    assert decision["allowed"] is False, decision
    assert codes(decision) == reasons, decision
    assert (decision["rights"], decision["via"]) == (rights, via), decision


def portals_response(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    min_position: int | None = None,
    language: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"actor": who}
    if min_position is not None:
        body["min_position"] = min_position
    return client.post(
        f"/v1/platforms/{platform}/access/portals", json=body, headers=_reader(language)
    )


def portals(
    client: httpx.Client, platform: str, who: dict[str, Any], min_position: int | None = None
) -> list[tuple[str, str, str]]:
    """The portals a login opens, as (organisation, rights, via), in the answer's order."""
    answer = portals_response(client, platform, who, min_position)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert set(body) == {"portals", "next_after", "position"}
    if min_position is not None:
        assert body["position"] >= min_position
    return [(p["organisation"], p["rights"], p["via"]) for p in body["portals"]]


def view_not_edit(
    client: httpx.Client,
    platform: str,
    who: dict[str, Any],
    organisation: str,
    via: str,
    min_position: int | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """A login allowed to view (at `min_position`) and refused to edit (in `language`) for
    rights_insufficient; the edit decision."""
    viewing = check(client, platform, who, organisation, "view", min_position=min_position)
    allowed(viewing, "view", via)
    editing = check(client, platform, who, organisation, "edit", language=language)
    denied(editing, ["rights_insufficient"], "view", via)
    return editing
