"""The check as a pure function over an access state fed with domain events: every reason is
about the organisation asked, whatever else the advisor holds (no server, no database)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.grants.domain.advisor import Advisor
from services.grants.domain.platform import Platform
from services.projections.check import check_access
from services.projections.state import AccessState
from tests.support import ADVISOR_SERVICE, actor, platform_settings, random_kvk
from tests.unit.feed import NOW, PLATFORM, SERVICE, Feed

CLIENTS = 2_000


@pytest.fixture(scope="module")
def world() -> tuple[Feed, dict[str, str], Advisor]:
    """An advisor with CLIENTS active grants, and one employer in each other situation."""
    feed = Feed()
    feed(Platform(slug=PLATFORM, settings=platform_settings(), actor=SERVICE))
    advisor_ref = random_kvk()
    advisor = Advisor(platform=PLATFORM, organisation=advisor_ref, licence="AFM-1", actor=SERVICE)
    feed(advisor)
    named = {"advisor": advisor_ref}
    for situation in ("active", "pending", "revoked", "expired", "none", "unregistered"):
        named[situation] = random_kvk()
    for situation in ("active", "pending", "revoked", "expired", "none"):
        feed.employer(named[situation])
    for situation in ("active", "pending", "revoked", "expired"):
        feed.grant(named[situation], advisor_ref, situation)
    for _ in range(CLIENTS):
        client = random_kvk()
        feed.employer(client)
        feed.grant(client, advisor_ref, "active")
    return feed, named, advisor


def decide(state: AccessState, login: dict[str, Any], organisation: str) -> list[str]:
    decision = check_access(state, PLATFORM, login, organisation, "view", None, NOW + timedelta(2))
    return ["allowed"] if decision.allowed else [r.code for r in decision.reasons]


@pytest.mark.parametrize(
    ("situation", "reasons"),
    [
        ("active", ["allowed"]),
        ("pending", ["grant_pending_confirmation"]),
        ("revoked", ["grant_revoked"]),
        ("expired", ["grant_request_expired"]),
        ("none", ["no_grant"]),
        ("unregistered", ["no_grant", "organisation_unknown"]),
    ],
)
def test_reasons_are_about_the_organisation_asked(
    world: tuple[Feed, dict[str, str], Advisor], situation: str, reasons: list[str]
) -> None:
    feed, named, _ = world
    login = actor(named["advisor"], service=ADVISOR_SERVICE)
    assert decide(feed.state, login, named[situation]) == reasons


def test_an_advisor_with_nothing_gets_no_grant_for_a_registered_employer() -> None:
    feed = Feed()
    feed(Platform(slug=PLATFORM, settings=platform_settings(), actor=SERVICE))
    employer, advisor = random_kvk(), random_kvk()
    feed.employer(employer)
    login = actor(advisor, service=ADVISOR_SERVICE)
    assert decide(feed.state, login, employer) == ["no_grant"]
    assert decide(feed.state, login, random_kvk()) == ["no_grant", "organisation_unknown"]
    assert decide(feed.state, login, advisor) == ["organisation_unknown"]


def test_a_withdrawn_licence_denies_from_the_withdrawal_before_any_revocation() -> None:
    feed = Feed()
    feed(Platform(slug=PLATFORM, settings=platform_settings(), actor=SERVICE))
    employer, pending, advisor_ref = random_kvk(), random_kvk(), random_kvk()
    feed.employer(employer)
    feed.employer(pending)
    advisor = Advisor(platform=PLATFORM, organisation=advisor_ref, licence="AFM-1", actor=SERVICE)
    feed(advisor)
    feed.grant(employer, advisor_ref, "active")
    feed.grant(pending, advisor_ref, "pending")
    login = actor(advisor_ref, service=ADVISOR_SERVICE)
    assert decide(feed.state, login, employer) == ["allowed"]
    advisor.withdraw_licence(actor=SERVICE)
    feed(advisor)
    assert decide(feed.state, login, employer) == ["advisor_licence_withdrawn"]
    assert decide(feed.state, login, pending) == ["advisor_licence_withdrawn"]
    advisor.register_licence(licence="AFM-2", actor=SERVICE)
    feed(advisor)
    assert decide(feed.state, login, employer) == ["allowed"]
