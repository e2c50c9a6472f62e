"""The eHerkenning login rules as pure functions (DESIGN §1 steps 1–4): `evaluate_login` and
`check_access` over an access state fed with real domain events, no server, no database.

Own login (service and level), route B (an advisor's grant) and chain authorisation under
each platform policy: every reason code the HTTP tests in tests/integration/test_access_*.py
assert, with the allowed flag, rights and route of the decision.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.grants.domain.actor import ActorNotAuthorised
from services.grants.domain.grant import Grant
from services.projections.evaluation import evaluate_login
from services.projections.login import PlatformUnknown
from tests.support import ADVISOR_SERVICE, EDIT_SERVICE, LOA2, LOA3, VIEW_SERVICE, actor
from tests.unit.feed import (
    LATER,
    NOW,
    PLATFORM,
    SERVICE,
    Feed,
    Opened,
    Outcome,
    allow,
    credential_settings,
    deny,
    portals,
    refused,
)

LOA, EIDAS = "urn:etoegang:core:assurance-class:", "http://eidas.europa.eu/LoA/"
EH2, REQUIRES, NOT_ACCEPTED, EXTRANET = "eh2-portaal", "keten-portaal", "geen-keten", "extranet"
EMPLOYER, GROUP, OTHER = "kvk:10000001", "kvk:10000002", "kvk:10000003"
ADVISOR, WITHDRAWN, PENDER = "kvk:20000001", "kvk:20000002", "kvk:20000003"
STRANGER, LONELY, FORMER = "kvk:30000001", "kvk:30000002", "kvk:30000003"
UNLINKED = "urn:etoegang:DV:00000001003214345000:services:99"
# Route B: the advisor's grant from each employer, in one situation each (on every platform).
SITUATIONS = (
    "active_view",
    "active_edit",
    "pending",
    "revoked",
    "expired",
    "expiry_recorded",
    "rerequested",
    "none",
    "opened",
)
FROM = {situation: f"kvk:4{n:07d}" for n, situation in enumerate(SITUATIONS)}
GRANT_STATE = {s: s for s in SITUATIONS} | {
    "active_view": "active",
    "active_edit": "active",
    "rerequested": "expiry_recorded",
}
UNREGISTERED = "kvk:49999999"
# The withdrawn advisor's grants: taken before the withdrawal, then swept or not.
WITHDRAWN_FROM = tuple(f"kvk:5000000{n}" for n in range(5))
W_ACTIVE, W_PENDING, W_SWEPT, W_REVOKED, W_GROUP = WITHDRAWN_FROM


def route_b(feed: Feed, platform: str) -> None:
    """The advisors, their clients and the grants of every situation on one platform."""
    feed.advisor(ADVISOR, platform)
    for situation, employer in FROM.items():
        feed.employer(employer, platform)
        if situation == "none":
            continue
        if situation == "opened":  # a pair's stream, never requested
            feed(Grant(platform=platform, grantor=employer, grantee=ADVISOR, actor=SERVICE))
            continue
        grant = feed.grant(employer, ADVISOR, GRANT_STATE[situation], platform=platform)
        if situation == "active_edit":
            grant.change_rights("edit", actor=actor(employer), now=NOW)
        if situation == "rerequested":
            feed.request(grant, "view", "advisor", now=NOW + timedelta(days=1, hours=12))
        feed(grant)
    withdrawn = feed.advisor(WITHDRAWN, platform)
    for employer in (W_ACTIVE, W_PENDING, W_SWEPT, W_REVOKED):
        feed.employer(employer, platform)
    feed.employer(W_GROUP, platform, covered=(WITHDRAWN,))  # a group company, too
    swept = feed.grant(W_SWEPT, WITHDRAWN, "active", platform=platform)
    feed.grant(W_ACTIVE, WITHDRAWN, "active", platform=platform)
    feed.grant(W_PENDING, WITHDRAWN, "pending", platform=platform)
    feed.grant(W_REVOKED, WITHDRAWN, "revoked", platform=platform)
    feed.grant(W_GROUP, WITHDRAWN, "active", basis="group_company", platform=platform)
    feed.withdraw(withdrawn)
    swept.revoke(actor=SERVICE, reason="advisor_licence_withdrawn", now=NOW)  # the sweeper
    feed(swept)
    feed.advisor(PENDER, platform)
    feed.grant(OTHER, PENDER, "pending", platform=platform)


@pytest.fixture(scope="module")
def feed() -> Feed:
    feed = Feed()
    feed.platform()
    feed.platform(EH2, min_loa="EH2")
    feed.platform(REQUIRES, chain="requires_grant")
    feed.platform(NOT_ACCEPTED, chain="not_accepted")
    feed.platform(EXTRANET, settings=credential_settings())
    for platform in (PLATFORM, EH2, REQUIRES, NOT_ACCEPTED):
        feed.employer(EMPLOYER, platform, covered=(GROUP,))
        feed.employer(OTHER, platform)
    for platform in (PLATFORM, REQUIRES, NOT_ACCEPTED):
        route_b(feed, platform)
    feed.organisation(FORMER)  # covered by OTHER's second contract until it was narrowed
    narrowed, [_, former] = feed.contract("PC-2", OTHER, (FORMER,))
    narrowed.amend(holder=OTHER, covered=[OTHER], name="Pensioen", actor=SERVICE)
    former.remove_contract(contract="PC-2", actor=SERVICE)
    feed(narrowed, former)
    return feed


def own(ref: str = EMPLOYER, **overrides: Any) -> dict[str, Any]:
    return actor(ref, **overrides)


def adviser(ref: str = ADVISOR, service: str = ADVISOR_SERVICE) -> dict[str, Any]:
    return actor(ref, service=service)


def chain(employer: str = EMPLOYER, service: str = EDIT_SERVICE, **more: Any) -> dict[str, Any]:
    """A person of the advisor acting for the employer through a ketenmachtiging."""
    via = more.pop("intermediary", ADVISOR)
    return actor(employer, service=service, intermediary=via, person="keten-1", **more)


CREDENTIALS = {"method": "credentials", "user_id": "u-123"}
Row = tuple[str, str, dict[str, Any], str, str, str | None, Outcome]
# (case, platform, login, organisation asked, action, contract, decision)
# fmt: off
OWN: list[Row] = [
    ("edit service", PLATFORM, own(), EMPLOYER, "edit", None, allow("edit", "own")),
    ("view service", PLATFORM, own(service=VIEW_SERVICE), EMPLOYER, "view", None,
     allow("view", "own")),
    ("view service, edit", PLATFORM, own(service=VIEW_SERVICE), EMPLOYER, "edit", None,
     deny("rights_insufficient@own", rights="view", via="own")),
    *((f"loa {loa}", PLATFORM, own(loa=loa), EMPLOYER, "edit", None, deny("loa_too_low"))
      for loa in (LOA2, f"{LOA}loa2plus", f"{EIDAS}low", "urn:example:not-a-level")),
    *((f"loa {loa}", PLATFORM, own(loa=loa), EMPLOYER, "edit", None, allow("edit", "own"))
      for loa in (LOA3, f"{LOA}loa4", f"{EIDAS}substantial", f"{EIDAS}high")),
    ("eh2 platform, loa2", EH2, own(loa=LOA2), EMPLOYER, "edit", None, allow("edit", "own")),
    ("eh2 platform, loa2+", EH2, own(loa=f"{LOA}loa2plus"), EMPLOYER, "view", None,
     allow("edit", "own")),
    ("login failure first", PLATFORM, own(loa=LOA2), STRANGER, "view", None,
     deny("loa_too_low")),
    ("service not linked", PLATFORM, own(service=UNLINKED), EMPLOYER, "view", None,
     deny("service_not_linked")),
    ("advisor service on own", PLATFORM, own(service=ADVISOR_SERVICE), EMPLOYER, "view", None,
     deny("rights_insufficient@advisor")),
    ("unregistered, own", PLATFORM, own(STRANGER), STRANGER, "view", None,
     deny("organisation_unknown")),
    ("advisor asks itself", PLATFORM, adviser(LONELY), LONELY, "view", None,
     deny("organisation_unknown")),
    ("asks a stranger", PLATFORM, own(), STRANGER, "view", None,
     deny("no_grant", "organisation_unknown")),
    ("asks the advisor", PLATFORM, own(), ADVISOR, "view", None,
     deny("no_grant", "organisation_unknown")),
    ("asks its group", PLATFORM, own(), GROUP, "view", None, deny("no_grant")),
    ("coverage ended", PLATFORM, own(FORMER), FORMER, "view", None,
     deny("organisation_unknown")),
    ("group, own", PLATFORM, own(GROUP), GROUP, "edit", None, allow("edit", "own")),
    ("group asks employer", PLATFORM, own(GROUP), EMPLOYER, "view", None, deny("no_grant")),
    ("lonely advisor asks", PLATFORM, adviser(LONELY), EMPLOYER, "view", None,
     deny("no_grant")),
    ("credentials here", PLATFORM, CREDENTIALS, EMPLOYER, "view", None,
     deny("login_method_not_accepted")),
    ("eherkenning on extranet", EXTRANET, own(), EMPLOYER, "view", None,
     deny("login_method_not_accepted")),
    ("own contract", PLATFORM, own(), EMPLOYER, "edit", "PC-10000001", allow("edit", "own")),
    *((f"contract {c}", PLATFORM, own(), EMPLOYER, "edit", c,
       deny("contract_out_of_scope", rights="edit", via="own"))
      for c in ("PC-10000003", "PC-0")),
]
# fmt: on
# fmt: off
ROUTE_B: list[Row] = [
    ("active view", PLATFORM, adviser(), FROM["active_view"], "view", None,
     allow("view", "grant")),
    ("active view, edit", PLATFORM, adviser(), FROM["active_view"], "edit", None,
     deny("rights_insufficient@grant", rights="view", via="grant")),
    ("rights changed to edit", PLATFORM, adviser(), FROM["active_edit"], "edit", None,
     allow("edit", "grant")),
    *((f"advisor with {s}", PLATFORM, adviser(service=s), FROM["active_view"], "view", None,
       allow("view", "grant")) for s in (VIEW_SERVICE, EDIT_SERVICE)),
    ("pending", PLATFORM, adviser(), FROM["pending"], "view", None,
     deny("grant_pending_confirmation")),
    ("revoked", PLATFORM, adviser(), FROM["revoked"], "view", None, deny("grant_revoked")),
    ("link ran out", PLATFORM, adviser(), FROM["expired"], "view", None,
     deny("grant_request_expired")),
    ("expiry recorded", PLATFORM, adviser(), FROM["expiry_recorded"], "edit", None,
     deny("grant_request_expired")),
    ("requested again", PLATFORM, adviser(), FROM["rerequested"], "view", None,
     deny("grant_pending_confirmation")),
    ("no grant", PLATFORM, adviser(), FROM["none"], "view", None, deny("no_grant")),
    ("never requested", PLATFORM, adviser(), FROM["opened"], "view", None, deny("no_grant")),
    ("unregistered", PLATFORM, adviser(), UNREGISTERED, "view", None,
     deny("no_grant", "organisation_unknown")),
    ("grant's contract", PLATFORM, adviser(), FROM["active_edit"], "edit", "PC-40000001",
     allow("edit", "grant")),
    *((f"contract {c}", PLATFORM, adviser(), FROM["active_edit"], "view", c,
       deny("contract_out_of_scope", rights="edit", via="grant"))
      for c in ("PC-10000001", "PC-0")),
    *((f"withdrawn, {ref}", PLATFORM, adviser(WITHDRAWN), ref, "view", None,
       deny("advisor_licence_withdrawn")) for ref in (W_ACTIVE, W_PENDING, W_SWEPT)),
    ("withdrawn, revoked before", PLATFORM, adviser(WITHDRAWN), W_REVOKED, "view", None,
     deny("grant_revoked")),
    ("withdrawn, group company", PLATFORM, adviser(WITHDRAWN), W_GROUP, "view", None,
     allow("view", "grant")),
    ("not accepted chain", NOT_ACCEPTED, adviser(), FROM["active_edit"], "edit", None,
     allow("edit", "grant")),
]
# fmt: on
# fmt: off
CHAIN: list[Row] = [
    ("sufficient, edit", PLATFORM, chain(), EMPLOYER, "edit", None, allow("edit", "chain")),
    ("sufficient, view", PLATFORM, chain(service=VIEW_SERVICE), EMPLOYER, "view", None,
     allow("view", "chain")),
    ("sufficient, view, edit", PLATFORM, chain(service=VIEW_SERVICE), EMPLOYER, "edit", None,
     deny("rights_insufficient@chain", rights="view", via="chain")),
    ("sufficient, advisor service", PLATFORM, chain(service=ADVISOR_SERVICE), EMPLOYER, "view",
     None, deny("rights_insufficient@advisor")),
    ("sufficient, unregistered", PLATFORM, chain(STRANGER), STRANGER, "view", None,
     deny("organisation_unknown")),
    ("sufficient, another", PLATFORM, chain(), GROUP, "view", None, deny("no_grant")),
    ("sufficient, loa2", PLATFORM, chain(loa=LOA2), EMPLOYER, "view", None,
     deny("loa_too_low")),
    ("sufficient, contract", PLATFORM, chain(), EMPLOYER, "view", "PC-10000003",
     deny("contract_out_of_scope", rights="edit", via="chain")),
    ("requires, no grant", REQUIRES, chain(FROM["none"]), FROM["none"], "view", None,
     deny("chain_without_grant")),
    ("requires, view grant", REQUIRES, chain(FROM["active_view"]), FROM["active_view"], "view",
     None, allow("view", "chain")),
    ("requires, view grant, edit", REQUIRES, chain(FROM["active_view"]), FROM["active_view"],
     "edit", None, deny("rights_insufficient@chain", rights="view", via="chain")),
    ("requires, edit grant", REQUIRES, chain(FROM["active_edit"]), FROM["active_edit"], "edit",
     None, allow("edit", "chain")),
    ("requires, edit grant, view service", REQUIRES,
     chain(FROM["active_edit"], VIEW_SERVICE), FROM["active_edit"], "edit", None,
     deny("rights_insufficient@chain", rights="view", via="chain")),
    ("requires, another", REQUIRES, chain(FROM["active_edit"]), EMPLOYER, "view", None,
     deny("no_grant")),
    ("requires, advisor service", REQUIRES, chain(FROM["active_edit"], ADVISOR_SERVICE),
     FROM["active_edit"], "view", None, deny("rights_insufficient@advisor")),
    ("requires, unregistered", REQUIRES, chain(UNREGISTERED), UNREGISTERED, "view", None,
     deny("organisation_unknown")),
    *((f"requires, {s}", REQUIRES, chain(FROM[s]), FROM[s], "view", None,
       deny(reason, "chain_without_grant"))
      for s, reason in (("pending", "grant_pending_confirmation"),
                        ("revoked", "grant_revoked"),
                        ("expired", "grant_request_expired"),
                        ("expiry_recorded", "grant_request_expired"),
                        ("rerequested", "grant_pending_confirmation"))),
    ("requires, never requested", REQUIRES, chain(FROM["opened"]), FROM["opened"], "view",
     None, deny("no_grant", "chain_without_grant")),
    ("requires, swept", REQUIRES, chain(W_SWEPT, intermediary=WITHDRAWN), W_SWEPT, "view",
     None, deny("advisor_licence_withdrawn", "chain_without_grant")),
    *((f"not accepted, {s}", NOT_ACCEPTED, chain(FROM[s]), FROM[s], "view", None,
       deny("chain_not_accepted")) for s in ("active_edit", "none")),
    ("not accepted, unregistered", NOT_ACCEPTED, chain(STRANGER), STRANGER, "view", None,
     deny("chain_not_accepted")),
]
# fmt: on


@pytest.mark.parametrize(
    ("platform", "login", "organisation", "action", "contract", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in OWN + ROUTE_B + CHAIN],
)
def test_check(
    feed: Feed,
    platform: str,
    login: dict[str, Any],
    organisation: str,
    action: str,
    contract: str | None,
    expected: Outcome,
) -> None:
    assert feed.check(login, organisation, action, contract, platform) == expected


# (case, platform, login, what the login opens or why not)
# fmt: off
LOGINS: list[tuple[str, str, dict[str, Any], Opened]] = [
    ("own edit", PLATFORM, own(), portals((EMPLOYER, "edit", "own"))),
    ("own view", PLATFORM, own(service=VIEW_SERVICE), portals((EMPLOYER, "view", "own"))),
    ("group", PLATFORM, own(GROUP), portals((GROUP, "edit", "own"))),
    ("loa2", PLATFORM, own(loa=LOA2), refused("loa_too_low")),
    ("eh2, loa2", EH2, own(loa=LOA2), portals((EMPLOYER, "edit", "own"))),
    ("unlinked", PLATFORM, own(service=UNLINKED), refused("service_not_linked")),
    ("credentials here", PLATFORM, CREDENTIALS, refused("login_method_not_accepted")),
    ("extranet", EXTRANET, own(), refused("login_method_not_accepted")),
    ("unregistered", PLATFORM, own(STRANGER), refused("organisation_unknown")),
    ("coverage ended", PLATFORM, own(FORMER), refused("organisation_unknown")),
    ("lonely advisor", PLATFORM, adviser(LONELY), refused("organisation_unknown")),
    ("pending only", PLATFORM, adviser(PENDER), refused("organisation_unknown")),
    ("advisor service on own", PLATFORM, own(service=ADVISOR_SERVICE),
     refused("rights_insufficient@advisor")),
    *((f"advisor, {s}", PLATFORM, adviser(service=s), portals(
        (FROM["active_view"], "view", "grant"), (FROM["active_edit"], "edit", "grant")))
      for s in (ADVISOR_SERVICE, VIEW_SERVICE, EDIT_SERVICE)),
    ("withdrawn advisor", PLATFORM, adviser(WITHDRAWN), portals((W_GROUP, "view", "grant"))),
    ("sufficient chain", PLATFORM, chain(), portals((EMPLOYER, "edit", "chain"))),
    ("sufficient chain, view", PLATFORM, chain(service=VIEW_SERVICE),
     portals((EMPLOYER, "view", "chain"))),
    ("sufficient chain, advisor service", PLATFORM, chain(service=ADVISOR_SERVICE),
     refused("rights_insufficient@advisor")),
    ("sufficient chain, unregistered", PLATFORM, chain(STRANGER), refused("organisation_unknown")),
    ("requires, no grant", REQUIRES, chain(FROM["none"]), refused("chain_without_grant")),
    ("requires, view grant", REQUIRES, chain(FROM["active_view"]),
     portals((FROM["active_view"], "view", "chain"))),
    ("requires, revoked", REQUIRES, chain(FROM["revoked"]),
     refused("grant_revoked", "chain_without_grant")),
    ("requires, pending", REQUIRES, chain(FROM["pending"]),
     refused("grant_pending_confirmation", "chain_without_grant")),
    ("not accepted", NOT_ACCEPTED, chain(FROM["active_edit"]), refused("chain_not_accepted")),
]
# fmt: on


@pytest.mark.parametrize(
    ("platform", "login", "expected"), [pytest.param(*row[1:], id=row[0]) for row in LOGINS]
)
def test_login(feed: Feed, platform: str, login: dict[str, Any], expected: Opened) -> None:
    assert feed.login(login, platform) == expected


@pytest.mark.parametrize(
    ("platform", "login"),
    [pytest.param(row[1], row[2], id=row[0]) for row in OWN + ROUTE_B + CHAIN],
)
def test_check_agrees_with_the_login(feed: Feed, platform: str, login: dict[str, Any]) -> None:
    """A check opens exactly the portals the whole login opens, with their rights and route."""
    whole = evaluate_login(feed.state, platform, login, LATER)
    asked = [EMPLOYER, GROUP, OTHER, ADVISOR, STRANGER, FORMER, UNREGISTERED]
    asked += [*FROM.values(), *WITHDRAWN_FROM]
    for organisation in asked:
        decision = feed.check(login, organisation, "view", None, platform)
        portal = whole.portals.get(organisation)
        assert decision.allowed is (portal is not None), organisation
        if portal is not None:
            assert (decision.rights, decision.via) == (portal.rights, portal.via)
        else:
            assert (decision.rights, decision.via) == (None, None) and decision.reasons


def test_a_confirmation_link_runs_out_at_its_expiry_instant(feed: Feed) -> None:
    """Pending until the instant the link expires (7 days after NOW), expired from then on."""
    expiry = NOW + timedelta(days=7)
    asked = FROM["pending"]
    assert feed.check(adviser(), asked, now=expiry - timedelta(microseconds=1)) == deny(
        "grant_pending_confirmation"
    )
    assert feed.check(adviser(), asked, now=expiry) == deny("grant_request_expired")
    assert feed.check(chain(asked), asked, platform=REQUIRES, now=expiry) == deny(
        "grant_request_expired", "chain_without_grant"
    )


def test_an_unknown_platform_is_not_found(feed: Feed) -> None:
    with pytest.raises(PlatformUnknown) as raised:
        feed.check(own(), EMPLOYER, platform="nergens")
    assert raised.value.code == "not_found"
    with pytest.raises(PlatformUnknown):
        feed.login(CREDENTIALS, "nergens")


def test_a_service_actor_is_no_login(feed: Feed) -> None:
    """The API's schema admits eHerkenning and credential actors only; anything else raises."""
    with pytest.raises(ActorNotAuthorised):
        feed.login({"method": "service", "client": "portal"})


def test_a_requires_grant_chain_on_a_withdrawn_licence_is_denied(feed: Feed) -> None:
    login = chain(W_ACTIVE, intermediary=WITHDRAWN)
    assert feed.check(login, W_ACTIVE, platform=REQUIRES) == deny(
        "advisor_licence_withdrawn", "chain_without_grant"
    )
