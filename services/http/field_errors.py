"""The `errors[]` of a problem: which field a request got wrong, said for people in the
request's language from the catalogue's field messages (never pydantic's English)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from services.messages import field_message

CONTEXT_FACTS = ("max_length", "min_length", "gt", "ge", "lt", "le")
"""The facts of pydantic's `ctx` a field message may name (numbers, in no language)."""
QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


@dataclass(frozen=True)
class FieldError:
    """One field a request got wrong: where (`location`), which message (`key`), its facts."""

    location: tuple[str, ...]
    key: str
    facts: Mapping[str, Any] = field(default_factory=dict)

    def said_in(self, language: str) -> dict[str, Any]:
        """The entry of `errors[]`: the location and the message in `language`."""
        facts = {**self.facts, "field": self.location[-1] if self.location else ""}
        return {
            "location": list(self.location),
            "message": field_message(self.key, language, facts),
        }


def from_validation(found: Sequence[Any], body: Any = None) -> list[FieldError]:
    """The field errors of pydantic's (or FastAPI's) validation errors; `body` is the text a
    `json_invalid` error's position points into."""
    return [_one(error, body) for error in found]


def _one(error: Mapping[str, Any], body: Any) -> FieldError:
    kind, context = str(error["type"]), error.get("ctx") or {}
    location = tuple(str(part) for part in error["loc"])
    if kind == "json_invalid":
        return _json(error["loc"], body)
    facts = {name: context[name] for name in CONTEXT_FACTS if name in context}
    if "expected" in context:
        facts["expected"] = allowed_values(str(context["expected"]))
    if kind == "invalid_identifier" and context.get("kind"):
        kind = f"invalid_identifier@{context['kind']}"
    if kind == "missing" and location == ("body",):
        kind = "missing@body"
    return FieldError(location, kind, facts)


def allowed_values(expected: str) -> str:
    """pydantic's English list of allowed values (`'a', 'b' or 'c'`) without its words."""
    quoted = QUOTED.findall(expected)
    values = quoted or [v for v in re.split(r",\s*|\s+or\s+", expected) if v]
    return ", ".join(f"'{value}'" for value in values)


def _json(location: Sequence[Any], body: Any) -> FieldError:
    """A body that is not JSON, at its line and column where the position is known."""
    position = location[1] if len(location) > 1 else None
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if not isinstance(position, int) or not isinstance(body, str):
        return FieldError(("body",), "json_invalid")
    line = body.count("\n", 0, position) + 1
    column = position - (body.rfind("\n", 0, position) + 1) + 1
    return FieldError(("body",), "json_invalid@position", {"line": line, "column": column})


def from_refusal(request: Request, key: str, facts: Mapping[str, Any]) -> list[FieldError]:
    """The fields a refusal names (its facts `field` or `fields`), each located where the
    request held it: a path parameter, a query parameter, else the body."""
    named = facts.get("fields") or ([facts["field"]] if facts.get("field") else [])
    return [FieldError(where(request, str(name)), key, facts) for name in named]


def where(request: Request, name: str) -> tuple[str, str]:
    """The location of a named value in the request."""
    if name in request.path_params:
        return ("path", name)
    if name in request.query_params:
        return ("query", name)
    return ("body", name)
