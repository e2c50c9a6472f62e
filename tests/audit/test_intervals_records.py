"""The access intervals the audit projection records, on SQLite and PostgreSQL: restarts, a grant's
approval and rights changes, a user's end at midnight after valid_until, and the instants as
text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from services.audit import projection as audit_projection
from services.audit.timefmt import day_after, instant, parse_instant
from services.audit.views import access_at, intervals_of
from services.grants.domain.grant import Grant
from tests.audit.interval_support import (
    MICRO,
    Office,
    Parts,
    assert_agrees,
    build_office,
    confirm,
    fiche,
    is_a,
    positions_of,
)
from tests.world import build_world


def test_a_restarted_projection_continues_without_applying_anything_twice(
    parts: Parts, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, world = parts.app, build_world(parts.app)
    app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", world.employer_actor()
    )
    first = parts.projection(batch_size=4)
    assert first.catch_up() == parts.log.head()
    second = parts.projection()
    assert second.position == first.position and second.catch_up() == 0
    grant_id = Grant.create_id(world.platform, world.employer, world.advisor)
    confirm(app, grant_id)
    app.grants.change_rights(str(grant_id), "edit", world.employer_actor())
    head = parts.log.head()
    assert second.catch_up() == head - first.position
    assert first.process_batch() == 0  # behind the stored position: reloads, writes nothing
    assert first.position == head and first.catch_up() == 0
    assert parts.count("SELECT COUNT(*) FROM audit_events") == head
    assert parts.count("SELECT applied FROM audit_tracking") == head
    assert parts.count("SELECT COUNT(*) FROM audit_intervals") == 2
    timeline = intervals_of(parts.database, world.platform, world.employer)
    monkeypatch.setattr(audit_projection, "AUDIT_VERSION", "audit-test")
    renewed = parts.projection()  # another version: the tables are dropped and replayed
    assert renewed.position == 0 and renewed.catch_up() == head
    assert intervals_of(parts.database, world.platform, world.employer) == timeline
    assert parts.count("SELECT applied FROM audit_tracking") == head


def test_a_grant_interval_records_approval_and_keeps_since_across_rights_changes(
    parts: Parts,
) -> None:
    app, world = parts.app, build_world(parts.app)
    app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", world.employer_actor()
    )
    grant_id = Grant.create_id(world.platform, world.employer, world.advisor)
    confirm(app, grant_id, "mail-link")
    parts.clock.advance(timedelta(hours=1))
    changed = app.grants.change_rights(str(grant_id), "edit", world.employer_actor())["position"]
    parts.clock.advance(timedelta(hours=1))
    app.grants.revoke_grant(str(grant_id), world.employer_actor(), "done")
    parts.projection().catch_up()
    first, second = intervals_of(parts.database, world.platform, world.employer)
    assert (first["rights"], second["rights"]) == ("view", "edit")
    assert first["approved_by"] == {"method": "confirmation_link", "client": "mail-link"}
    assert second["approved_by"]["legal_subject"] == world.employer
    assert first["since"] == second["since"] == first["valid_from"]
    assert first["valid_to"] == second["valid_from"] and first["to_position"] == changed
    assert second["valid_to"] is not None and second["to_position"] == parts.log.head()
    assert {first["route"], second["route"], first["holder"]} == {"grant", world.advisor}
    assert first["scope"] is None and first["kind"] == "grant"
    during = parse_instant(second["valid_from"]) + timedelta(minutes=1)
    answers = access_at(parts.database, world.platform, world.employer, during)
    assert [(a["kind"], a["holder"], a["rights"]) for a in answers] == [
        ("grant", world.advisor, "edit")
    ]


def user_interval(parts: Parts, office: Office, login: str) -> dict[str, Any]:
    rows = intervals_of(parts.database, office.platform, office.organisation)
    return next(row for row in rows if row["holder"] == login)


def holders(parts: Parts, office: Office, at: datetime) -> list[str]:
    answers = access_at(parts.database, office.platform, office.organisation, at)
    return [answer["holder"] for answer in answers]


def test_a_user_loses_access_at_midnight_after_valid_until_without_any_event(
    parts: Parts,
) -> None:
    app, office = parts.app, build_office(parts.app)
    cut = parse_instant(day_after(app.clock().date()) or "")
    terms = fiche(office, "view", False, 0)
    made = app.users.create_user(office.platform, office.organisation, office.master_actor(), terms)
    projection = parts.projection()
    projection.catch_up()
    user = user_interval(parts, office, made["login"])
    assert (user["valid_to"], user["to_position"]) == (instant(cut), None)
    assert (user["scope"], user["route"]) == ([office.contract], "credentials")
    assert user["approved_by"] == office.master_actor()
    master = intervals_of(parts.database, office.platform, office.organisation)[0]
    assert (master["route"], master["scope"], master["valid_to"]) == ("master_user", "all", None)
    assert master["approved_by"] == {"method": "service", "client": "staff"}
    assert made["login"] in holders(parts, office, cut - MICRO)
    assert made["login"] not in holders(parts, office, cut)
    parts.clock.advance(timedelta(days=2))
    app.users.expire_user(made["user_id"])
    projection.catch_up()
    expired = positions_of(parts.events(), also=is_a("PlatformUser.Expired"))
    ended = user_interval(parts, office, made["login"])
    assert (ended["valid_to"], [ended["to_position"]]) == (instant(cut), expired)
    assert_agrees(parts, parts.events(), [(office.platform, office.organisation)])


def test_an_event_before_the_cut_off_pulls_the_end_earlier(parts: Parts) -> None:
    app, office = parts.app, build_office(parts.app)
    terms = fiche(office, "edit", True, 1)
    made = app.users.create_user(office.platform, office.organisation, office.master_actor(), terms)
    parts.clock.advance(timedelta(hours=1))
    app.users.revoke_user(
        office.platform, office.organisation, made["user_id"], office.master_actor(), "left"
    )
    parts.projection().catch_up()
    revoked = [(e, p) for e, p in parts.events() if is_a("PlatformUser.Revoked")(e)]
    ended = user_interval(parts, office, made["login"])
    assert [(ended["valid_to"], ended["to_position"])] == [
        (instant(e.timestamp), p) for e, p in revoked
    ]
    assert made["login"] not in holders(parts, office, revoked[0][0].timestamp)
    assert_agrees(parts, parts.events(), [(office.platform, office.organisation)])


def test_instants_are_fixed_width_utc_text_and_parse_back() -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert instant(moment) == "2026-03-01T09:30:00.000000Z"
    assert instant(datetime(5, 1, 1)) == "0005-01-01T00:00:00.000000Z"
    assert parse_instant("2026-03-01T10:30:00+01:00") == moment
    assert parse_instant("2026-03-01T09:30:00Z") == parse_instant("2026-03-01T09:30:00") == moment
    assert instant(parse_instant("2026-03-01T11:30:00.5+02:00")) == "2026-03-01T09:30:00.500000Z"
    assert day_after(date(2026, 2, 28)) == "2026-03-01T00:00:00.000000Z"
    assert day_after(date.max) is None
    with pytest.raises(ValueError, match="Invalid isoformat"):
        parse_instant("yesterday")
    stamps = [moment + timedelta(microseconds=n) * 10**k for n in (1, 7) for k in range(12)]
    assert sorted(map(instant, stamps)) == [instant(s) for s in sorted(stamps)]
