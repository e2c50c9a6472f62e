"""Bearer tokens with scopes; the caller is known by a fingerprint, never by its token.

Scopes are checked twice over, cheaply: `ScopedRoute` admits the caller before FastAPI reads
or validates anything of the request (a request without a token is 401, not 422), and the
`requires(...)` dependency then hands the route the `Caller` found the first time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.dependencies.models import Dependant

from services.http.problem_docs import DocumentedRoute, problem_schemas
from services.http.problems import Problem

CALLER_KEY = "toegang.caller"  # the scope entry that remembers the caller for this request


@dataclass(frozen=True)
class Caller:
    """An authenticated calling service: a token fingerprint and its scopes."""

    client: str
    scopes: frozenset[str]


class TokenRegistry:
    """Configured tokens, kept only as SHA-256 digests and compared in constant time."""

    def __init__(self, tokens: dict[str, list[str]]) -> None:
        self._entries = [
            (hashlib.sha256(token.encode()).digest(), frozenset(scopes))
            for token, scopes in tokens.items()
        ]
        # Known tokens only, so the cache holds no more entries than there are tokens; it is
        # keyed by the digest, so no token is kept in the clear.
        self._known: dict[bytes, Caller] = {}

    def authenticate(self, token: str) -> Caller | None:
        """The caller holding `token`, or None for an unknown token."""
        digest = hashlib.sha256(token.encode()).digest()
        known = self._known.get(digest)
        if known is not None:
            return known
        found = self._lookup(digest)
        if found is not None:
            self._known[digest] = found
        return found

    def _lookup(self, digest: bytes) -> Caller | None:
        found = None
        for stored, scopes in self._entries:
            if hmac.compare_digest(stored, digest):
                found = Caller(client="token:" + digest.hex()[:12], scopes=scopes)
        return found


def caller_of(request: Request) -> Caller:
    """The caller behind the request's bearer token, or a 401 problem."""
    known: Caller | None = request.scope.get(CALLER_KEY)
    if known is not None:
        return known
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    registry: TokenRegistry = request.app.state.token_registry
    caller = registry.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if caller is None:
        raise Problem("unauthenticated")
    request.scope[CALLER_KEY] = caller
    return caller


class Requires:
    """A dependency admitting callers that hold any of `scopes`; `ScopedRoute` finds it.

    Async on purpose: a sync dependency costs a thread-pool hop on every request.
    """

    def __init__(self, *scopes: str) -> None:
        self.scopes = frozenset(scopes)
        self._needed = ", ".join(scopes)

    async def __call__(self, request: Request) -> Caller:
        return self.admit(request)

    def admit(self, request: Request) -> Caller:
        """The caller, if authenticated and holding one of the scopes; else 401 or 403."""
        caller = caller_of(request)
        if not caller.scopes & self.scopes:
            raise Problem(
                "insufficient_scope",
                text_key="insufficient_scope@scopes",
                facts={"scopes": self._needed},
            )
        return caller


def requires(*scopes: str) -> Requires:
    """A dependency admitting callers that hold any of `scopes`."""
    return Requires(*scopes)


def gates_of(dependant: Dependant) -> Iterator[Requires]:
    """Every `Requires` among the dependencies of `dependant`, however deep."""
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, Requires):
            yield dependency.call
        yield from gates_of(dependency)


BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "A token of TOEGANG_API_TOKENS; each operation names the scopes it admits.",
}


def document_security(app: FastAPI) -> None:
    """Name the bearer scheme the operations' `security` refers to, and the `Problem` schema
    their problem answers refer to, in the OpenAPI document."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        components = document.setdefault("components", {})
        components.setdefault("securitySchemes", {})["bearer"] = BEARER
        components.setdefault("schemas", {}).update(problem_schemas())
        return document

    app.openapi = openapi  # type: ignore[method-assign]


class ScopedRoute(DocumentedRoute):
    """A route that admits the caller before the body is read or anything is validated; its
    OpenAPI operation names the scopes it admits (`security`, `x-toegang-scopes`, text) and
    the problems it can answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = self.scopes()
        if scopes:
            extra = {"security": [{"bearer": []}], "x-toegang-scopes": scopes}
            self.openapi_extra = {**(self.openapi_extra or {}), **extra}
            needs = f"Needs a bearer token with the scope {' or '.join(scopes)}."
            self.description = f"{self.description}\n\n{needs}".strip()

    def scopes(self) -> list[str]:
        return sorted({scope for gate in gates_of(self.dependant) for scope in gate.scopes})

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The usual handler, preceded by the scope checks its dependencies ask for."""
        handler = super().get_route_handler()
        gates = tuple(dict.fromkeys(gates_of(self.dependant)))
        if not gates:
            return handler

        async def admitted(request: Request) -> Response:
            for gate in gates:
                gate.admit(request)
            return await handler(request)

        return admitted
