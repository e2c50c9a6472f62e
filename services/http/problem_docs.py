"""The problems an operation can answer, as its OpenAPI operation lists them.

A route names the refusals of its use cases (`responses=refusals(GrantExists, ...)`); the
problems every route of its kind can give (no token, a token without the scope, a body that
does not validate, a store that does not answer) are added by `complete`, from what the route
is. Each status lists the stable codes it can carry as an enum of the `Problem` schema's `code`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.routing import APIRoute

from services.http.problems import EXTRA_HEADERS, STATUS
from services.messages import texts

PROBLEM_MEDIA_TYPE = "application/problem+json"
CODES_KEY = "x-toegang-codes"  # a route's own refusals, until `complete` turns them into content
PROBLEM_REF = "#/components/schemas/Problem"
HEADER_TEXTS = {
    "WWW-Authenticate": "`Bearer`: the request needs a bearer token.",
    "Retry-After": "Seconds to wait before trying again.",
    "Connection": "`close`: the rest of the body was not read.",
}


def code_of(refusal: type[Exception] | str) -> str:
    """The stable code of an error class (its `code`) or a code itself."""
    return refusal if isinstance(refusal, str) else str(getattr(refusal, "code", ""))


def refusals(
    *errors: type[Exception] | str, at: dict[int, Iterable[str]] | None = None
) -> dict[int | str, dict[str, Any]]:
    """The `responses` of a route whose use cases refuse with these errors (classes with a
    `code`, or the codes of problems the route raises itself); `at` adds codes that answer
    with a status of the route's choosing (the reasons a login is refused, say)."""
    grouped: dict[int | str, dict[str, Any]] = {}
    chosen = [(code, status) for status, codes in (at or {}).items() for code in codes]
    for code, status in [(code_of(error), 0) for error in errors] + chosen:
        grouped.setdefault(status or STATUS[code], {CODES_KEY: []})[CODES_KEY].append(code)
    return grouped


def common_codes(route: APIRoute, scoped: bool) -> list[str]:
    """The problems a route can give by what it is: guarded, validated, reading a store."""
    codes = ["store_unavailable"]
    if scoped:
        codes += ["unauthenticated", "insufficient_scope"]
    parameters = route.dependant.path_params + route.dependant.query_params
    if parameters or route.body_field is not None:
        codes += ["invalid_request", "invalid_identifier"]
    if route.body_field is not None:
        codes.append("payload_too_large")
    return codes


def complete(route: APIRoute, scoped: bool) -> None:
    """Turn the route's refusals and its common problems into documented responses."""
    responses = dict(route.responses)
    grouped: dict[int, list[str]] = {}
    for code in common_codes(route, scoped):
        grouped.setdefault(STATUS[code], []).append(code)
    for status, entry in list(responses.items()):
        if CODES_KEY in entry:
            grouped.setdefault(int(status), []).extend(entry[CODES_KEY])
            del responses[status]
    for status, codes in sorted(grouped.items()):
        responses[status] = problem_response(list(dict.fromkeys(codes)))
    route.responses = responses


def problem_response(codes: list[str]) -> dict[str, Any]:
    """One status's documented answer: a Problem whose `code` is one of `codes`."""
    schema = {"allOf": [{"$ref": PROBLEM_REF}, {"properties": {"code": {"enum": codes}}}]}
    described = "; ".join(f"`{code}`: {texts(code, 'en')['title']}" for code in codes)
    headers = {
        name: {"description": HEADER_TEXTS[name], "schema": {"type": "string"}}
        for code in codes
        for name in EXTRA_HEADERS.get(code, {})
    }
    answer: dict[str, Any] = {
        "description": described,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}},
    }
    if headers:
        answer["headers"] = headers
    return answer


class DocumentedRoute(APIRoute):
    """A route whose OpenAPI operation lists the problems it can answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        complete(self, scoped=bool(self.scopes()))

    def scopes(self) -> list[str]:
        """The scopes that admit a caller here (none: no token needed)."""
        return []


HTML = {"text/html": {"schema": {"type": "string"}}}


def problem_schemas() -> dict[str, Any]:
    """The `Problem` schema (RFC 9457 with a stable code) and its field errors."""
    error = {
        "type": "object",
        "required": ["location", "message"],
        "properties": {
            "location": {"type": "array", "items": {"type": "string"}},
            "message": {"type": "string"},
        },
    }
    problem = {
        "type": "object",
        "description": "An RFC 9457 problem; `code` is stable, the texts follow Accept-Language.",
        "required": ["type", "code", "status", "title", "detail", "remedy"],
        "properties": {
            "type": {"type": "string", "examples": ["urn:toegang:problem:grant_exists"]},
            "code": {
                "type": "string",
                "description": "Stable; each operation lists the codes it can answer.",
            },
            "status": {"type": "integer"},
            "title": {"type": "string"},
            "detail": {"type": "string"},
            "remedy": {"type": "string"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
            "position": {"type": "integer", "description": "The view's position, on a 503."},
        },
    }
    return {"Problem": problem, "FieldError": error}
