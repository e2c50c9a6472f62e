"""The batch check's items: each validated and decided on its own, like a single check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from services.grants.domain.base import DomainError
from services.http.problems import validation_problem
from services.projections import schemas as s
from services.projections.check import Decision, check_access
from services.projections.state import AccessState


@dataclass(frozen=True)
class BadItem:
    """A question of a batch that cannot be answered: its problem code and detail."""

    code: str
    detail: str = ""
    errors: list[dict[str, Any]] | None = None


_ITEM = TypeAdapter(s.CheckItem)


def question(raw: Any) -> s.CheckItem | BadItem:
    """One item of a batch, validated on its own like the body of a single check."""
    try:
        return _ITEM.validate_python(raw)
    except ValidationError as error:
        code, errors = validation_problem(error.errors())
        return BadItem(code, errors=errors)


def decide(
    state: AccessState, platform: str, asked: s.CheckItem | BadItem, now: datetime
) -> Decision | BadItem:
    """The single check's decision for one question (a bad one stays as it is)."""
    if isinstance(asked, BadItem):
        return asked
    try:
        return check_access(
            state,
            platform,
            asked.actor.model_dump(),
            asked.organisation,
            asked.action,
            asked.contract,
            now,
        )
    except DomainError as error:
        return BadItem(error.code, error.detail)
