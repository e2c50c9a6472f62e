"""Login evaluation on a credential platform (DESIGN §1 step 5): a user fiche's access."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from services.projections.login import Login, Portal, Reason
from services.projections.records import UserRow

if TYPE_CHECKING:
    from services.projections.state import AccessState


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
