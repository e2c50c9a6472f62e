"""Confirmation tokens: 256-bit secrets derived from a key, stored only as SHA-256 hashes.

A token is `<grant id hex>.<secret>`, where the secret is HMAC-SHA256(key, confirmation id)
and the confirmation id is 256 random bits recorded in the ConfirmationIssued event. The
store alone never reveals a token; whoever holds the key (the mailer) can rebuild the link
after a crash without the token ever being written down.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class IssuedToken:
    confirmation_id: str
    token: str
    token_hash: str


class ConfirmationTokens:
    """Derive, hash and parse confirmation tokens with one secret key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("the token key must have at least 256 bits")
        self._key = key

    @property
    def key(self) -> bytes:
        return self._key

    def issue(self, grant_id: UUID) -> IssuedToken:
        """A fresh token for a grant: random confirmation id, derived secret, hash."""
        confirmation_id = secrets.token_hex(32)
        token = self.derive(grant_id, confirmation_id)
        return IssuedToken(confirmation_id, token, hash_token(token))

    def derive(self, grant_id: UUID, confirmation_id: str) -> str:
        """Rebuild the token mailed for a recorded confirmation."""
        digest = hmac.new(self._key, confirmation_id.encode(), hashlib.sha256).digest()
        secret = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return f"{grant_id.hex}.{secret}"


def hash_token(token: str) -> str:
    """The SHA-256 of a token, as stored in events."""
    return hashlib.sha256(token.encode()).hexdigest()


def grant_id_of(token: str) -> UUID | None:
    """The grant a token claims to be for, or None if it is not shaped like a token."""
    prefix, _, secret = token.partition(".")
    if len(prefix) != 32 or len(secret) != 43:
        return None
    try:
        return UUID(hex=prefix)
    except ValueError:
        return None


@dataclass(frozen=True)
class IssuedCode:
    code_id: str
    code: str
    code_hash: str


class AccessCodes:
    """One-time activation codes for platform users: derived like tokens, stored as hashes.

    A code reads `XXXX-XXXX-XXXX-XXXX` (80 bits, base32 without look-alike letters).
    """

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"access-codes:" + key).digest()

    def issue(self) -> IssuedCode:
        code_id = secrets.token_hex(32)
        code = self.derive(code_id)
        return IssuedCode(code_id, code, hash_code(code))

    def derive(self, code_id: str) -> str:
        digest = hmac.new(self._key, code_id.encode(), hashlib.sha256).digest()[:10]
        text = base64.b32encode(digest).decode()
        return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def hash_code(code: str) -> str:
    """The SHA-256 of a code as typed (case and dashes do not matter)."""
    normalised = code.replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()
