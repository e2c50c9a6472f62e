"""The decision log through the HTTP API, file sink, on both backends: one record per check
and per batch item, sampling, keyed pseudonyms, no personal data, a full queue never fails."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any

import httpx

from services.settings import Settings
from tests import client as api
from tests.decision_support import READER_FINGERPRINT, RECORD_KEYS, counter, records, serving
from tests.integration.test_batch_check import ask, batch
from tests.schemas import test_schemas as contract
from tests.support import World, actor, random_kvk, wait_until
from tests.world import build_world_http

PERSON = "jan.jansen@example.org"  # an acting subject that is also an e-mail address


def asked(world: World, person: str = PERSON, organisation: str | None = None) -> dict[str, Any]:
    """The employer's own login (allowed) or about another organisation (denied)."""
    return ask(actor(world.employer, person=person), organisation or world.employer)


def check(client: httpx.Client, world: World, question: dict[str, Any]) -> dict[str, Any]:
    path = f"/v1/platforms/{world.platform}/access/check"
    body = {**question, "min_position": api.head(client)}
    return api.ok(client.post(path, json=body, headers=api.READER))


def checks(client: httpx.Client, world: World, items: list[Any]) -> dict[str, Any]:
    return api.ok(batch(client, world.platform, items, min_position=api.head(client)))


def test_each_check_and_each_batch_item_is_one_record(fresh_settings: Settings) -> None:
    with serving(fresh_settings, decision_log="all") as (client, _):
        world = build_world_http(client)
        allowed = check(client, world, asked(world))
        denied = check(client, world, asked(world, organisation=world.stranger))
        items = [asked(world), asked(world, organisation=world.stranger), {"bad": 1}]
        checks(client, world, items)
    logged = records(fresh_settings.data_dir / "decisions.jsonl")
    assert [r["allowed"] for r in logged] == [True, False, True, False]  # not the bad item
    assert all(set(r) == RECORD_KEYS for r in logged)
    schema = contract.load(contract.ROOT / "decision.json")
    for record in logged:
        contract.assert_valid(schema, record)
    first, second = logged[0], logged[1]
    assert first["platform"] == world.platform and first["organisation"] == world.employer
    assert (first["action"], first["via"], first["reasons"]) == ("view", "own", [])
    assert first["position"] == allowed["position"] and first["caller"] == READER_FINGERPRINT
    assert second["reasons"] == [r["code"] for r in denied["reasons"]]
    assert second["organisation"] == world.stranger
    assert len({r["subject"] for r in logged}) == 1


def test_the_file_holds_no_acting_subject_name_or_address(fresh_settings: Settings) -> None:
    with serving(fresh_settings, decision_log="all") as (client, _):
        world = build_world_http(client)
        check(client, world, asked(world))
        check(client, world, asked(world, organisation=world.stranger))
    text = (fresh_settings.data_dir / "decisions.jsonl").read_text()
    assert text.count("\n") == 2
    for personal in (PERSON, "jan", "@", "Werkgever", "example.org"):
        assert personal not in text.lower()


def test_denied_logs_only_the_denials(fresh_settings: Settings) -> None:
    with serving(fresh_settings, decision_log="denied") as (client, _):
        world = build_world_http(client)
        check(client, world, asked(world))
        check(client, world, asked(world, organisation=world.stranger))
        api.ok(
            batch(client, world.platform, [asked(world), asked(world, organisation=random_kvk())])
        )
    logged = records(fresh_settings.data_dir / "decisions.jsonl")
    assert [r["allowed"] for r in logged] == [False, False]


def test_a_fraction_samples_the_checks(fresh_settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "sampled" / "decisions.jsonl"
    with serving(fresh_settings, decision_log="0.3", decision_log_file=path) as (client, _):
        world = build_world_http(client)
        for _ in range(2):
            checks(client, world, [asked(world)] * 1000)
    assert 480 <= len(records(path)) <= 720  # 2,000 draws at 0.3: 600, σ ≈ 20


def test_the_pseudonym_is_keyed_stable_per_person_and_distinct(fresh_settings: Settings) -> None:
    with serving(fresh_settings, decision_log="all") as (client, _):
        world = build_world_http(client)
        for person in ("person-a", "person-b", "person-a"):
            check(client, world, asked(world, person=person))
        intermediary = actor(world.employer, person="person-a", intermediary=world.advisor)
        check(client, world, ask(intermediary, world.employer))
    a, b, a_again, via_advisor = (
        r["subject"] for r in records(fresh_settings.data_dir / "decisions.jsonl")
    )
    assert a == a_again and len({a, b, via_advisor}) == 3
    key = bytes.fromhex((fresh_settings.data_dir / "decision.key").read_text().strip())
    pair = f"eherkenning\x1f{world.employer}\x1fperson-a\x1f".encode()
    assert a == hmac.new(key, pair, hashlib.sha256).hexdigest()[:32]
    assert a != hmac.new(secrets.token_bytes(32), pair, hashlib.sha256).hexdigest()[:32]
    assert a != hashlib.sha256(pair).hexdigest()[:32]


def test_a_full_queue_drops_and_counts_and_the_checks_answer(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    fifo = tmp_path / "blocked"
    os.mkfifo(fifo)  # the writer blocks opening it until someone reads
    changes: dict[str, Any] = {
        "decision_log": "all",
        "decision_log_file": fifo,
        "decision_log_queue": 2,
    }
    with serving(fresh_settings, **changes) as (client, app):
        world = build_world_http(client)
        check(client, world, asked(world))
        wait_until(lambda: not app.state.decisions.queue)  # taken: the writer waits for a reader
        for _ in range(10):
            assert check(client, world, asked(world))["allowed"] is True
        assert counter(client, "toegang_decisions_dropped_total", "queue_full") == 8
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer go on
    try:
        assert os.read(reader, 65536).count(b"\n") == 3
    finally:
        os.close(reader)


def test_a_failing_sink_is_counted_and_the_checks_answer(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    with serving(fresh_settings, decision_log="all", decision_log_file=tmp_path) as (client, _):
        world = build_world_http(client)  # the file is a directory: every write fails
        for _ in range(3):
            assert check(client, world, asked(world))["allowed"] is True
        checks(client, world, [asked(world)] * 5)
        wait_until(lambda: counter(client, "toegang_decisions_dropped_total", "sink_failed") == 8)
        assert counter(client, "toegang_decisions_logged_total") == 0


def test_the_log_is_off_by_default(fresh_settings: Settings) -> None:
    with serving(fresh_settings) as (client, app):
        world = build_world_http(client)
        check(client, world, asked(world))
        assert app.state.decisions is None
        assert "toegang_decisions_logged_total" not in client.get("/metrics").text
    assert not (fresh_settings.data_dir / "decisions.jsonl").exists()
