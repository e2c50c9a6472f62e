"""Login evaluation (DESIGN §1): which portals an actor may open, and why (not).

Pure functions over the access state: no I/O, so a check costs no database lookup.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from services.grants.domain.actor import EHerkenningActor
from services.grants.domain.base import DomainError, lower_rights
from services.grants.domain.platform import login_capability
from services.projections.credential_login import credentials_login
from services.projections.login import CAPABILITY_RIGHTS, Login, PlatformUnknown, Portal, Reason
from services.projections.records import GrantRow

if TYPE_CHECKING:
    from services.projections.state import AccessState


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
        raise PlatformUnknown.of(platform)
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
    "ended": (Reason("grant_expired"),),
    "none": (Reason("no_grant"),),
    "new": (Reason("no_grant"),),
}
