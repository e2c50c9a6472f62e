"""The credential-platform login rules as pure functions (DESIGN §1 step 5): `evaluate_login`
and `check_access` for Ethias-style user fiches, over an access state fed with real events.

Active, revoked, expired (valid_until) and superseded fiches, codes not yet activated,
contract scopes, master users, other platforms and organisations: every reason code the HTTP
tests in tests/integration/test_credentials_*.py assert, with the decision's rights and route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from services.grants.domain.coverage import Coverage
from services.projections.evaluation import evaluate_login
from tests.support import platform_settings
from tests.unit.feed import (
    LATER,
    NOW,
    SERVICE,
    TODAY,
    Feed,
    Opened,
    Outcome,
    allow,
    credential_settings,
    credentials,
    deny,
    portals,
    refused,
)

EXTRANET, WETTELIJK, EHERKENNING = "ethias-aanvullend", "ethias-wettelijk", "eherkenning-portaal"
ORG, NEIGHBOUR, STRANGER = "kbo:0403170701", "kbo:0202239951", "kbo:0417497106"
RENEWED, LAGGING, ORPHANED = "kbo:0403199702", "kbo:0404616494", "kbo:0405460582"
FIRST, SECOND, MOVED, FOREIGN = "GRP-1", "GRP-2", "GRP-3", "GRP-9"
UNKNOWN = str(uuid4())


@dataclass
class Site:
    feed: Feed
    users: dict[str, str]  # user ids by the names the tables use

    def actor(self, name: str) -> dict[str, Any]:
        return credentials(self.users.get(name, name))


def users_of_org(feed: Feed, users: dict[str, str]) -> None:
    """ORG's agreement on EXTRANET and a fiche in every situation."""
    agreement = feed.agreement(ORG, platform=EXTRANET)
    replaced = feed.master(agreement)
    feed.activate(replaced)
    kept = feed.user(agreement)
    replaced.revoke(reason="master_user_replaced", actor=SERVICE)  # a new master-user form
    agreement.remove_user(user_id=str(replaced.id))
    feed(replaced, agreement)
    master = feed.master(agreement)
    feed.activate(master)
    internal = feed.user(agreement, contracts=[FIRST])  # its code never activated
    consultant = feed.user(
        agreement,
        rights="edit",
        external=True,
        assignment="Actuarieel advies 2025",
        valid_until=NOW.date() + timedelta(days=90),
    )
    changed = feed.user(agreement, contracts=[FIRST])
    wider = {**changed.fiche, "rights": "edit", "contracts": [FIRST, SECOND]}
    changed.replace_profile(fiche=wider, actor=credentials(master))
    feed(changed)
    revoked = feed.user(agreement)
    revoked.revoke(reason="heeft de onderneming verlaten", actor=credentials(master))
    feed(revoked)
    external: dict[str, Any] = {"external": True, "assignment": "Audit"}
    last_day = feed.user(agreement, **external, valid_until=TODAY)
    past = feed.user(agreement, **external, valid_until=TODAY - timedelta(days=1))
    recorded = feed.user(agreement, **external, valid_until=NOW.date())
    assert recorded.expire_if_due(TODAY, actor=SERVICE)  # the sweeper
    feed(recorded)
    revoked_past = feed.user(agreement, **external, valid_until=NOW.date())
    revoked_past.revoke(reason="einde opdracht", actor=SERVICE)
    feed(revoked_past)
    listed = feed.user(agreement, contracts=[MOVED])
    everything = feed.user(agreement, rights="edit")
    made = locals()  # each user fiche above, by the name the tests ask it by
    names = "replaced kept master internal consultant changed revoked last_day past recorded"
    names += " revoked_past listed everything"
    users.update({name: str(made[name].id) for name in names.split()})


def superseded(feed: Feed, users: dict[str, str]) -> None:
    """A new agreement reference revokes every user of the old one; one only replaces it."""
    agreement = feed.agreement(RENEWED, "EXT-A", EXTRANET)
    old_master, user, gone = feed.master(agreement), feed.user(agreement), feed.user(agreement)
    gone.revoke(reason="einde opdracht", actor=SERVICE)
    agreement.remove_user(user_id=str(gone.id))
    feed(gone, agreement)
    left_behind = agreement.sign("EXT-B", "nieuw@example.be", date(2026, 6, 1), SERVICE)
    assert left_behind == [str(old_master.id), str(user.id)]
    for left in (old_master, user):
        left.revoke(reason="agreement_superseded", actor=SERVICE)
    feed(agreement, old_master, user)  # saved together, as the app does
    new_master, newcomer = feed.master(agreement), feed.user(agreement)
    lagging = feed.agreement(LAGGING, "EXT-A", EXTRANET)
    behind = feed.user(lagging)
    lagging.sign("EXT-B", "nieuw@example.be", date(2026, 6, 1), SERVICE)
    feed(lagging)  # the Superseded event, before the users' revocations are recorded
    orphan = feed.user(feed.agreement(ORPHANED, platform=EXTRANET, feed=False), feed=False)
    feed(orphan)  # a fiche whose agreement the state never saw
    for name, found in (
        ("old_master", old_master),
        ("superseded", user),
        ("gone", gone),
        ("new_master", new_master),
        ("newcomer", newcomer),
        ("behind", behind),
        ("orphan", orphan),
    ):
        users[name] = str(found.id)


@pytest.fixture(scope="module")
def site() -> Site:
    feed, users = Feed(), dict[str, str]()
    feed.platform(EXTRANET, settings=credential_settings())
    feed.platform(WETTELIJK, settings=credential_settings())
    feed.platform(EHERKENNING, settings=platform_settings())
    for ref in (ORG, NEIGHBOUR, STRANGER, RENEWED, LAGGING, ORPHANED):
        feed.organisation(ref)
    for contract in (FIRST, SECOND):
        feed.contract(contract, ORG, platform=EXTRANET)
    moved, [moving] = feed.contract(MOVED, ORG, platform=EXTRANET)
    feed.contract(FOREIGN, NEIGHBOUR, platform=EXTRANET)
    for ref in (RENEWED, LAGGING, ORPHANED):
        feed.contract(f"GRP-{ref[-4:]}", ref, platform=EXTRANET)
    users_of_org(feed, users)
    users["neighbour"] = str(feed.master(feed.agreement(NEIGHBOUR, platform=EXTRANET)).id)
    users["wettelijk"] = str(feed.master(feed.agreement(ORG, "EXT-W", WETTELIJK)).id)
    superseded(feed, users)
    # MOVED is transferred to the stranger: it no longer covers ORG (as the reference app does).
    moved.amend(holder=STRANGER, covered=[STRANGER], name="Overgedragen", actor=SERVICE)
    moving.remove_contract(contract=MOVED, actor=SERVICE)
    taking = Coverage(platform=EXTRANET, organisation=STRANGER, actor=SERVICE)
    taking.add_contract(contract=MOVED, actor=SERVICE)
    feed(moved, moving, taking)
    return Site(feed, users)


# fmt: off
Row = tuple[str, str, str, str, str | None, str, Outcome]
# (case, user, organisation asked, action, contract, platform, decision)
CHECKS: list[Row] = [
    ("master, edit", "master", ORG, "edit", None, EXTRANET, allow("edit", "user")),
    ("master, any contract", "master", ORG, "edit", SECOND, EXTRANET, allow("edit", "user")),
    ("code not yet activated", "internal", ORG, "view", None, EXTRANET, allow("view", "user")),
    ("its contract", "internal", ORG, "view", FIRST, EXTRANET, allow("view", "user")),
    ("view fiche, edit", "internal", ORG, "edit", None, EXTRANET,
     deny("rights_insufficient@user", rights="view", via="user")),
    ("another contract of the organisation", "internal", ORG, "view", SECOND, EXTRANET,
     deny("contract_out_of_scope", rights="view", via="user")),
    ("consultant, edit", "consultant", ORG, "edit", SECOND, EXTRANET, allow("edit", "user")),
    ("consultant, foreign contract", "consultant", ORG, "view", FOREIGN, EXTRANET,
     deny("contract_out_of_scope", rights="edit", via="user")),
    ("unknown contract", "master", ORG, "view", "GRP-0", EXTRANET,
     deny("contract_out_of_scope", rights="edit", via="user")),
    ("profile replaced", "changed", ORG, "edit", SECOND, EXTRANET, allow("edit", "user")),
    ("revoked", "revoked", ORG, "view", None, EXTRANET, deny("user_revoked")),
    ("master replaced", "replaced", ORG, "view", None, EXTRANET, deny("user_revoked")),
    ("kept by the new master", "kept", ORG, "view", None, EXTRANET, allow("view", "user")),
    ("valid until today", "last_day", ORG, "view", None, EXTRANET, allow("view", "user")),
    ("valid_until passed", "past", ORG, "view", None, EXTRANET, deny("user_expired")),
    ("expiry recorded", "recorded", ORG, "view", None, EXTRANET, deny("user_expired")),
    ("revoked and past", "revoked_past", ORG, "view", None, EXTRANET, deny("user_revoked")),
    *((f"moved contract, {name}", name, ORG, "view", MOVED, EXTRANET,
       deny("contract_out_of_scope", rights=rights, via="user"))
      for name, rights in (("listed", "view"), ("everything", "edit"))),
    ("superseded master", "old_master", RENEWED, "view", None, EXTRANET,
     deny("agreement_superseded")),
    ("superseded user", "superseded", RENEWED, "view", None, EXTRANET,
     deny("agreement_superseded")),
    ("revoked before", "gone", RENEWED, "view", None, EXTRANET, deny("user_revoked")),
    ("new master", "new_master", RENEWED, "edit", None, EXTRANET, allow("edit", "user")),
    ("newcomer", "newcomer", RENEWED, "view", None, EXTRANET, allow("view", "user")),
    ("superseded, not yet revoked", "behind", LAGGING, "view", None, EXTRANET,
     deny("agreement_superseded")),
    ("no agreement", "orphan", ORPHANED, "view", None, EXTRANET, deny("no_agreement")),
    ("unknown user", UNKNOWN, ORG, "view", None, EXTRANET, deny("user_unknown")),
    ("not a uuid", "not-a-uuid", ORG, "view", None, EXTRANET, deny("user_unknown")),
    ("other platform's user", "wettelijk", ORG, "view", None, EXTRANET,
     deny("platform_mismatch")),
    ("this platform's user there", "master", ORG, "view", None, WETTELIJK,
     deny("platform_mismatch")),
    ("own platform", "wettelijk", ORG, "edit", None, WETTELIJK, allow("edit", "user")),
    *((f"other organisation {ref}", "master", ref, "view", None, EXTRANET,
       deny("organisation_mismatch")) for ref in (NEIGHBOUR, STRANGER)),
    ("eherkenning platform", "master", ORG, "view", None, EHERKENNING,
     deny("login_method_not_accepted")),
]
# fmt: on


@pytest.mark.parametrize(
    ("user", "organisation", "action", "contract", "platform", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in CHECKS],
)
def test_check(
    site: Site,
    user: str,
    organisation: str,
    action: str,
    contract: str | None,
    platform: str,
    expected: Outcome,
) -> None:
    decision = site.feed.check(site.actor(user), organisation, action, contract, platform)
    assert decision == expected


# fmt: off
LOGINS: list[tuple[str, str, str, Opened]] = [
    ("master", "master", EXTRANET, portals((ORG, "edit", "user"))),
    ("internal", "internal", EXTRANET, portals((ORG, "view", "user"))),
    ("consultant", "consultant", EXTRANET, portals((ORG, "edit", "user"))),
    ("revoked", "revoked", EXTRANET, refused("user_revoked")),
    ("valid_until passed", "past", EXTRANET, refused("user_expired")),
    ("expiry recorded", "recorded", EXTRANET, refused("user_expired")),
    ("superseded", "superseded", EXTRANET, refused("agreement_superseded")),
    ("superseded, not yet revoked", "behind", EXTRANET, refused("agreement_superseded")),
    ("no agreement", "orphan", EXTRANET, refused("no_agreement")),
    ("unknown user", UNKNOWN, EXTRANET, refused("user_unknown")),
    ("other platform", "wettelijk", EXTRANET, refused("platform_mismatch")),
    ("eherkenning platform", "master", EHERKENNING, refused("login_method_not_accepted")),
]
# fmt: on


@pytest.mark.parametrize(
    ("user", "platform", "expected"), [pytest.param(*row[1:], id=row[0]) for row in LOGINS]
)
def test_login(site: Site, user: str, platform: str, expected: Opened) -> None:
    assert site.feed.login(site.actor(user), platform) == expected


@pytest.mark.parametrize(
    ("user", "scope"),
    [("master", None), ("internal", (FIRST,)), ("changed", (FIRST, SECOND)), ("everything", None)],
)
def test_a_portal_carries_the_fiche_contracts(
    site: Site, user: str, scope: tuple[str, ...] | None
) -> None:
    login = evaluate_login(site.feed.state, EXTRANET, site.actor(user), LATER)
    assert login.portals[ORG].contracts == scope


def test_a_fiche_ends_the_day_after_valid_until(site: Site) -> None:
    login = site.actor("last_day")
    assert site.feed.check(login, ORG, platform=EXTRANET, now=LATER) == allow("view", "user")
    assert site.feed.check(login, ORG, platform=EXTRANET, now=LATER + timedelta(days=1)) == deny(
        "user_expired"
    )
