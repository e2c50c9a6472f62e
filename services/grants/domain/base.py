"""Shared building blocks of the grants domain: errors, rights and identities."""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

RIGHTS = ("view", "edit")

Actor = dict[str, Any]
"""Who did something, as recorded in every event: an eHerkenning actor or a service."""


class DomainError(Exception):
    """A rule of the domain refused a command; `code` is the stable problem code.

    `detail` is for developers and logs; the answer says it with the catalogue's texts for
    `key` (`code@variant` for a situation of its own), filled from the `facts`. A fact
    `field` or `fields` names the field(s) the refusal is about.
    """

    code: ClassVar[str] = "domain_error"

    def __init__(self, detail: str = "", *, variant: str = "", **facts: Any) -> None:
        super().__init__(detail or self.code)
        self.detail, self.variant = detail, variant
        self.facts = facts

    @property
    def key(self) -> str:
        """The catalogue key of the answer's texts."""
        return f"{self.code}@{self.variant}" if self.variant else self.code


class InvalidRights(DomainError):
    code = "invalid_request"


def check_rights(rights: str) -> str:
    """Return `rights` if it is one of the two levels, else refuse."""
    if rights not in RIGHTS:
        raise InvalidRights(
            f"rights must be one of {', '.join(RIGHTS)}", variant="rights", field="rights"
        )
    return rights


def lower_rights(first: str, second: str) -> str:
    """The lower of two rights levels (`edit` implies `view`)."""
    return first if RIGHTS.index(first) <= RIGHTS.index(second) else second


def rights_cover(held: str, wanted: str) -> bool:
    """Whether holding `held` allows an action needing `wanted`."""
    return RIGHTS.index(held) >= RIGHTS.index(wanted)


def stable_id(*parts: str) -> UUID:
    """A deterministic aggregate id: the same parts always give the same id."""
    return uuid5(NAMESPACE_URL, "toegang:" + "/".join(parts))
