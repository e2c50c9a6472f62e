"""The errors the Grant's rules raise (each a stable problem code), and its end date's check."""

from __future__ import annotations

from datetime import date

from services.grants.domain.base import DomainError
from services.grants.domain.time_rules import validity_ended


class GrantExists(DomainError):
    code = "grant_exists"


class GrantNotOpen(DomainError):
    code = "grant_not_open"


class ConfirmationInvalid(DomainError):
    code = "confirmation_invalid"


class ConfirmationExpired(DomainError):
    code = "confirmation_expired"


class ConfirmationUsed(DomainError):
    code = "confirmation_used"


class ValidUntilPast(DomainError):
    code = "invalid_request"


def check_valid_until(valid_until: date | None, today: date) -> date | None:
    """An end date lies ahead (today included: access lasts through that day)."""
    if validity_ended(valid_until, today):
        raise ValidUntilPast(
            "valid_until lies in the past", variant="valid_until_past", field="valid_until"
        )
    return valid_until
