"""How each domain event changes the access state (and which view rows it dirties)."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Any

from services.grants.domain import catalogue_access as access
from services.projections.records import ContractRow, GrantRow, shared
from services.projections.registry import Handlers, iso, touch

if TYPE_CHECKING:
    from services.projections.state import AccessState

ACCESS_HANDLERS = Handlers()
"""Which function applies which event of this module to the access state."""


@ACCESS_HANDLERS(access.PLATFORM_CONFIGURED, access.PLATFORM_RECONFIGURED)
def platform_configured(state: AccessState, event: Any, _: int) -> None:
    slug = getattr(event, "slug", None) or state.key_of(event.originator_id)
    state.remember(event.originator_id, slug)
    state.platforms[slug] = dict(event.settings)
    state.dirty["platforms"].add(slug)


@ACCESS_HANDLERS(access.ORGANISATION_REGISTERED, access.ORGANISATION_RENAMED)
def organisation_named(state: AccessState, event: Any, _: int) -> None:
    ref = sys.intern(getattr(event, "ref", None) or state.key_of(event.originator_id))
    state.remember(event.originator_id, ref)
    state.organisations[ref] = event.name
    state.dirty["organisations"].add(ref)


@ACCESS_HANDLERS(access.CONTRACT_REGISTERED, access.CONTRACT_AMENDED)
def contract_recorded(state: AccessState, event: Any, _: int) -> None:
    key = state.keys.get(event.originator_id) or (event.platform, event.contract)
    state.remember(event.originator_id, key)
    state.contracts[key] = ContractRow(
        sys.intern(event.holder), tuple(sys.intern(ref) for ref in event.covered), event.name
    )
    state.dirty["contracts"].add(key)


@ACCESS_HANDLERS(access.COVERAGE_OPENED)
def coverage_opened(state: AccessState, event: Any, _: int) -> None:
    state.remember(event.originator_id, (event.platform, event.organisation))


@ACCESS_HANDLERS(access.COVERAGE_CONTRACT_ADDED, access.COVERAGE_CONTRACT_REMOVED)
def coverage_changed(state: AccessState, event: Any, _: int) -> None:
    platform, organisation = state.key_of(event.originator_id)
    added = type(event) is access.COVERAGE_CONTRACT_ADDED.cls
    state.cover(platform, organisation, event.contract, added)
    state.dirty["coverage"].add((platform, organisation, event.contract))


@ACCESS_HANDLERS(
    access.ADVISOR_REGISTERED, access.ADVISOR_LICENCE_REGISTERED, access.ADVISOR_LICENCE_WITHDRAWN
)
def advisor_licence(state: AccessState, event: Any, _: int) -> None:
    key = state.keys.get(event.originator_id) or (event.platform, event.organisation)
    state.remember(event.originator_id, key)
    licensed = type(event) is not access.ADVISOR_LICENCE_WITHDRAWN.cls
    previous = state.advisors.get(key, {})
    state.advisors[key] = {
        "licensed": licensed,
        "licence": getattr(event, "licence", previous.get("licence")),
        "changed_at": iso(event),
    }
    state.dirty["advisors"].add(key)


@ACCESS_HANDLERS(access.GRANT_OPENED)
def grant_opened(state: AccessState, event: Any, position: int) -> None:
    row = GrantRow(
        str(event.originator_id), event.platform, event.grantor, event.grantee, position=position
    )
    state.remember(event.originator_id, row.grant_id)
    state.add_grant(row)
    state.dirty["grants"].add(row.grant_id)


@ACCESS_HANDLERS(access.GRANT_REQUESTED)
def grant_requested(state: AccessState, event: Any, position: int) -> None:
    row: GrantRow = touch(state, "grants", event, position)
    row.rights, row.basis, row.status = shared(event.rights), shared(event.basis), "pending"
    row.requested_at, row.expires_at = iso(event), event.expires_at.isoformat()
    row.active_since = row.ended_at = row.end_reason = row.reminded_for = None
    row.valid_until = day(getattr(event, "valid_until", None))


@ACCESS_HANDLERS(access.GRANT_CONFIRMATION_ISSUED)
def confirmation_issued(state: AccessState, event: Any, position: int) -> None:
    touch(state, "grants", event, position).expires_at = event.expires_at.isoformat()


@ACCESS_HANDLERS(access.GRANT_CONFIRMED)
def grant_confirmed(state: AccessState, event: Any, position: int) -> None:
    row: GrantRow = touch(state, "grants", event, position)
    row.status, row.active_since = "active", iso(event)


@ACCESS_HANDLERS(access.GRANT_RIGHTS_CHANGED)
def rights_changed(state: AccessState, event: Any, position: int) -> None:
    row: GrantRow = touch(state, "grants", event, position)
    row.rights = shared(event.rights)
    row.valid_until = day(getattr(event, "valid_until", None)) or row.valid_until


@ACCESS_HANDLERS(access.GRANT_END_REMINDER_DUE)
def end_reminder_due(state: AccessState, event: Any, position: int) -> None:
    touch(state, "grants", event, position).reminded_for = day(event.valid_until)


@ACCESS_HANDLERS(access.GRANT_REQUEST_EXPIRED, access.GRANT_REVOKED, access.GRANT_EXPIRED)
def grant_ended(state: AccessState, event: Any, position: int) -> None:
    row: GrantRow = touch(state, "grants", event, position)
    revoked = ("revoked", shared(getattr(event, "reason", None)))
    row.status, row.end_reason = _ENDS.get(type(event), revoked)
    row.ended_at = iso(event)


_ENDS = {
    access.GRANT_REQUEST_EXPIRED.cls: ("expired", "confirmation_expired"),
    access.GRANT_EXPIRED.cls: ("ended", "valid_until_passed"),
}


def day(value: date | None) -> str | None:
    """A calendar date as the rows keep it (ISO 8601)."""
    return value.isoformat() if value is not None else None
