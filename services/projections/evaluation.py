"""Login evaluation (DESIGN §1): which portals an actor may open, and why (not).

Pure functions over the access state: no I/O, so a check costs no database lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.grants.domain.actor import EHerkenningActor
from services.grants.domain.base import DomainError, lower_rights
from services.grants.domain.platform import login_capability
from services.projections.records import GrantRow, UserRow
from services.projections.state import AccessState

CAPABILITY_RIGHTS = {"employer_view": "view", "employer_edit": "edit"}


@dataclass(frozen=True)
class Reason:
    """A stable code, optionally refined by a route (`rights_insufficient@grant`)."""

    code: str
    variant: str | None = None

    @property
    def key(self) -> str:
        return f"{self.code}@{self.variant}" if self.variant else self.code


@dataclass(frozen=True)
class Portal:
    organisation: str
    rights: str
    via: str
    contracts: tuple[str, ...] | None = None  # None: every contract of the organisation


@dataclass
class Login:
    """The outcome of a login: its portals, or the reasons it is refused."""

    portals: dict[str, Portal] = field(default_factory=dict)
    refused: list[Reason] = field(default_factory=list)
    actor: EHerkenningActor | None = None
    capability: str | None = None
    asked: GrantRow | None = None  # with `only`: the pair's grant, for the reasons of a denial
    licensed: bool = True  # the actor's advisor licence (False once withdrawn)


class PlatformUnknown(DomainError):
    code = "not_found"


def evaluate_login(
    state: AccessState,
    platform: str,
    actor: dict[str, Any],
    now: datetime,
    only: str | None = None,
) -> Login:
    """The portals a login opens on a platform, per DESIGN §1 steps 1–4.

    With `only`, just that organisation's portal is looked up: a few dictionary lookups,
    whatever the number of grants the actor holds (the check). Without, every portal.
    """
    settings = state.platforms.get(platform)
    if settings is None:
        raise PlatformUnknown(f"platform {platform[:64]} not found")
    if actor.get("method") == "credentials":
        return credentials_login(state, platform, settings, actor["user_id"], now)
    person = EHerkenningActor.from_dict(actor)
    try:
        capability = login_capability(settings, person)
    except DomainError as error:
        return Login(refused=[Reason(error.code)], actor=person)
    if person.intermediary is None:
        return _own_login(state, platform, person, capability, now, only)
    return _chain_login(state, platform, settings, person, capability, now)


def _own_login(
    state: AccessState,
    platform: str,
    person: EHerkenningActor,
    capability: str,
    now: datetime,
    only: str | None,
) -> Login:
    login = Login(actor=person, capability=capability)
    own_rights = CAPABILITY_RIGHTS.get(capability)
    subject = person.legal_subject
    if own_rights and only in (None, subject) and state.is_covered(platform, subject):
        login.portals[subject] = Portal(subject, own_rights, "own")
    if only is not None:
        login.asked = state.pair(platform, only, subject)
        grants = [login.asked] if login.asked is not None else []
    else:
        grants = list(state.grants_to(platform, subject))
    licensed = login.licensed = advisor_licensed(state, platform, subject)
    for row in grants:
        if grant_opens(row, licensed, now):
            login.portals[row.grantor] = Portal(row.grantor, row.rights or "", "grant")
    if not login.portals and only is None:
        advisor_on_own = own_rights is None and state.is_covered(platform, subject)
        login.refused = [
            Reason("rights_insufficient", "advisor")
            if advisor_on_own
            else Reason("organisation_unknown")
        ]
    return login


def advisor_licensed(state: AccessState, platform: str, organisation: str) -> bool:
    """False once the organisation's advisor licence on the platform is withdrawn."""
    registration = state.advisors.get((platform, organisation))
    return registration is None or bool(registration["licensed"])


def grant_opens(row: GrantRow, advisor_licensed: bool, now: datetime) -> bool:
    """An active grant opens the portal, unless it rests on a licence withdrawn since."""
    if row.status_at(now) != "active" or not row.rights:
        return False
    return advisor_licensed or row.basis != "advisor"


def _chain_login(
    state: AccessState,
    platform: str,
    settings: dict[str, Any],
    person: EHerkenningActor,
    capability: str,
    now: datetime,
) -> Login:
    login = Login(actor=person, capability=capability)
    employer, intermediary = person.legal_subject, person.intermediary or ""
    policy = settings["chain_authorisation"]
    rights = CAPABILITY_RIGHTS.get(capability)
    if policy == "not_accepted":
        login.refused = [Reason("chain_not_accepted")]
    elif not state.is_covered(platform, employer):
        login.refused = [Reason("organisation_unknown")]
    elif rights is None:
        login.refused = [Reason("rights_insufficient", "advisor")]
    elif policy == "requires_grant":
        grant = state.pair(platform, employer, intermediary)
        licensed = advisor_licensed(state, platform, intermediary)
        if grant is not None and grant_opens(grant, licensed, now):
            login.portals[employer] = Portal(
                employer, lower_rights(rights, grant.rights or ""), "chain"
            )
        else:
            specific = grant_reasons(grant, now, licensed) if grant is not None else []
            login.refused = [*specific, Reason("chain_without_grant")]
    else:
        login.portals[employer] = Portal(employer, rights, "chain")
    return login


def grant_reasons(grant: GrantRow | None, now: datetime, licensed: bool = True) -> list[Reason]:
    """Why a pair's grant gives no access now (empty when it is active)."""
    status = grant.status_at(now) if grant else "none"
    on_withdrawn = not licensed and grant is not None and grant.basis == "advisor"
    if on_withdrawn and status in ("active", "pending"):
        return [_WITHDRAWN]  # before the sweeper records the revocation
    if status == "revoked" and grant and grant.end_reason == "advisor_licence_withdrawn":
        return [_WITHDRAWN]
    return list(_BY_STATUS.get(status, ()))


_WITHDRAWN = Reason("advisor_licence_withdrawn")
_BY_STATUS = {
    "revoked": (Reason("grant_revoked"),),
    "pending": (Reason("grant_pending_confirmation"),),
    "expired": (Reason("grant_request_expired"),),
    "none": (Reason("no_grant"),),
    "new": (Reason("no_grant"),),
}


def credentials_login(
    state: AccessState, platform: str, settings: dict[str, Any], user_id: str, now: datetime
) -> Login:
    """A credential platform's user (DESIGN §1 step 5): one organisation, the fiche's rights."""
    if "credentials" not in settings["login"]:
        return Login(refused=[Reason("login_method_not_accepted")])
    user = state.users.get(user_id)
    if user is None:
        return Login(refused=[Reason("user_unknown")])
    if user.platform != platform:
        return Login(refused=[Reason("platform_mismatch")])
    reasons = user_reasons(state, user, now)
    if reasons:
        return Login(refused=reasons)
    scope = None if user.contracts == "all" else tuple(user.contracts)
    portal = Portal(user.organisation, user.rights, "user", scope)
    return Login(portals={user.organisation: portal})


def user_reasons(state: AccessState, user: UserRow, now: datetime) -> list[Reason]:
    """Why a user fiche gives no access now (empty when it does)."""
    agreement = state.agreements.get((user.platform, user.organisation))
    status = user.status_on(now.date().isoformat())
    if status == "revoked":
        superseded = user.end_reason == "agreement_superseded"
        return [Reason("agreement_superseded" if superseded else "user_revoked")]
    if status == "expired":
        return [Reason("user_expired")]
    if agreement is None:
        return [Reason("no_agreement")]
    if agreement["reference"] != user.agreement:
        return [Reason("agreement_superseded")]
    return []
