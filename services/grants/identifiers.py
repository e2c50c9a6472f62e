"""Checks of identifiers that arrive from outside: organisations, e-mail, slugs."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from stdnum.be import vat as belgian_enterprise_number

from services.grants.domain.base import DomainError

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
REFERENCE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,62}[A-Za-z0-9])?")
KVK = re.compile(r"kvk:[0-9]{8}")
KBO = re.compile(r"kbo:[01][0-9]{9}")
RECORD_ID = re.compile(r"[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")


class InvalidIdentifier(DomainError):
    """An identifier that is not well-formed; its `variant` is the kind of identifier
    (organisation, email, platform, reference, id), its fact `field` the field that held it."""

    code = "invalid_identifier"


def organisation_ref(ref: str, field: str = "organisation") -> str:
    """A `kvk:` (8 digits) or `kbo:` (10 digits, mod-97 check) reference, else refuse (naming
    `field`)."""
    if KVK.fullmatch(ref):
        return ref
    if KBO.fullmatch(ref) and belgian_enterprise_number.is_valid(ref[4:]):
        return ref
    raise InvalidIdentifier(
        f"{ref[:40]!r} is not kvk:NNNNNNNN or kbo:NNNNNNNNNN with a valid check number",
        variant="organisation",
        field=field,
    )


def email_address(address: str, field: str = "email") -> str:
    """A syntactically valid e-mail address, normalised; else refuse (naming `field`)."""
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidIdentifier(
            f"not a valid e-mail address: {error}", variant="email", field=field
        ) from None


def platform_slug(slug: str) -> str:
    """A lower-case platform name such as `befrank-werkgeversportaal`."""
    if not SLUG.fullmatch(slug):
        raise InvalidIdentifier(
            "a platform is named with a-z, 0-9 and -", variant="platform", field="platform"
        )
    return slug


def record_id(value: str, field: str) -> str:
    """A grant's or a user's id as the service gives it out (a UUID), in lower case."""
    if not RECORD_ID.fullmatch(value):
        raise InvalidIdentifier(
            f"{field} is an id such as 3f2b8c1e-0a4d-4e6f-9b7a-2c5d8e1f0a3b",
            variant="id",
            field=field,
        )
    return value.lower()


def reference(value: str, field: str) -> str:
    """A contract or licence reference: letters, digits, `.`, `_` and `-`."""
    if not REFERENCE.fullmatch(value):
        raise InvalidIdentifier(
            f"{field} may hold letters, digits, '.', '_' and '-'", variant="reference", field=field
        )
    return value
