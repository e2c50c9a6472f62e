"""The grants HTTP API through a real client against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests import client as api
from tests.conftest import Stack
from tests.mailbox import latest_mail, link_in, mailed_token, mails_for
from tests.support import LOA2, VIEW_SERVICE, actor, random_kvk
from tests.world import build_world_http, request_grant


def test_walk_through_request_confirm_change_revoke(stack: Stack, client: httpx.Client) -> None:
    world = build_world_http(client)
    accepted = request_grant(client, world)
    assert accepted.status_code == 202
    grant_id = accepted.json()["grant_id"]
    assert accepted.json()["status"] == "pending_confirmation"
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    confirmed = client.post("/v1/grants/confirm", json={"token": token}, headers=api.WRITER)
    assert confirmed.json()["status"] == "active"
    assert confirmed.json()["position"] > accepted.json()["position"]
    changed = client.patch(
        f"/v1/grants/{grant_id}",
        headers=api.WRITER,
        json={"rights": "edit", "actor": world.employer_actor()},
    )
    assert changed.json()["rights"] == "edit"
    revoked = client.post(
        f"/v1/grants/{grant_id}/revoke",
        headers=api.WRITER,
        json={"actor": world.employer_actor(), "reason": "einde"},
    )
    assert revoked.json()["status"] == "revoked"
    shown = client.get(f"/v1/grants/{grant_id}", headers={"Authorization": "Bearer auditor-token"})
    assert [e["position"] for e in shown.json()["history"]][-1] == revoked.json()["position"]


def test_confirmation_mail_goes_to_registered_address_with_headers(
    stack: Stack, client: httpx.Client
) -> None:
    world = build_world_http(client)
    grant_id = request_grant(client, world).json()["grant_id"]
    mail = latest_mail(stack.settings.outbox_dir, grant_id)
    assert mail["To"] == f"contact-{world.employer[4:]}@example.org"
    assert mail["Message-ID"] and mail["Date"] and mail["From"]
    assert "Bevestig toegang" in mail["Subject"]
    assert mail.get_body(preferencelist=("html",)) is not None
    assert link_in(mail).startswith("http://portal.test/confirm?token=")


def test_confirm_page_get_never_confirms_post_does(stack: Stack, client: httpx.Client) -> None:
    world = build_world_http(client)
    grant_id = request_grant(client, world).json()["grant_id"]
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    for _ in range(3):
        page = client.get("/confirm", params={"token": token})
        assert page.status_code == 200 and '<form method="post"' in page.text
        assert world.advisor in page.text
    assert client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()["status"] == "pending"
    done = client.post("/confirm", data={"token": token})
    assert done.status_code == 200 and "actief" in done.text
    assert client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()["status"] == "active"
    again = client.post("/confirm", data={"token": token, "lang": "en"})
    assert again.status_code == 200 and "already confirmed" in again.text  # a second click
    history = client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()["history"]
    assert [e["type"] for e in history].count("GrantConfirmed") == 1  # the token stays single use


def test_tokens_and_scopes(client: httpx.Client) -> None:
    world = build_world_http(client)
    api.problem(client.get("/v1/grants/x"), 401, "unauthenticated", echoes_status=False)
    api.problem(
        client.get("/v1/grants/x", headers={"Authorization": "Bearer wrong"}),
        401,
        "unauthenticated",
        echoes_status=False,
    )
    api.problem(
        client.get("/v1/grants/x", headers={"Authorization": "Basic admin-token"}),
        401,
        "unauthenticated",
        echoes_status=False,
    )
    api.problem(
        client.put(
            f"/v1/organisations/{random_kvk()}",
            headers=api.WRITER,
            json={"name": "x", "contact_email": "a@example.org"},
        ),
        403,
        "insufficient_scope",
        echoes_status=False,
    )
    reader = {"Authorization": "Bearer reader-token"}
    api.problem(
        client.post(f"/v1/platforms/{world.platform}/grants", headers=reader, json={}),
        403,
        "insufficient_scope",
        echoes_status=False,
    )
    auditor = {"Authorization": "Bearer auditor-token"}
    api.problem(
        client.post("/v1/grants/confirm", headers=auditor, json={"token": "x"}),
        403,
        "insufficient_scope",
        echoes_status=False,
    )
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").json()["ready"] is True


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"loa": LOA2}, 403, "loa_too_low"),
        ({"loa": "http://eidas.europa.eu/LoA/low"}, 403, "loa_too_low"),
        ({"service": VIEW_SERVICE}, 403, "actor_not_authorised"),
        ({"service": "urn:etoegang:DV:0:services:404"}, 403, "service_not_linked"),
    ],
)
def test_actor_refusals(
    client: httpx.Client, overrides: dict[str, Any], status: int, code: str
) -> None:
    world = build_world_http(client)
    before = client.get("/readyz").json()["checks"]["store"]["position"]
    api.problem(request_grant(client, world, **overrides), status, code, echoes_status=False)
    assert client.get("/readyz").json()["checks"]["store"]["position"] == before


def test_actor_for_another_organisation_and_chain_policies(client: httpx.Client) -> None:
    world = build_world_http(client, chain="not_accepted")
    body = {"grantor": world.employer, "grantee": world.advisor, "rights": "view"}
    path = f"/v1/platforms/{world.platform}/grants"
    api.problem(
        client.post(path, headers=api.WRITER, json={**body, "actor": actor(world.stranger)}),
        403,
        "actor_not_authorised",
        echoes_status=False,
    )
    chained = world.employer_actor(intermediary=world.advisor)
    api.problem(
        client.post(path, headers=api.WRITER, json={**body, "actor": chained}),
        403,
        "chain_not_accepted",
        echoes_status=False,
    )
    sufficient = build_world_http(client, chain="sufficient")
    answer = request_grant(client, sufficient, intermediary=sufficient.advisor)
    assert answer.status_code == 202


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"grantee": "kvk:1234567"}, "invalid_identifier"),
        ({"grantee": "kbo:0403019262"}, "invalid_identifier"),
        ({"grantee": "kbo:2403019261"}, "invalid_identifier"),
        ({"rights": "admin"}, "invalid_request"),
        ({"extra": "field"}, "invalid_request"),
        ({"grantee": "kvk:" + "1" * 5000}, "invalid_request"),
    ],
)
def test_bad_grant_requests(client: httpx.Client, body: dict[str, Any], code: str) -> None:
    world = build_world_http(client)
    full = {
        "grantor": world.employer,
        "grantee": world.advisor,
        "rights": "view",
        "actor": world.employer_actor(),
        **body,
    }
    api.problem(
        client.post(f"/v1/platforms/{world.platform}/grants", headers=api.WRITER, json=full),
        422,
        code,
        echoes_status=False,
    )


def test_bad_admin_input(client: httpx.Client) -> None:
    path = f"/v1/organisations/{random_kvk()}"
    api.problem(
        client.put(path, headers=api.ADMIN, json={"name": "x", "contact_email": "not-an-address"}),
        422,
        "invalid_identifier",
        echoes_status=False,
    )
    api.problem(
        client.put(
            "/v1/organisations/kvk:12",
            headers=api.ADMIN,
            json={"name": "x", "contact_email": "a@example.org"},
        ),
        422,
        "invalid_identifier",
        echoes_status=False,
    )
    api.problem(
        client.put(path, headers=api.ADMIN, json={"name": "x" * 201, "contact_email": "a@b.nl"}),
        422,
        "invalid_request",
        echoes_status=False,
    )
    api.problem(
        client.put(
            "/v1/platforms/Bad_Slug",
            headers=api.ADMIN,
            json={"name": "x", "login": ["eherkenning"]},
        ),
        422,
        "invalid_identifier",
        echoes_status=False,
    )
    api.problem(
        client.put(
            "/v1/platforms/no-such/advisors/kvk:12345678", headers=api.ADMIN, json={"licence": "A"}
        ),
        404,
        "not_found",
        echoes_status=False,
    )
    api.problem(
        client.put(
            path,
            headers=api.ADMIN,
            content=b"{not json",
        ),
        422,
        "invalid_request",
        echoes_status=False,
    )
    api.problem(
        client.put(path, headers=api.ADMIN, content=b"x" * 70000),
        413,
        "payload_too_large",
        echoes_status=False,
    )


def test_unknown_things_are_404(client: httpx.Client) -> None:
    unknown: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", "/v1/grants/00000000-0000-0000-0000-000000000000", None),
        (
            "POST",
            "/v1/platforms/no-such-platform/grants",
            {
                "grantor": "kvk:12345678",
                "grantee": "kvk:87654321",
                "rights": "view",
                "actor": actor("kvk:12345678"),
            },
        ),
        ("GET", "/v1/nothing-here", None),
    ]
    for method, path, body in unknown:
        answer = client.request(method, path, headers=api.WRITER, json=body)
        api.problem(answer, 404, "not_found", echoes_status=False)
    # a grant id that no grant could have is refused as a malformed id, as a body would be
    malformed = client.get("/v1/grants/nonsense", headers=api.WRITER)
    body = api.problem(malformed, 422, "invalid_identifier")
    assert body["errors"][0]["location"] == ["path", "grant_id"]
    not_allowed = client.delete("/v1/grants/x", headers=api.WRITER)
    api.problem(not_allowed, 405, "method_not_allowed", echoes_status=False)
    assert not_allowed.headers["allow"] == "GET, PATCH"  # every route of the path, not one
    # /v1/grants/confirm is its own route's path, not a grant id: PATCH there is not allowed
    for method in ("GET", "PATCH", "DELETE"):
        confirm = client.request(method, "/v1/grants/confirm", headers=api.WRITER, json={})
        api.problem(confirm, 405, "method_not_allowed", echoes_status=False)
        assert confirm.headers["allow"] == "POST"


def test_problem_language_follows_accept_language(client: httpx.Client) -> None:
    for language, title in (
        ("fr-BE,fr;q=0.9", "Non authentifié"),
        ("en", "Not authenticated"),
        ("de", "Niet aangemeld"),
    ):
        answer = client.get("/v1/grants/x", headers={"Accept-Language": language})
        assert answer.json()["title"] == title
        assert answer.headers["content-language"] in ("nl", "en", "fr")


def test_confirmation_tokens_bad_cases(stack: Stack, client: httpx.Client) -> None:
    world = build_world_http(client)
    grant_id = request_grant(client, world).json()["grant_id"]
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    api.problem(
        client.post("/v1/grants/confirm", json={"token": tampered}, headers=api.WRITER),
        404,
        "confirmation_invalid",
        echoes_status=False,
    )
    api.problem(
        client.post("/v1/grants/confirm", json={"token": "garbage"}, headers=api.WRITER),
        404,
        "confirmation_invalid",
        echoes_status=False,
    )
    stack.clock.advance(timedelta(days=8))
    api.problem(
        client.post("/v1/grants/confirm", json={"token": token}, headers=api.WRITER),
        410,
        "confirmation_expired",
        echoes_status=False,
    )


def test_ten_threads_confirm_the_same_token_once(stack: Stack, client: httpx.Client) -> None:
    world = build_world_http(client)
    grant_id = request_grant(client, world).json()["grant_id"]
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    answers = run_at_once(
        10,
        lambda http: http.post("/v1/grants/confirm", json={"token": token}, headers=api.WRITER),
        stack.url,
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * 9
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"confirmation_used"}
    history = client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()["history"]
    assert [e["type"] for e in history].count("GrantConfirmed") == 1


def test_concurrent_requests_for_one_pair_give_one_grant(
    stack: Stack, client: httpx.Client
) -> None:
    world = build_world_http(client)
    answers = run_at_once(5, lambda http: request_grant(http, world), stack.url)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [202] + [409] * 4
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"grant_exists"}
    grant_id = next(a.json()["grant_id"] for a in answers if a.status_code == 202)
    history = client.get(f"/v1/grants/{grant_id}", headers=api.WRITER).json()["history"]
    assert [e["type"] for e in history].count("GrantRequested") == 1
    latest_mail(stack.settings.outbox_dir, grant_id)
    assert len(mails_for(stack.settings.outbox_dir, grant_id)) == 1


def run_at_once(count: int, call: Any, url: str) -> list[httpx.Response]:
    """Send `count` requests released together by a barrier, each on its own connection."""
    barrier = threading.Barrier(count)
    answers: list[httpx.Response] = []

    def worker() -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            barrier.wait()
            answers.append(call(http))

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_openapi_describes_the_contract(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths["/v1/platforms/{platform}/grants"]) == {"post"}
    assert {"get", "patch"} <= set(paths["/v1/grants/{grant_id}"])
    assert "/v1/grants/confirm" in paths
    assert "/v1/grants/{grant_id}/revoke" in paths
    request_schema = spec["components"]["schemas"]["GrantRequestIn"]
    assert request_schema["additionalProperties"] is False
