"""What a mailed confirmation link shows: its state and, only while it is valid or once it was
used, the grant it is for. A link never issued for a grant says nothing at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.grants.app_base import StoreApplication
from services.grants.domain.grant import Grant
from services.grants.tokens import grant_id_of, hash_token

DETAILED = ("valid", "used")
"""The states whose page names the grant; the others only say what happened to the link."""


@dataclass(frozen=True)
class LinkView:
    """A link's state, the language of the mail it came in, and (valid or used) its grant."""

    state: str
    locale: str | None = None
    platform_name: str = ""
    grantor: str = ""
    grantor_name: str = ""
    grantee: str = ""
    grantee_name: str = ""
    rights: str = ""
    status: str = ""
    valid_until: date | None = None
    expires_at: datetime | None = None
    confirmed_at: datetime | None = None


def link_view(store: StoreApplication, token: str) -> LinkView:
    """The view of the link carrying `token` (`unknown` for any token not issued)."""
    grant_id = grant_id_of(token)
    grant = store.find(Grant, grant_id) if grant_id else None
    now = store.clock()
    state = grant.link_state(hash_token(token), now) if grant else "unknown"
    if grant is None or state == "unknown":
        return LinkView("unknown")
    platform = store.platform(grant.platform)
    if state not in DETAILED:
        return LinkView(state, platform.locale)
    return LinkView(
        state,
        platform.locale,
        platform_name=platform.name,
        grantor=grant.grantor,
        grantor_name=store.organisation_name(grant.grantor),
        grantee=grant.grantee,
        grantee_name=store.organisation_name(grant.grantee),
        rights=grant.rights or "view",
        status=grant.status_at(now),
        valid_until=grant.valid_until,
        expires_at=grant.expires_at,
        confirmed_at=confirmed_at(store, grant),
    )


def confirmed_at(store: StoreApplication, grant: Grant) -> datetime | None:
    """When the grant was last confirmed: the time its Confirmed event was recorded."""
    moments = [
        event.timestamp
        for event in store.events.get(grant.id)
        if isinstance(event, Grant.Confirmed)  # type: ignore[attr-defined]
    ]
    return moments[-1] if moments else None
