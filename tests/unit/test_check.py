"""The check as a pure function over an access state fed with domain events: every reason is
about the organisation asked, whatever else the advisor holds (no server, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from eventsourcing.domain import Aggregate

from services.grants.domain.advisor import Advisor
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.tokens import ConfirmationTokens
from services.projections.check import check_access
from services.projections.state import AccessState
from tests.support import ADVISOR_SERVICE, actor, platform_settings, random_kvk

PLATFORM = "testportaal"
SERVICE = {"method": "service", "client": "test"}
TOKENS = ConfirmationTokens(b"k" * 32)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
CLIENTS = 2_000


class Feed:
    """An access state built from the events of real aggregates, in log order."""

    def __init__(self) -> None:
        self.state, self.position = AccessState(), 0

    def __call__(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            for event in aggregate.collect_events():
                self.position += 1
                self.state.apply(event, self.position)

    def employer(self, ref: str) -> None:
        contract = f"PC-{ref[4:]}"
        coverage = Coverage(platform=PLATFORM, organisation=ref, actor=SERVICE)
        coverage.add_contract(contract=contract, actor=SERVICE)
        self(
            Organisation(ref=ref, name="Werkgever", contact_email="hr@example.nl", actor=SERVICE),
            Contract(
                platform=PLATFORM,
                contract=contract,
                holder=ref,
                covered=[ref],
                name="Pensioen",
                actor=SERVICE,
            ),
            coverage,
        )

    def grant(self, grantor: str, grantee: str, to: str) -> Grant:
        """A grant taken to `to`: pending, active, revoked or expired."""
        grant = Grant(platform=PLATFORM, grantor=grantor, grantee=grantee, actor=SERVICE)
        grant.request(
            rights="view", basis="advisor", actor=SERVICE, now=NOW, expires_at=NOW + timedelta(1)
        )
        issued = TOKENS.issue(grant.id)
        grant.issue_confirmation(
            confirmation_id=issued.confirmation_id,
            token_hash=issued.token_hash,
            sent_to="hr@example.nl",
            expires_at=NOW + timedelta(days=1 if to == "expired" else 7),
            actor=SERVICE,
        )
        if to in ("active", "revoked"):
            grant.confirm(issued.token_hash, actor=SERVICE, now=NOW)
        if to == "revoked":
            grant.revoke(actor=SERVICE, reason="einde opdracht", now=NOW)
        self(grant)
        return grant


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
