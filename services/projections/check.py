"""The access check: may this actor view or edit this organisation's data, and why (not)?"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.grants.domain.base import rights_cover
from services.projections.evaluation import evaluate_login, grant_reasons
from services.projections.login import Login, Portal, Reason
from services.projections.state import AccessState


@dataclass
class Decision:
    allowed: bool
    rights: str | None = None
    via: str | None = None
    reasons: list[Reason] = field(default_factory=list)


def check_access(
    state: AccessState,
    platform: str,
    actor: dict[str, Any],
    organisation: str,
    action: str,
    contract: str | None,
    now: datetime,
) -> Decision:
    """Decide one access question; the most specific reason comes first."""
    login = evaluate_login(state, platform, actor, now, only=organisation)
    portal = login.portals.get(organisation)
    if portal is None:
        return Decision(False, reasons=_why_not(state, platform, login, organisation, now))
    if contract is not None and not _in_scope(state, platform, portal, contract):
        return Decision(False, portal.rights, portal.via, [Reason("contract_out_of_scope")])
    if not rights_cover(portal.rights, action):
        return Decision(
            False, portal.rights, portal.via, [Reason("rights_insufficient", portal.via)]
        )
    return Decision(True, portal.rights, portal.via)


def _in_scope(state: AccessState, platform: str, portal: Portal, contract: str) -> bool:
    covered = contract in state.coverage.get((platform, portal.organisation), ())
    return covered and (portal.contracts is None or contract in portal.contracts)


def _why_not(
    state: AccessState, platform: str, login: Login, organisation: str, now: datetime
) -> list[Reason]:
    """The most specific reasons about the organisation asked, from lookups about the pair
    and that organisation only: constant time, whatever the actor holds elsewhere."""
    person = login.actor
    if person is None and not login.refused:
        return [Reason("organisation_mismatch")]  # a user fiche opens its own organisation only
    if person is None or (login.refused and any(r.code in _LOGIN_FAILURES for r in login.refused)):
        return login.refused
    if person.intermediary is not None:
        return login.refused if organisation == person.legal_subject else [Reason("no_grant")]
    covered = state.is_covered(platform, organisation)
    if organisation == person.legal_subject:
        return [Reason("rights_insufficient", "advisor") if covered else _UNKNOWN]
    reasons = grant_reasons(login.asked, now, login.licensed)  # looked up by the login
    return reasons if covered else [*reasons, _UNKNOWN]


_UNKNOWN = Reason("organisation_unknown")
_LOGIN_FAILURES = {
    "login_method_not_accepted",
    "loa_too_low",
    "service_not_linked",
    "chain_not_accepted",
    "actor_not_authorised",
}
