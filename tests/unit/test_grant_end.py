"""A grant's end date (valid_until): the aggregate's rules, the check, the portals and the
listings, over an access state fed with real domain events (no server, no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from services.grants.domain.grant import Grant, ValidUntilPast
from services.projections import queries
from tests.support import ADVISOR_SERVICE, EDIT_SERVICE, actor
from tests.unit.feed import NOW, SERVICE, TOKENS, Feed, Opened, Outcome, allow, deny, portals

PORTAL, REQUIRES = "testportaal", "keten-portaal"
EMPLOYER, ADVISOR, STAYING = "kvk:60000001", "kvk:60000002", "kvk:60000003"
LAST_DAY = date(2026, 12, 10)
ON_LAST_DAY = datetime.combine(LAST_DAY, datetime.max.time(), NOW.tzinfo)  # 23:59:59.999999
DAY_AFTER = ON_LAST_DAY + timedelta(microseconds=1)


def requested(platform: str, grantor: str, valid_until: date | None, now: datetime = NOW) -> Grant:
    grant = Grant(platform=platform, grantor=grantor, grantee=ADVISOR, actor=SERVICE)
    link_ends = now + timedelta(days=7)
    grant.request("view", "advisor", SERVICE, now, link_ends, valid_until)
    issued = TOKENS.issue(grant.id)
    grant.issue_confirmation(issued.confirmation_id, issued.token_hash, "hr@x", link_ends, SERVICE)
    grant.confirm(issued.token_hash, SERVICE, now)
    return grant


@pytest.fixture(scope="module")
def feed() -> Feed:
    feed = Feed()
    for platform, chain in ((PORTAL, "sufficient"), (REQUIRES, "requires_grant")):
        feed.platform(platform, chain=chain)
        feed.advisor(ADVISOR, platform)
        for employer, until in ((EMPLOYER, LAST_DAY), (STAYING, None)):
            feed.employer(employer, platform)
            feed(requested(platform, employer, until))
    return feed


def adviser() -> dict[str, Any]:
    return actor(ADVISOR, service=ADVISOR_SERVICE)


def keten() -> dict[str, Any]:
    return actor(EMPLOYER, service=EDIT_SERVICE, intermediary=ADVISOR, person="keten-1")


# (case, platform, login, when, the check's outcome for EMPLOYER)
EXPIRY: list[tuple[str, str, dict[str, Any], datetime, Outcome]] = [
    ("the day before", PORTAL, adviser(), ON_LAST_DAY - timedelta(days=1), allow("view", "grant")),
    ("the last day", PORTAL, adviser(), ON_LAST_DAY, allow("view", "grant")),
    ("the day after", PORTAL, adviser(), DAY_AFTER, deny("grant_expired")),
    ("chain, last day", REQUIRES, keten(), ON_LAST_DAY, allow("view", "chain")),
    ("chain, after", REQUIRES, keten(), DAY_AFTER, deny("grant_expired", "chain_without_grant")),
]  # fmt: skip
LOGINS: list[tuple[str, datetime, Opened]] = [
    ("the last day", ON_LAST_DAY, portals((EMPLOYER, "view", "grant"), (STAYING, "view", "grant"))),
    ("the day after", DAY_AFTER, portals((STAYING, "view", "grant"))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("platform", "login", "now", "expected"), [pytest.param(*r[1:], id=r[0]) for r in EXPIRY]
)
def test_check(
    feed: Feed, platform: str, login: dict[str, Any], now: datetime, expected: Outcome
) -> None:
    assert feed.check(login, EMPLOYER, platform=platform, now=now) == expected


@pytest.mark.parametrize(("now", "expected"), [pytest.param(*r[1:], id=r[0]) for r in LOGINS])
def test_the_portals_drop_an_ended_grant(feed: Feed, now: datetime, expected: Opened) -> None:
    assert feed.login(adviser(), now=now) == expected


def test_the_listings_show_the_end_and_drop_or_mark_it(feed: Feed) -> None:
    clients = queries.advisor_clients(feed.state, PORTAL, ADVISOR, DAY_AFTER)
    assert [c["grantor"] for c in clients["clients"]] == [STAYING]
    given = queries.organisation_grants(feed.state, PORTAL, EMPLOYER, DAY_AFTER)["given"]
    assert [(g["status"], g["valid_until"]) for g in given] == [("ended", "2026-12-10")]
    before = queries.advisor_clients(feed.state, PORTAL, ADVISOR, ON_LAST_DAY)
    assert {c["grantor"]: c["valid_until"] for c in before["clients"]} == {
        EMPLOYER: "2026-12-10",
        STAYING: None,
    }


def test_a_recorded_expiry_still_answers_grant_expired() -> None:
    feed = Feed()
    feed.platform()
    feed.advisor(ADVISOR)
    feed.employer(EMPLOYER)
    grant = requested(PORTAL, EMPLOYER, LAST_DAY)
    assert not grant.expire_if_due(ON_LAST_DAY, SERVICE)
    assert grant.expire_if_due(DAY_AFTER, SERVICE)
    assert not grant.expire_if_due(DAY_AFTER + timedelta(days=1), SERVICE)  # once
    feed(grant)
    assert feed.state.grants[str(grant.id)].status == "ended"
    assert feed.check(adviser(), EMPLOYER, now=DAY_AFTER) == deny("grant_expired")


def test_an_end_date_in_the_past_is_refused_naming_the_field() -> None:
    grant = Grant(platform="p", grantor=EMPLOYER, grantee=ADVISOR, actor=SERVICE)
    with pytest.raises(ValidUntilPast) as refused:
        grant.request("view", "advisor", SERVICE, NOW, NOW, NOW.date() - timedelta(days=1))
    assert (refused.value.code, refused.value.facts) == (
        "invalid_request",
        {"field": "valid_until"},
    )
    assert refused.value.key == "invalid_request@valid_until_past"
    grant.request("view", "advisor", SERVICE, NOW, NOW + timedelta(1), NOW.date())  # today: fine


def test_the_reminder_is_recorded_once_per_end_date() -> None:
    grant = requested("p", EMPLOYER, LAST_DAY)
    early = DAY_AFTER - timedelta(days=16)  # 15 days before the last day
    assert not grant.remind_if_due(early, 14, SERVICE)
    assert grant.remind_if_due(early + timedelta(days=1), 14, SERVICE)
    assert not grant.remind_if_due(ON_LAST_DAY, 14, SERVICE)
    grant.change_rights("view", SERVICE, ON_LAST_DAY, LAST_DAY + timedelta(days=30))
    assert not grant.remind_if_due(ON_LAST_DAY, 14, SERVICE)  # the new end is far off
    assert grant.remind_if_due(ON_LAST_DAY + timedelta(days=20), 14, SERVICE)
    kinds = [type(e).__name__ for e in grant.collect_events()]
    assert kinds.count("EndReminderDue") == 2 and kinds.count("RightsChanged") == 1


def test_a_change_of_terms_records_only_what_changed() -> None:
    grant = requested("p", EMPLOYER, LAST_DAY)
    grant.collect_events()
    grant.change_rights("view", SERVICE, NOW)  # no end given: it stays
    grant.change_rights("view", SERVICE, NOW, LAST_DAY)  # the same end
    assert grant.collect_events() == [] and grant.valid_until == LAST_DAY
    with pytest.raises(ValidUntilPast):
        grant.change_rights("view", SERVICE, NOW, NOW.date() - timedelta(days=1))


def test_an_ended_grant_is_recorded_ended_before_it_is_requested_again() -> None:
    grant = requested("p", EMPLOYER, LAST_DAY)
    grant.collect_events()
    grant.request("edit", "advisor", SERVICE, DAY_AFTER, DAY_AFTER + timedelta(days=7))
    kinds = [type(e).__name__ for e in grant.collect_events()]
    assert kinds == ["Expired", "Requested"]
    assert (grant.valid_until, grant.reminded_for) == (None, None)
