"""How each domain event changes the access state (and which view rows it dirties)."""

from __future__ import annotations

import sys
from typing import Any

from services.projections.records import ContractRow, GrantRow, shared
from services.projections.registry import handles, iso
from services.projections.state import AccessState


@handles("Platform.Configured", "Platform.Reconfigured")
def platform_configured(state: AccessState, event: Any, _: int) -> None:
    slug = getattr(event, "slug", None) or state.key_of(event.originator_id)
    state.remember(event.originator_id, slug)
    state.platforms[slug] = dict(event.settings)
    state.dirty["platforms"].add(slug)


@handles("Organisation.Registered", "Organisation.Renamed")
def organisation_named(state: AccessState, event: Any, _: int) -> None:
    ref = sys.intern(getattr(event, "ref", None) or state.key_of(event.originator_id))
    state.remember(event.originator_id, ref)
    state.organisations[ref] = event.name
    state.dirty["organisations"].add(ref)


@handles("Contract.Registered", "Contract.Amended")
def contract_recorded(state: AccessState, event: Any, _: int) -> None:
    key = state.keys.get(event.originator_id) or (event.platform, event.contract)
    state.remember(event.originator_id, key)
    state.contracts[key] = ContractRow(
        sys.intern(event.holder), tuple(sys.intern(ref) for ref in event.covered), event.name
    )
    state.dirty["contracts"].add(key)


@handles("Coverage.Opened")
def coverage_opened(state: AccessState, event: Any, _: int) -> None:
    state.remember(event.originator_id, (event.platform, event.organisation))


@handles("Coverage.ContractAdded", "Coverage.ContractRemoved")
def coverage_changed(state: AccessState, event: Any, _: int) -> None:
    platform, organisation = state.key_of(event.originator_id)
    added = type(event).__qualname__.endswith("Added")
    state.cover(platform, organisation, event.contract, added)
    state.dirty["coverage"].add((platform, organisation, event.contract))


@handles("Advisor.Registered", "Advisor.LicenceRegistered", "Advisor.LicenceWithdrawn")
def advisor_licence(state: AccessState, event: Any, _: int) -> None:
    key = state.keys.get(event.originator_id) or (event.platform, event.organisation)
    state.remember(event.originator_id, key)
    licensed = not type(event).__qualname__.endswith("Withdrawn")
    previous = state.advisors.get(key, {})
    state.advisors[key] = {
        "licensed": licensed,
        "licence": getattr(event, "licence", previous.get("licence")),
        "changed_at": iso(event),
    }
    state.dirty["advisors"].add(key)


@handles("Grant.Opened")
def grant_opened(state: AccessState, event: Any, position: int) -> None:
    row = GrantRow(
        str(event.originator_id), event.platform, event.grantor, event.grantee, position=position
    )
    state.remember(event.originator_id, row.grant_id)
    state.add_grant(row)
    state.dirty["grants"].add(row.grant_id)


def _grant(state: AccessState, event: Any, position: int) -> GrantRow:
    row = state.grants[str(event.originator_id)]
    row.position = position
    state.dirty["grants"].add(row.grant_id)
    return row


@handles("Grant.Requested")
def grant_requested(state: AccessState, event: Any, position: int) -> None:
    row = _grant(state, event, position)
    row.rights, row.basis, row.status = shared(event.rights), shared(event.basis), "pending"
    row.requested_at, row.expires_at = iso(event), event.expires_at.isoformat()
    row.active_since = row.ended_at = row.end_reason = None


@handles("Grant.ConfirmationIssued")
def confirmation_issued(state: AccessState, event: Any, position: int) -> None:
    _grant(state, event, position).expires_at = event.expires_at.isoformat()


@handles("Grant.Confirmed")
def grant_confirmed(state: AccessState, event: Any, position: int) -> None:
    row = _grant(state, event, position)
    row.status, row.active_since = "active", iso(event)


@handles("Grant.RightsChanged")
def rights_changed(state: AccessState, event: Any, position: int) -> None:
    _grant(state, event, position).rights = shared(event.rights)


@handles("Grant.RequestExpired", "Grant.Revoked")
def grant_ended(state: AccessState, event: Any, position: int) -> None:
    row = _grant(state, event, position)
    revoked = type(event).__qualname__.endswith("Revoked")
    row.status = "revoked" if revoked else "expired"
    row.ended_at = iso(event)
    row.end_reason = shared(event.reason) if revoked else "confirmation_expired"
