"""How credential-platform events (agreements, user fiches) change the access state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.grants.domain import catalogue_credentials as credentials
from services.projections.records import UserRow
from services.projections.registry import Handlers, iso, touch

if TYPE_CHECKING:
    from services.projections.state import AccessState

CREDENTIAL_HANDLERS = Handlers()
"""Which function applies which event of this module to the access state."""


@CREDENTIAL_HANDLERS(credentials.AGREEMENT_SIGNED, credentials.AGREEMENT_SUPERSEDED)
def agreement_signed(state: AccessState, event: Any, _: int) -> None:
    key = state.keys.get(event.originator_id) or (event.platform, event.organisation)
    state.remember(event.originator_id, key)
    state.agreements[key] = {
        "reference": event.reference,
        "signed_on": event.signed_on.isoformat(),
        "notification_email": event.notification_email,
        "master_user_id": None,
    }
    state.dirty["agreements"].add(key)


@CREDENTIAL_HANDLERS(
    credentials.AGREEMENT_NOTIFICATION_ADDRESS_CHANGED, credentials.AGREEMENT_MASTER_USER_APPOINTED
)
def agreement_changed(state: AccessState, event: Any, _: int) -> None:
    key = state.key_of(event.originator_id)
    agreement = state.agreements[key]
    if hasattr(event, "user_id"):
        agreement["master_user_id"] = event.user_id
    else:
        agreement["notification_email"] = event.notification_email
    state.dirty["agreements"].add(key)


@CREDENTIAL_HANDLERS(credentials.PLATFORM_USER_GRANTED)
def user_granted(state: AccessState, event: Any, position: int) -> None:
    row = UserRow(
        user_id=str(event.originator_id),
        platform=event.platform,
        organisation=event.organisation,
        login=event.login,
        agreement=event.agreement,
        is_master=event.is_master,
        since=iso(event),
        position=position,
        **_fiche(event.fiche),
    )
    state.remember(event.originator_id, row.user_id)
    state.add_user(row)
    state.dirty["users"].add(row.user_id)


def _fiche(fiche: dict[str, Any]) -> dict[str, Any]:
    valid_until = fiche["valid_until"]
    return {
        "name": fiche["name"],
        "email": fiche["email"],
        "rights": fiche["rights"],
        "contracts": fiche["contracts"],
        "external": fiche["external"],
        "assignment": fiche["assignment"],
        "valid_until": valid_until.isoformat() if valid_until else None,
    }


@CREDENTIAL_HANDLERS(credentials.PLATFORM_USER_PROFILE_REPLACED)
def user_profile_replaced(state: AccessState, event: Any, position: int) -> None:
    row: UserRow = touch(state, "users", event, position)
    for name, value in _fiche(event.fiche).items():
        setattr(row, name, value)


@CREDENTIAL_HANDLERS(credentials.PLATFORM_USER_REVOKED, credentials.PLATFORM_USER_EXPIRED)
def user_ended(state: AccessState, event: Any, position: int) -> None:
    row: UserRow = touch(state, "users", event, position)
    revoked = type(event) is credentials.PLATFORM_USER_REVOKED.cls
    row.status = "revoked" if revoked else "expired"
    row.end_reason = event.reason if revoked else "valid_until_passed"
    row.ended_at = iso(event)


@CREDENTIAL_HANDLERS(
    credentials.PLATFORM_USER_CREDENTIALS_ISSUED, credentials.PLATFORM_USER_CREDENTIALS_ACTIVATED
)
def user_credentials(state: AccessState, event: Any, position: int) -> None:
    row: UserRow = touch(state, "users", event, position)
    if type(event) is credentials.PLATFORM_USER_CREDENTIALS_ISSUED.cls:
        row.code_issued_at, row.activated_at = iso(event), None
    else:
        row.activated_at = iso(event)


@CREDENTIAL_HANDLERS(credentials.PLATFORM_USER_PERSONAL_DATA_ERASED)
def user_erased(state: AccessState, event: Any, position: int) -> None:
    """The person was erased: the views drop their name and address too."""
    row: UserRow = touch(state, "users", event, position)
    row.name = row.email = None
