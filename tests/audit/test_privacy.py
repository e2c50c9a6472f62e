"""Crypto-shredding (SQLite and PostgreSQL): `toegang privacy forget` makes a person unreadable
everywhere (log, views, outbox) and leaves every other fact, the answers and the chain intact."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from services.audit.trail import ERASED
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from tests import client as api
from tests.audit.test_history_api import caught_up, history
from tests.conftest import Stack
from tests.e2e.cli import run
from tests.integration import credential_support as cred


def forget(stack: Stack, subject: str) -> Any:
    env = {"TOEGANG_DATA_DIR": str(stack.settings.data_dir)}
    if stack.settings.database_url:
        env["TOEGANG_DATABASE_URL"] = stack.settings.database_url
    return run(["privacy", "forget", subject], Path.cwd(), **env)


def stored_states(stack: Stack, subject: str) -> list[bytes]:
    """The raw stored state of every event of one aggregate, as the database holds it."""
    database = ViewDatabase(stack.settings)
    postgres = database.is_postgres
    table = "toegang_events" if postgres else "stored_events"
    key: object = UUID(subject) if postgres else UUID(subject).hex
    try:
        with database.transaction() as cursor:
            rows = cursor.execute(
                f"SELECT state FROM {table} WHERE originator_id = :id",  # noqa: S608
                {"id": key},
            ).fetchall()
    finally:
        database.close()
    return [bytes(row[0]) for row in rows]


def outbox_text(stack: Stack) -> str:
    return "".join(p.read_text(errors="replace") for p in stack.settings.outbox_dir.glob("*.eml"))


def test_personal_data_is_stored_sealed(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    email = cred.address("erika")
    user = cred.add_user(client, site, cred.fiche(name="Erika Verzegeld", email=email))
    states = stored_states(stack, user["user_id"])
    assert states and all(b"Verzegeld" not in s and email.encode() not in s for s in states)
    assert any(b"sealed" in s for s in states)
    caught_up(client, user["position"])
    entries = history(client, user=user["user_id"])["entries"]
    fiche_read = next(e for e in entries if e["type"] == "PlatformUserGranted")["data"]["fiche"]
    assert (fiche_read["name"], fiche_read["email"]) == ("Erika Verzegeld", email)


def test_forget_erases_the_person_and_keeps_the_rest(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    email, other_email = cred.address("erika"), cred.address("bert")
    user = cred.add_user(
        client, site, cred.fiche(name="Erika Vergeten", email=email, rights="edit")
    )
    other = cred.add_user(client, site, cred.fiche(name="Bert Blijft", email=other_email))
    cred.access_code_mail(stack, user["user_id"])
    assert email in outbox_text(stack)
    caught_up(client, other["position"])
    before = history(client, organisation=site.organisation, limit=1000)["entries"]

    done = forget(stack, user["user_id"])
    assert done.returncode == 0, done.stderr
    assert "outbox mail(s) deleted" in done.stdout and email not in done.stdout
    position = stack.app.position()
    caught_up(client, position)

    after = history(client, organisation=site.organisation, limit=1000)["entries"]
    mine = [e for e in after if e["aggregate_id"] == user["user_id"]]
    granted = mine[0]["data"]["fiche"]
    assert (granted["name"], granted["email"]) == (ERASED, ERASED)
    assert granted["rights"] == "edit" and mine[0]["data"]["login"] == user["login"]
    assert [e["type"] for e in mine][-2:] == [
        "PlatformUserRevoked",
        "PlatformUserPersonalDataErased",
    ]
    assert mine[-2]["data"]["reason"] == "data_subject_erased"
    unchanged = [e for e in before if e["aggregate_id"] != user["user_id"]]
    assert unchanged == [e for e in after if e["position"] <= before[-1]["position"]
                         and e["aggregate_id"] != user["user_id"]]  # fmt: skip
    kept = next(e for e in after if e["aggregate_id"] == other["user_id"])["data"]["fiche"]
    assert kept["name"] == "Bert Blijft"

    listed = cred.user_list(client, site, position)
    assert listed[user["user_id"]]["name"] is None
    assert listed[user["user_id"]]["status"] == "revoked"
    assert listed[other["user_id"]]["name"] == "Bert Blijft"
    assert email not in outbox_text(stack) and other_email in outbox_text(stack)

    event_log = open_event_log(stack.settings)  # another process's view: the key is gone
    try:
        events = [event_log.decode(n) for n in event_log.read(0, 10**6)]
    finally:
        event_log.close()
    theirs = [e for e in events if str(e.originator_id) == user["user_id"] and hasattr(e, "fiche")]
    assert theirs and all(e.fiche["name"] is None and e.fiche["email"] is None for e in theirs)

    verified = client.get("/v1/audit/verify", headers=api.AUDITOR).json()
    assert verified["ok"] is True and verified["head"]["position"] >= position
    while_active = mine[0]["time"]
    params = {"platform": site.platform, "organisation": site.organisation, "at": while_active}
    then = client.get("/v1/audit/access", params=params, headers=api.AUDITOR).json()["access"]
    assert (user["login"], "edit") in {(r["holder"], r["rights"]) for r in then}


def test_forget_again_unknown_subject_and_no_new_data(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche(name="Twee Keer"))
    assert forget(stack, user["user_id"]).returncode == 0
    again = forget(stack, user["user_id"])
    assert again.returncode == 0, again.stderr
    unknown = forget(stack, "4f1c2b9e-0000-4000-8000-000000000000")
    assert unknown.returncode == 1 and "no data subject" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    bad = forget(stack, "not-a-uuid")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    refused = cred.replace_user(client, site, user["user_id"], cred.fiche(name="Terug"))
    assert refused.status_code == 409, refused.text
