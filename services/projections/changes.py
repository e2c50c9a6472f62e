"""Access changes: what an event changed in what a subject may do on an organisation's portal.

The rights of each holder an event touches are read before and after the event is applied,
by the rules the check answers with (`grant_opens`, `credentials_login`), at the event's own
time; a change is told against the rights told last for that holder (`AccessState.told`), so
an access that lapsed by time alone (a fiche past its end date) is told with the event that
records it. A rebuild replays the same events at the same times: the same changes, the same
ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import NAMESPACE_URL, UUID, uuid5

from services.eventlog.event_ids import SEQUENCE_SPAN, event_id
from services.grants.domain.catalogue import CATALOGUE
from services.projections.credential_login import credentials_login
from services.projections.evaluation import advisor_licensed, grant_opens
from services.projections.records import GrantRow, UserRow

if TYPE_CHECKING:
    from services.projections.state import AccessState


class Holder(NamedTuple):
    """Who holds access to which portal, by which route."""

    platform: str
    organisation: str
    kind: str  # "organisation" (a grantee) or "user" (a fiche)
    subject: str
    route: str  # "grant" or "user"


@dataclass(frozen=True)
class AccessChange:
    """One change of a holder's rights, caused by one event of the log."""

    seq: int
    holder: Holder
    rights_before: str | None
    rights_after: str | None
    cause_type: str
    event_id: str
    position: int
    at: str

    @property
    def change_id(self) -> str:
        """Stable per event and holder: a redelivery or a rebuild gives the same id."""
        return str(uuid5(NAMESPACE_URL, f"toegang:access-change/{self.event_id}/{self.holder}"))

    def as_record(self) -> dict[str, Any]:
        """The record consumers read (no personal data: numbers and ids only)."""
        platform, organisation, kind, subject, route = self.holder
        return {
            "id": self.change_id,
            "seq": self.seq,
            "platform": platform,
            "organisation": organisation,
            "subject": {"kind": kind, "id": subject},
            "route": route,
            "rights_before": self.rights_before,
            "rights_after": self.rights_after,
            "cause": {
                "type": self.cause_type,
                "event_id": self.event_id,
                "position": self.position,
            },
            "at": self.at,
        }


def rights_of(state: AccessState, holder: Holder, now: datetime) -> str | None:
    """The rights `holder` has now, as the check would find them (None: no access)."""
    platform, organisation, _, subject, route = holder
    if route == "grant":
        row = state.pair(platform, organisation, subject)
        licensed = advisor_licensed(state, platform, subject)
        return row.rights if row is not None and grant_opens(row, licensed, now) else None
    settings = state.platforms.get(platform)
    if settings is None:
        return None
    portal = credentials_login(state, platform, settings, subject, now).portals.get(organisation)
    return portal.rights if portal is not None else None


Touched = tuple[str, Holder]
"""A holder and the id of the row its access rests on (a grant's or a user's id)."""


def holders_of(state: AccessState, originator_id: UUID) -> Iterator[Touched]:
    """The holders an event of this aggregate can change: a grant's grantee, a user, every
    grant to an advisor (its licence), every user under an agreement."""
    key = str(originator_id)
    if (grant := state.grants.get(key)) is not None:
        yield grant.grant_id, _grantee(grant)
    elif (user := state.users.get(key)) is not None:
        yield user.user_id, _user(user)
    else:
        natural = state.keys.get(originator_id)
        if natural in state.advisors:
            for row in state.grants_to(*natural):
                yield row.grant_id, _grantee(row)
        elif natural in state.agreements:
            for user_id in sorted(state.users_of.get(natural, ())):
                yield user_id, _user(state.users[user_id])


def _grantee(row: GrantRow) -> Holder:
    return Holder(row.platform, row.grantor, "organisation", row.grantee, "grant")


def _user(row: UserRow) -> Holder:
    return Holder(row.platform, row.organisation, "user", row.user_id, "user")


def tell(state: AccessState, event: Any, position: int, touched: list[Touched]) -> None:
    """Record the changes of the touched holders' rights since they were last told (after
    `event` was applied at `position`) in `state.changes`."""
    now: datetime = event.timestamp
    index = 0
    for row_id, holder in dict(touched).items():  # in order, once each
        before, after = state.told.get(row_id), rights_of(state, holder, now)
        if before == after:
            continue
        change = AccessChange(
            seq=position * SEQUENCE_SPAN + index,
            holder=holder,
            rights_before=before,
            rights_after=after,
            cause_type=CATALOGUE.of(event).type,
            event_id=event_id(event.originator_id, event.originator_version),
            position=position,
            at=now.isoformat(),
        )
        state.changes.append(change)
        state.told_changed(row_id, after)
        index += 1
