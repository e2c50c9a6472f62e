"""Bearer tokens with scopes; the caller is known by a fingerprint, never by its token."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from services.http.problems import Problem


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

    def authenticate(self, token: str) -> Caller | None:
        digest = hashlib.sha256(token.encode()).digest()
        found = None
        for stored, scopes in self._entries:
            if hmac.compare_digest(stored, digest):
                found = Caller(client="token:" + digest.hex()[:12], scopes=scopes)
        return found


def caller_of(request: Request) -> Caller:
    """The caller behind the request's bearer token, or a 401 problem."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    registry: TokenRegistry = request.app.state.token_registry
    caller = registry.authenticate(token.strip()) if scheme.lower() == "bearer" else None
    if caller is None:
        raise Problem("unauthenticated")
    return caller


def requires(*scopes: str) -> Callable[[Request], Awaitable[Caller]]:
    """A dependency admitting callers that hold any of `scopes`.

    Async on purpose: a sync dependency costs a thread-pool hop on every request.
    """

    async def dependency(request: Request) -> Caller:
        caller = caller_of(request)
        if not caller.scopes & set(scopes):
            raise Problem("insufficient_scope", f"this endpoint needs one of: {', '.join(scopes)}")
        return caller

    return dependency
