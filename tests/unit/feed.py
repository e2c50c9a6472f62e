"""An access state fed with the events of real domain aggregates, and the outcomes the unit
tests of the login evaluation and the check expect (no server, no database).

Every builder constructs real aggregates and calls their real methods, as the applications
do; the feed then applies their events to an `AccessState`, in log order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from services.credentials.agreements import MASTER_FICHE
from services.grants.domain.advisor import Advisor
from services.grants.domain.agreement import Agreement
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from services.grants.domain.platform_user import PlatformUser, check_fiche
from services.grants.tokens import AccessCodes, ConfirmationTokens, hash_code
from services.projections.check import Decision, check_access
from services.projections.evaluation import evaluate_login
from services.projections.login import Login
from services.projections.state import AccessState
from tests.support import platform_settings

PLATFORM = "testportaal"
SERVICE = {"method": "service", "client": "test"}
TOKENS = ConfirmationTokens(b"k" * 32)
CODES = AccessCodes(b"c" * 32)
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
"""When the builders act: requests, confirmations, revocations."""
LATER = NOW + timedelta(days=2)
"""When the tests ask: a link valid for a day has run out, one valid for seven has not."""
TODAY = LATER.date()
GRANT_STATES = ("pending", "active", "revoked", "expired", "expiry_recorded", "withdrawn")


def credential_settings() -> dict[str, Any]:
    """An Ethias-style platform: user name and access code only."""
    return {**platform_settings(), "login": ["credentials"], "services": {}}


class Feed:
    """An access state built from the events of real aggregates, in log order."""

    def __init__(self) -> None:
        self.state, self.position = AccessState(), 0
        self.codes: dict[str, str] = {}  # the access code mailed last, per user id

    def __call__(self, *aggregates: Aggregate | None) -> None:
        for aggregate in aggregates:
            for event in aggregate.collect_events() if aggregate is not None else ():
                self.position += 1
                self.state.apply(event, self.position)

    def platform(self, slug: str = PLATFORM, **settings: Any) -> Platform:
        """A platform with the test settings (`chain=`, `min_loa=`), or the settings given."""
        given = settings.pop("settings", None) or platform_settings(**settings)
        platform = Platform(slug=slug, settings=given, actor=SERVICE)
        self(platform)
        return platform

    def employer(self, ref: str, platform: str = PLATFORM, covered: tuple[str, ...] = ()) -> str:
        """A registered organisation holding a contract that covers it (and `covered`)."""
        contract = f"PC-{ref[4:]}"
        self.organisation(ref)
        self.contract(contract, ref, covered, platform)
        return contract

    def organisation(self, ref: str) -> Organisation:
        organisation = Organisation(
            ref=ref, name="Werkgever", contact_email="hr@example.nl", actor=SERVICE
        )
        self(organisation)
        return organisation

    def contract(
        self, contract: str, holder: str, covered: tuple[str, ...] = (), platform: str = PLATFORM
    ) -> tuple[Contract, list[Coverage]]:
        """A contract and the coverage it gives each organisation (as the reference app does)."""
        covering = [holder, *(ref for ref in covered if ref != holder)]
        registered = Contract(
            platform=platform,
            contract=contract,
            holder=holder,
            covered=covering,
            name="Pensioen",
            actor=SERVICE,
        )
        self(registered)
        coverages = []
        for ref in covering:
            coverage = Coverage(platform=platform, organisation=ref, actor=SERVICE)
            coverage.add_contract(contract=contract, actor=SERVICE)
            coverages.append(coverage)
        self(*coverages)
        return registered, coverages

    def advisor(self, ref: str, platform: str = PLATFORM) -> Advisor:
        advisor = Advisor(platform=platform, organisation=ref, licence="AFM-1", actor=SERVICE)
        self(advisor)
        return advisor

    def withdraw(self, advisor: Advisor) -> None:
        advisor.withdraw_licence(actor=SERVICE)
        self(advisor)

    def grant(
        self,
        grantor: str,
        grantee: str,
        to: str,
        rights: str = "view",
        basis: str = "advisor",
        platform: str = PLATFORM,
    ) -> Grant:
        """A grant taken to `to` (one of GRANT_STATES) as of LATER.

        `expired`: the link ran out, nothing recorded yet; `expiry_recorded`: the sweeper
        recorded it; `withdrawn`: revoked by the sweeper for a withdrawn licence.
        """
        grant = Grant(platform=platform, grantor=grantor, grantee=grantee, actor=SERVICE)
        lapses = to in ("expired", "expiry_recorded")
        self.request(grant, rights, basis, days=1 if lapses else 7)
        if to in ("active", "revoked", "withdrawn"):
            assert grant.token_hash is not None
            grant.confirm(grant.token_hash, actor=SERVICE, now=NOW)
        if to == "revoked":
            grant.revoke(actor=SERVICE, reason="einde opdracht", now=NOW)
        if to == "withdrawn":
            grant.revoke(actor=SERVICE, reason="advisor_licence_withdrawn", now=NOW)
        if to == "expiry_recorded":
            assert grant.expire_if_due(NOW + timedelta(days=1), actor=SERVICE)
        self(grant)
        return grant

    def request(
        self, grant: Grant, rights: str, basis: str, days: int = 7, now: datetime = NOW
    ) -> None:
        """A request and the confirmation link mailed for it (valid `days` from `now`)."""
        grant.request(
            rights=rights, basis=basis, actor=SERVICE, now=now, expires_at=now + timedelta(1)
        )
        issued = TOKENS.issue(grant.id)
        grant.issue_confirmation(
            confirmation_id=issued.confirmation_id,
            token_hash=issued.token_hash,
            sent_to="hr@example.nl",
            expires_at=now + timedelta(days=days),
            actor=SERVICE,
        )

    def agreement(
        self,
        organisation: str,
        reference: str = "EXT-1",
        platform: str = PLATFORM,
        feed: bool = True,
    ) -> Agreement:
        agreement = Agreement(
            platform=platform,
            organisation=organisation,
            reference=reference,
            notification_email="pensioen@example.be",
            signed_on=date(2026, 1, 2),
            actor=SERVICE,
        )
        if feed:
            self(agreement)
        return agreement

    def user(
        self, agreement: Agreement, is_master: bool = False, feed: bool = True, **fiche: Any
    ) -> PlatformUser:
        """A user fiche under the agreement with a first access code, as the app makes it.

        The fiche defaults to an internal user with view rights on every contract.
        """
        values = {
            "name": "Jan Janssens",
            "email": "jan@example.be",
            "rights": "view",
            "contracts": "all",
            "external": False,
            "assignment": None,
            "valid_until": None,
            **fiche,
        }
        number = agreement.next_user_number()
        user = PlatformUser(
            platform=agreement.platform,
            organisation=agreement.organisation,
            number=number,
            login=f"{agreement.organisation.split(':')[1]}-{number:03d}",
            agreement=agreement.reference,
            fiche=check_fiche(values, NOW.date()),
            is_master=is_master,
            actor=SERVICE,
        )
        agreement.add_user(user_id=str(user.id), login=user.login)
        issued = CODES.issue()
        user.issue_credentials(
            code_id=issued.code_id,
            code_hash=issued.code_hash,
            expires_at=NOW + timedelta(days=14),
            actor=SERVICE,
        )
        self.codes[str(user.id)] = issued.code
        if feed:
            self(agreement, user)
        return user

    def activate(self, user: PlatformUser) -> None:
        """The user types login and the mailed access code."""
        user.activate(hash_code(self.codes[str(user.id)]), now=NOW, actor=credentials(user))
        self(user)

    def master(self, agreement: Agreement) -> PlatformUser:
        """The master user from the master-user form: edit rights on every contract."""
        fiche: dict[str, Any] = {"name": "Marie", "email": "marie@example.be", **MASTER_FICHE}
        user = self.user(agreement, is_master=True, **fiche)
        agreement.appoint_master_user(user_id=str(user.id), actor=SERVICE)
        self(agreement)
        return user

    def check(
        self,
        login: dict[str, Any],
        organisation: str,
        action: str = "view",
        contract: str | None = None,
        platform: str = PLATFORM,
        now: datetime = LATER,
    ) -> Outcome:
        decision = check_access(self.state, platform, login, organisation, action, contract, now)
        return outcome(decision)

    def login(
        self, login: dict[str, Any], platform: str = PLATFORM, now: datetime = LATER
    ) -> Opened:
        return opened(evaluate_login(self.state, platform, login, now))


def credentials(user: PlatformUser | str) -> dict[str, Any]:
    """The actor of a credential login (a user fiche's id)."""
    user_id = str(user.id) if isinstance(user, PlatformUser) else user
    return {"method": "credentials", "user_id": user_id}


@dataclass(frozen=True)
class Outcome:
    """What a check decided: allowed or not, the rights and route, the reasons' keys."""

    allowed: bool
    reasons: tuple[str, ...] = ()
    rights: str | None = None
    via: str | None = None


def allow(rights: str, via: str) -> Outcome:
    return Outcome(True, (), rights, via)


def deny(*reasons: str, rights: str | None = None, via: str | None = None) -> Outcome:
    return Outcome(False, reasons, rights, via)


def outcome(decision: Decision) -> Outcome:
    keys = tuple(reason.key for reason in decision.reasons)
    return Outcome(decision.allowed, keys, decision.rights, decision.via)


@dataclass(frozen=True)
class Opened:
    """What a login opened: its portals as (organisation, rights, via), or why none."""

    portals: tuple[tuple[str, str, str], ...] = ()
    refused: tuple[str, ...] = ()


def portals(*opened: tuple[str, str, str]) -> Opened:
    return Opened(tuple(sorted(opened)))


def refused(*reasons: str) -> Opened:
    return Opened((), reasons)


def opened(login: Login) -> Opened:
    found = sorted((p.organisation, p.rights, p.via) for p in login.portals.values())
    return Opened(tuple(found), tuple(reason.key for reason in login.refused))
