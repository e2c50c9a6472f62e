"""The compact access state answers exactly as the state it replaced, fed or loaded back.

A world with every situation (pending, confirmed, revoked, expired and lapsed grants, a
withdrawn licence before and after its sweep, removed coverage, renamed organisations, user
fiches revoked, expired, external or superseded) is asked every question; the answers'
digest was recorded with the uncompacted state, and a state written to view tables and
loaded back answers the same and holds the same rows.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from services.eventlog.database import ViewDatabase
from services.grants.domain.advisor import Advisor
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.domain.platform_user import PlatformUser
from services.projections import queries, rows, tables
from services.projections.check import check_access
from services.projections.evaluation import evaluate_login
from services.projections.natural_keys import TableKeys
from services.projections.state import AccessState
from services.settings import Settings
from tests.projection_support import snapshot
from tests.support import ADVISOR_SERVICE, VIEW_SERVICE, actor, platform_settings
from tests.unit.feed import NOW, PLATFORM, SERVICE, Feed

CREDENTIALS = "compact-credentials"
EMPLOYERS = [f"kvk:{10_000_000 + n:08d}" for n in range(12)]
ADVISORS = [f"kvk:{90_000_000 + n:08d}" for n in range(3)]
UNKNOWN = "kvk:55555555"
LATER = NOW + timedelta(days=2)
# The grant summaries hold valid_until (null here) since the end dates came.
DIGEST = "1f94d49379fb730346d81d5e2ee44ac0d37c0422931f7067437a9cf05c69a227"


def _grants(feed: Feed) -> None:
    situations = ["active", "pending", "revoked", "expired", "active", "pending"]
    for number, situation in enumerate(situations):
        grant = feed.grant(EMPLOYERS[number], ADVISORS[number % 2], situation)
        if number == 4:
            grant.change_rights(rights="edit", actor=SERVICE, now=NOW)
        if number == 3:
            assert grant.expire_if_due(LATER, SERVICE)  # recorded; EMPLOYERS[10]'s only lapsed
        feed(grant)
    feed.grant(EMPLOYERS[10], ADVISORS[0], "expired")
    swept = feed.grant(EMPLOYERS[6], ADVISORS[2], "active")
    swept.revoke(actor=SERVICE, reason="advisor_licence_withdrawn", now=NOW)
    feed(swept)
    feed.grant(EMPLOYERS[7], ADVISORS[2], "active")  # not swept yet
    feed.grant(EMPLOYERS[8], ADVISORS[2], "pending")
    feed.grant(EMPLOYERS[0], ADVISORS[2], "active")  # an employer with two grants


def _credential_world(feed: Feed) -> list[str]:
    employer, other = EMPLOYERS[9], EMPLOYERS[10]
    agreement = feed.agreement(employer, "OV-1", platform=CREDENTIALS, feed=False)
    fiches = [
        {"rights": "edit", "contracts": "all", "external": False},
        {"rights": "view", "contracts": ["PC-00000009"], "external": False},
        {"rights": "view", "contracts": "all", "external": True, "valid_until": date(2026, 11, 1)},
        {"rights": "edit", "contracts": "all", "external": False},
        {"rights": "view", "contracts": "all", "external": True, "valid_until": date(2026, 11, 2)},
    ]
    users = [_user(employer, number, fiche) for number, fiche in enumerate(fiches)]
    agreement.appoint_master_user(user_id=str(users[0].id), actor=SERVICE)
    users[3].revoke(reason="vertrokken", actor=SERVICE)
    users[1].erase_personal_data(actor=SERVICE)
    assert users[4].expire_if_due(LATER.date(), SERVICE)
    stale = feed.agreement(other, "OV-2", platform=CREDENTIALS, feed=False)
    superseded = _user(other, 0, fiches[0], agreement="OV-2")
    stale.sign("OV-3", "new@example.org", date(2026, 6, 1), actor=SERVICE)
    feed(agreement, stale, *users, superseded)
    return [str(user.id) for user in [*users, superseded]]


def _user(
    organisation: str, number: int, values: dict[str, Any], agreement: str = "OV-1"
) -> PlatformUser:
    fiche = {"name": "An", "email": "an@example.org", "assignment": None, "valid_until": None}
    if values["external"]:
        fiche["assignment"] = "audit"
    return PlatformUser(
        platform=CREDENTIALS,
        organisation=organisation,
        number=number,
        login=f"{organisation[4:]}-{number}",
        agreement=agreement,
        fiche={**fiche, **values},
        is_master=number == 0,
        actor=SERVICE,
    )


def world() -> tuple[AccessState, list[str]]:
    feed = Feed()
    settings = platform_settings(chain="requires_grant")
    credentials = {**settings, "login": ["credentials"], "chain_authorisation": "not_accepted"}
    feed(
        Platform(slug=PLATFORM, settings=settings, actor=SERVICE),
        Platform(slug=CREDENTIALS, settings=credentials, actor=SERVICE),
    )
    for ref in EMPLOYERS[:11]:
        feed.employer(ref)
    renamed = Organisation(ref=EMPLOYERS[11], name="Oud", contact_email="a@b.nl", actor=SERVICE)
    renamed.rename(name="Nieuw", actor=SERVICE)
    removed = Coverage(platform=PLATFORM, organisation=EMPLOYERS[11], actor=SERVICE)
    removed.add_contract(contract="PC-GONE", actor=SERVICE)
    removed.remove_contract(contract="PC-GONE", actor=SERVICE)
    advisors = [
        Advisor(platform=PLATFORM, organisation=ref, licence="AFM", actor=SERVICE)
        for ref in ADVISORS
    ]
    feed(renamed, removed, *advisors)
    _grants(feed)
    advisors[2].withdraw_licence(actor=SERVICE)
    feed(advisors[2])
    return feed.state, _credential_world(feed)


def test_the_world_asks_every_reason() -> None:
    state, users = world()
    found = json.dumps(answers(state, users), default=str)
    keys = set(re.findall(r'"([a-z_]+)"', found))
    assert keys >= {
        "grant_revoked",
        "grant_request_expired",
        "grant_pending_confirmation",
        "advisor_licence_withdrawn",
        "no_grant",
        "organisation_unknown",
        "user_revoked",
        "user_expired",
        "agreement_superseded",
        "chain_without_grant",
    }


def answers(state: AccessState, users: list[str]) -> list[Any]:
    """Every check, login and listing the world can be asked, in a fixed order."""
    organisations = [*EMPLOYERS, *ADVISORS, UNKNOWN]
    logins: list[tuple[str, dict[str, Any]]] = [
        (PLATFORM, actor(ref, service=service))
        for ref in organisations
        for service in (VIEW_SERVICE, ADVISOR_SERVICE)
    ]
    logins += [(PLATFORM, actor(e, intermediary=a)) for e in EMPLOYERS[:9] for a in ADVISORS]
    logins += [(CREDENTIALS, {"method": "credentials", "user_id": u}) for u in users]
    found: list[Any] = []
    for platform, login in logins:
        for organisation in organisations:
            for action, contract in (("view", None), ("edit", None), ("view", "PC-00000009")):
                decision = check_access(
                    state, platform, login, organisation, action, contract, LATER
                )
                found.append([decision.allowed, decision.rights, decision.via])
                found.append([reason.key for reason in decision.reasons])
        found.append(sorted(evaluate_login(state, platform, login, LATER).portals))
    for ref in organisations:
        found.append(queries.organisation_grants(state, PLATFORM, ref, LATER))
        found.append(queries.advisor_clients(state, PLATFORM, ref, LATER, limit=2))
    found.append(queries.organisation_users(state, CREDENTIALS, EMPLOYERS[9], users[0], LATER))
    return found


def _without_times(value: Any) -> Any:
    """The answers with the events' wall-clock timestamps left out (they differ per run)."""
    if isinstance(value, dict):
        times = ("requested_at", "active_since", "ended_at", "since", "grant_id", "user_id")
        return {k: _without_times(v) for k, v in value.items() if k not in times}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def test_the_answers_are_those_of_the_state_before_compaction() -> None:
    state, users = world()
    found = json.dumps(_without_times(answers(state, users)), sort_keys=True, default=str)
    assert hashlib.sha256(found.encode()).hexdigest() == DIGEST


@pytest.mark.parametrize("keys_in_table", [False, True])
def test_a_state_written_and_loaded_back_answers_the_same(
    tmp_path: Path, keys_in_table: bool
) -> None:
    state, users = world()
    database = ViewDatabase(Settings(data_dir=tmp_path))
    with database.transaction() as cursor:
        tables.create_tables(cursor, "view_")
        rows.write_changes(cursor, "view_", state, state.take_dirty())
    keys = TableKeys(database, "view_") if keys_in_table else None
    with database.reading() as cursor:
        loaded, _ = rows.load_state(cursor, "view_", "access", keys)
    assert len(loaded.keys.resident) == (0 if keys_in_table else len(state.keys.resident))
    assert snapshot(loaded) == snapshot(state)
    database.close()
    assert answers(loaded, users) == answers(state, users)


def test_a_state_whose_keys_stay_in_the_table_applies_later_events_alike(tmp_path: Path) -> None:
    """Renames, amendments, coverage and licence changes need keys only the table holds."""
    feed = Feed()
    platform = Platform(slug=PLATFORM, settings=platform_settings(), actor=SERVICE)
    organisation = Organisation(ref=EMPLOYERS[0], name="Oud", contact_email="a@b.nl", actor=SERVICE)
    coverage = Coverage(platform=PLATFORM, organisation=EMPLOYERS[0], actor=SERVICE)
    contract = Contract(
        platform=PLATFORM, contract="PC-1", holder=EMPLOYERS[0], covered=[], name="P", actor=SERVICE
    )
    advisor = Advisor(platform=PLATFORM, organisation=ADVISORS[0], licence="AFM", actor=SERVICE)
    aggregates = (platform, organisation, coverage, contract, advisor)
    feed(*aggregates)
    database = ViewDatabase(Settings(data_dir=tmp_path))
    with database.transaction() as cursor:
        tables.create_tables(cursor, "view_")
        rows.write_changes(cursor, "view_", feed.state, feed.state.take_dirty())
    with database.reading() as cursor:
        loaded, _ = rows.load_state(cursor, "view_", "access", TableKeys(database, "view_"))
    organisation.rename(name="Nieuw", actor=SERVICE)
    coverage.add_contract(contract="PC-1", actor=SERVICE)
    contract.amend(holder=EMPLOYERS[0], covered=[EMPLOYERS[1]], name="Q", actor=SERVICE)
    advisor.withdraw_licence(actor=SERVICE)
    platform.reconfigure(settings=platform_settings(chain="requires_grant"), actor=SERVICE)
    later = [event for aggregate in aggregates for event in aggregate.collect_events()]
    loaded.keys.fetch(later)
    for position, event in enumerate(later, start=feed.position + 1):
        feed.state.apply(event, position)
        loaded.apply(event, position)
    with database.transaction() as cursor:
        rows.write_changes(cursor, "view_", loaded, loaded.take_dirty())
    loaded.keys.settle(written=True)
    assert loaded.keys.resident == {}
    assert snapshot(loaded) == snapshot(feed.state)
    database.close()
