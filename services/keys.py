"""Secrets an embedded installation keeps in its data dir when none are configured."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from services.settings import ALL_SCOPES, Settings


def _read_or_create(path: Path, make: str) -> tuple[str, bool]:
    """The file's content, creating it (mode 0600) with `make` if absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), False
    with os.fdopen(descriptor, "w") as file:
        file.write(make + "\n")
    return make, True


def token_key(settings: Settings) -> bytes:
    """The key that derives confirmation tokens: configured, or kept in the data dir."""
    if settings.token_key:
        return bytes.fromhex(settings.token_key)
    key, _ = _read_or_create(settings.data_dir / "token.key", secrets.token_hex(32))
    return bytes.fromhex(key)


def decision_key(settings: Settings) -> bytes:
    """The key of the decision log's subject pseudonyms: configured, or kept in the data dir
    (file `decision.key`, mode 0600); without it a pseudonym cannot be linked to a person."""
    if settings.decision_key:
        return bytes.fromhex(settings.decision_key)
    key, _ = _read_or_create(settings.data_dir / "decision.key", secrets.token_hex(32))
    return bytes.fromhex(key)


def api_tokens(settings: Settings) -> tuple[dict[str, list[str]], str | None]:
    """Configured tokens; else one admin token kept in the data dir.

    Answers the tokens and, only when it was just created, the new admin token to print once.
    """
    if settings.api_tokens is not None:
        return {token: list(scopes) for token, scopes in settings.api_tokens.items()}, None
    token, created = _read_or_create(settings.data_dir / "admin-token", secrets.token_urlsafe(32))
    return {token: list(ALL_SCOPES)}, token if created else None


def ignored_admin_token(settings: Settings) -> Path | None:
    """The generated admin token's file when TOEGANG_API_TOKENS replaces it (it no longer
    opens anything), else None."""
    path = settings.data_dir / "admin-token"
    return path if settings.api_tokens is not None and path.exists() else None
