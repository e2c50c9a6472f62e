"""The distributed path: grants, projections, relay and notifications as separate processes on
PostgreSQL and a Kafka-protocol broker, and leader election between replicas."""

from __future__ import annotations

import json
import os
import signal
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

from services.bootstrap import build_grants_application
from services.eventlog.database import ViewDatabase
from services.eventlog.leader import LeaderLock
from services.notifications import kafka
from services.projections import tables
from services.settings import Settings
from tests import client as api
from tests.e2e.cli import serving
from tests.kafka import topics
from tests.kafka.conftest import Sink
from tests.kafka.test_notifications import cli_env, kafka_settings
from tests.mailbox import token_in
from tests.support import TOKENS, World, platform_settings, wait_until
from tests.world import build_world


def role(name: str, env: dict[str, str], cwd: Path) -> Any:
    """`toegang serve <name>` as its own process on a free port."""
    return serving(cwd, name, env=env, capture=False)


def _ready(url: str) -> int:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code
    except httpx.HTTPError:
        return 0


def role_env(settings: Settings) -> dict[str, str]:
    return {
        **cli_env(settings),
        "TOEGANG_API_TOKENS": json.dumps(TOKENS),
        "TOEGANG_TOKEN_KEY": "ab" * 32,
        "TOEGANG_PUBLIC_URL": "http://portal.test",
        "TOEGANG_KAFKA_GROUP": settings.kafka_group,
    }


def setup_world(grants: str) -> World:
    world = World()
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"/v1/platforms/{world.platform}", platform_settings()),
        (
            f"/v1/organisations/{world.employer}",
            {"name": "Werkgever", "contact_email": "hr@werkgever.example"},
        ),
        (
            f"/v1/organisations/{world.advisor}",
            {"name": "Adviseur", "contact_email": "info@adviseur.example"},
        ),
        (
            f"/v1/platforms/{world.platform}/contracts/{world.contract}",
            {"holder": world.employer, "covered": [], "name": "C"},
        ),
        (f"/v1/platforms/{world.platform}/advisors/{world.advisor}", {"licence": "AFM-1"}),
    ]
    for path, body in calls:
        assert httpx.put(f"{grants}{path}", json=body, headers=api.ADMIN).status_code == 200
    return world


def check(
    projections: str, world: World, position: int, actor: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The check of `actor` (the advisor by default) on the employer, at `position`."""
    advisor = {
        "method": "eherkenning",
        "legal_subject": world.advisor,
        "acting_subject": "p",
        "intermediary": None,
        "service_id": "urn:etoegang:DV:00000001003214345000:services:3",
        "loa": "urn:etoegang:core:assurance-class:loa3",
    }
    with httpx.Client(base_url=projections, timeout=10) as http:
        answer = api.check_response(
            http, world.platform, actor or advisor, world.employer, min_position=position
        )
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_grant_lifecycle_through_four_separate_processes(
    fresh_postgres_settings: Settings, kafka_bootstrap: str, smtp_sink: Sink, tmp_path: Path
) -> None:
    settings = kafka_settings(fresh_postgres_settings, kafka_bootstrap, smtp_sink)
    env = role_env(settings)
    with ExitStack() as roles:
        grants, _ = roles.enter_context(role("grants", env, tmp_path))
        projections, _ = roles.enter_context(role("projections", env, tmp_path))
        roles.enter_context(role("relay", env, tmp_path))
        roles.enter_context(role("notifications", env, tmp_path))
        world = setup_world(grants)
        request = httpx.post(
            f"{grants}/v1/platforms/{world.platform}/grants",
            headers=api.WRITER,
            json={
                "grantor": world.employer,
                "grantee": world.advisor,
                "rights": "view",
                "actor": world.employer_actor(),
            },
        )
        assert request.status_code == 202, request.text
        assert not check(projections, world, request.json()["position"])["allowed"]
        mail = wait_until(lambda: smtp_sink.to("hr@werkgever.example"), timeout=60)[0]
        confirmed = httpx.post(
            f"{grants}/v1/grants/confirm", headers=api.WRITER, json={"token": token_in(mail)}
        )
        assert check(projections, world, confirmed.json()["position"])["allowed"]
        revoked = httpx.post(
            f"{grants}/v1/grants/{request.json()['grant_id']}/revoke",
            headers=api.WRITER,
            json={"actor": world.employer_actor(), "reason": "einde"},
        )
        denied = check(projections, world, revoked.json()["position"])
        assert next(r["code"] for r in denied["reasons"]) == "grant_revoked"
        wait_until(lambda: len(smtp_sink.to("hr@werkgever.example")) == 3, timeout=60)
        # the relay process publishes the changes the projections process computed
        topic = kafka.Topics(settings.kafka_topic_prefix).access

        def told() -> list[tuple[str, str | None]]:
            values = [json.loads(r.value) for r in topics.whole_topic(kafka_bootstrap, topic)]
            return [(v["subject"]["id"], v["rights_after"]) for v in values]

        wait_until(lambda: len(told()) >= 2, timeout=60)
        assert told() == [(world.advisor, "view"), (world.advisor, None)]


def test_advisory_lock_admits_one_leader(fresh_postgres_settings: Settings) -> None:
    first = LeaderLock(fresh_postgres_settings, "projections")
    second = LeaderLock(fresh_postgres_settings, "projections")
    assert first.check()
    assert not second.check()
    assert LeaderLock(fresh_postgres_settings, "relay").check()
    first.release()
    assert second.check()
    second.release()


def test_a_second_projections_replica_follows_and_takes_over_writing(
    fresh_postgres_settings: Settings, tmp_path: Path
) -> None:
    settings = fresh_postgres_settings
    env = {
        "TOEGANG_DATA_DIR": str(tmp_path),
        "TOEGANG_API_TOKENS": json.dumps(TOKENS),
        "TOEGANG_DATABASE_URL": settings.database_url or "",
    }
    app = build_grants_application(settings)
    world = build_world(app)
    database = ViewDatabase(settings)
    with role("projections", env, tmp_path) as (leader, process):
        wait_until(lambda: _ready(leader) == 200, timeout=30)
        with role("projections", env, tmp_path) as (follower, _):
            wait_until(lambda: _ready(follower) == 200, timeout=30)
            grant = app.grants.request_grant(
                world.platform, world.employer, world.advisor, "view", world.employer_actor()
            )
            answer = check_as_employer(follower, world, grant["position"])
            assert answer["allowed"] is True  # the follower answers from its own state
            written = view_position(database)
            os.kill(process.pid, signal.SIGKILL)
            more = app.grants.revoke_grant(grant["grant_id"], world.employer_actor(), "einde")
            wait_until(lambda: view_position(database) >= more["position"] > written, timeout=30)
            assert check_as_employer(follower, world, more["position"])["allowed"] is True
    database.close()
    app.close()


def check_as_employer(url: str, world: World, position: int) -> dict[str, Any]:
    return check(url, world, position, world.employer_actor())


def view_position(database: ViewDatabase) -> int:
    with database.transaction() as cursor:
        cursor.execute(tables.TRACKING)
        return tables.tracking(cursor, "access")[0]
