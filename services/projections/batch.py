"""The batch check's items: each validated and decided on its own, like a single check."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter, ValidationError

from services.grants.domain.base import DomainError
from services.http.field_errors import FieldError
from services.http.problems import validation_problem
from services.projections import schemas as s
from services.projections.check import Decision, check_access
from services.projections.state import AccessState


@dataclass(frozen=True)
class BadItem:
    """A question of a batch that cannot be answered: its problem code, the key and facts
    of its texts, the fields it got wrong (located within the item)."""

    code: str
    key: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


_ITEM = TypeAdapter(s.CheckItem)
_ITEMS = TypeAdapter(list[s.CheckItem])


def questions(raw: list[Any]) -> list[s.CheckItem | BadItem]:
    """Every item of a batch: all validated in one call when all are good, else each on its
    own (so a bad one answers in place)."""
    try:
        return list(_ITEMS.validate_python(raw))
    except ValidationError:
        return [question(item) for item in raw]


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
        named = error.facts.get("fields") or [error.facts.get("field")]
        located = [FieldError((str(name),), error.key, error.facts) for name in named if name]
        return BadItem(error.code, error.key, error.facts, located)
