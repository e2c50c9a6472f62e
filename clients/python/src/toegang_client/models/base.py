"""The base of the answer models: frozen dataclasses built from JSON, with nested parsers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, ClassVar, Self, TypeVar

M = TypeVar("M", bound="Model")
Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Model:
    """An answer of toegang. `from_json` takes each field from the key of its name; the
    parsers in `NESTED` turn a key's JSON into the field's type (models, tuples, instants)."""

    NESTED: ClassVar[Mapping[str, Parser]] = {}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """The model of a JSON object (missing keys read as None)."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            value = data.get(field.name)
            parse = cls.NESTED.get(field.name)
            values[field.name] = parse(value) if parse is not None and value is not None else value
        return cls(**values)


def many(model: type[M]) -> Callable[[Any], tuple[M, ...]]:
    """A parser of a JSON list of `model` objects into a tuple."""

    def parse(items: Any) -> tuple[M, ...]:
        return tuple(model.from_json(item) for item in items)

    return parse


def strings(items: Any) -> tuple[str, ...]:
    """A JSON list of strings as a tuple."""
    return tuple(str(item) for item in items)


def instant(value: Any) -> datetime:
    """An ISO 8601 instant (`…Z` or with an offset) as an aware datetime."""
    return datetime.fromisoformat(str(value))


def day(value: Any) -> date:
    """An ISO 8601 date (`2030-06-30`)."""
    return date.fromisoformat(str(value))


def frozen(value: Any) -> Mapping[str, Any]:
    """A JSON object kept as a read-only mapping."""
    return MappingProxyType(dict(value))
