"""Builders and constants shared by the credential-platform aggregates' unit tests: fiches, signed
agreements, platform users with or without an access code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from services.grants.domain.agreement import Agreement
from services.grants.domain.platform_user import PlatformUser
from services.grants.tokens import AccessCodes, IssuedCode

PLATFORM = "ethias-extranet-aanvullend"
OTHER_PLATFORM = "ethias-extranet-wettelijk"
ORGANISATION = "kbo:0403170701"
OTHER_ORGANISATION = "kbo:0202239951"
STAFF = {"method": "service", "client": "staff"}
MASTER_ACTOR = {"method": "credentials", "user_id": "master"}
TODAY = date(2025, 3, 1)
NOW = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
CODES = AccessCodes(b"k" * 32)


def names(events: Sequence[object]) -> list[str]:
    """The event class names, e.g. ['Signed', 'MasterUserAppointed']."""
    return [type(event).__name__ for event in events]


def pending(aggregate: Aggregate) -> list[str]:
    """The names of the events recorded since the last call (and forget them)."""
    return names(aggregate.collect_events())


def fiche(**overrides: Any) -> dict[str, Any]:
    """A complete internal fiche with view rights on every contract."""
    values: dict[str, Any] = {
        "name": "An Peeters",
        "email": "an.peeters@example.be",
        "rights": "view",
        "contracts": "all",
        "external": False,
        "assignment": None,
        "valid_until": None,
    }
    values.update(overrides)
    return values


def external(**overrides: Any) -> dict[str, Any]:
    """A complete fiche of an external consultant, valid for 30 days."""
    values: dict[str, Any] = {
        "external": True,
        "assignment": "Audit groepsverzekering 2025",
        "valid_until": TODAY + timedelta(days=30),
    }
    values.update(overrides)
    return fiche(**values)


def agreement_of(reference: str, email: str = "pensioen@example.be") -> Agreement:
    """A newly signed agreement, its Signed event not collected yet."""
    return Agreement(
        platform=PLATFORM,
        organisation=ORGANISATION,
        reference=reference,
        notification_email=email,
        signed_on=date(2025, 1, 15),
        actor=STAFF,
    )


def only_event(aggregate: Aggregate, name: str) -> Any:
    """The one event the aggregate has pending, which must have the name; collected."""
    events = aggregate.collect_events()
    assert names(events) == [name]
    return events[0]


def signed(reference: str = "EXT-2025-001", email: str = "pensioen@example.be") -> Agreement:
    agreement = agreement_of(reference, email)
    agreement.collect_events()
    return agreement


def new_user(
    number: int = 1,
    values: dict[str, Any] | None = None,
    is_master: bool = False,
    platform: str = PLATFORM,
    organisation: str = ORGANISATION,
    agreement: str = "EXT-2025-001",
    actor: dict[str, Any] = STAFF,
) -> PlatformUser:
    """A newly granted platform user, its Granted event not collected yet."""
    login = f"{organisation[4:]}-{number:03d}"
    fields = values or fiche()
    return PlatformUser(platform, organisation, number, login, agreement, fields, is_master, actor)


def user(*args: Any, **options: Any) -> PlatformUser:
    """A platform user (as new_user takes it) whose Granted event is collected."""
    created = new_user(*args, **options)
    created.collect_events()
    return created


def with_code(
    person: PlatformUser, expires_at: datetime = NOW + timedelta(days=14), collect: bool = True
) -> IssuedCode:
    """Issue the person a code (collecting its event unless told not to); the code."""
    issued = CODES.issue()
    person.issue_credentials(
        code_id=issued.code_id, code_hash=issued.code_hash, expires_at=expires_at, actor=STAFF
    )
    if collect:
        person.collect_events()
    return issued
