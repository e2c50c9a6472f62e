"""The checks behind `Settings` that need more than a type, and the operator's one line per
bad variable (`TOEGANG_` + the field name upper-cased, never a pydantic dump)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

SCOPES = ("admin", "grants:write", "access:read", "users:write", "audit:read")
SECRET = {"api_tokens", "token_key", "decision_key", "database_url", "smtp_url"}
"""Fields whose value never appears in a message (it may hold a password or a token)."""
SECONDS = re.compile(r"\s*\d+(?:\.\d+)?\s*")
TOPIC_CHARACTERS = re.compile(r"[A-Za-z0-9._-]*")
HOST_PORT = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?")


def duration(value: Any) -> Any:
    """Plain seconds (`2`, `1.5`) or an ISO 8601 duration (`P7D`, `PT30M`) as a timedelta."""
    if not isinstance(value, str):
        return value
    if SECONDS.fullmatch(value):
        return timedelta(seconds=float(value))
    if value.strip().upper().startswith("P"):
        try:
            return TypeAdapter(timedelta).validate_python(value.strip())
        except ValidationError:
            pass
    raise ValueError(f"not seconds nor an ISO 8601 duration such as P7D: {value[:40]!r}")


def seconds(value: Any) -> Any:
    """An ISO 8601 duration (`PT30S`) as seconds; plain numbers go to pydantic as they are."""
    if isinstance(value, str) and value.strip().upper().startswith("P"):
        return duration(value).total_seconds()
    return value


def api_tokens(value: Any) -> Any:
    """A JSON object of token -> list of scopes; refusals name the token by its number."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, dict):
        raise ValueError('must be a JSON object: {"<token>": ["<scope>", ...]}')
    for number, (token, scopes) in enumerate(value.items(), start=1):
        if not token.strip():
            raise ValueError(f"token {number} is empty")
        if not isinstance(scopes, list):
            raise ValueError(f"the scopes of token {number} must be a JSON list")
        for scope in scopes:
            if scope not in SCOPES:
                known = ", ".join(SCOPES)
                raise ValueError(f"unknown scope {scope!r} for token {number} (known: {known})")
    return value


def url(value: str, schemes: tuple[str, ...], example: str) -> str:
    """`value` if it has one of `schemes` and a host, else refuse with `example`."""
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"must be a URL like {example}")
    return value


def topic_prefix(value: str) -> str:
    """A Kafka topic prefix: ASCII letters, digits, '.', '_' and '-' only."""
    if not TOPIC_CHARACTERS.fullmatch(value) or len(value) > 200:
        raise ValueError("may hold only ASCII letters, digits, '.', '_' and '-' (200 at most)")
    return value


def bootstrap(value: str | None) -> str | None:
    """Comma-separated `host:port` pairs (the port may go: Kafka's 9092), no URL scheme."""
    if value is not None and not value.strip():
        return None  # set but empty: as unset
    if value is not None and not all(HOST_PORT.fullmatch(p.strip()) for p in value.split(",")):
        raise ValueError("must be host:port (several separated by commas)")
    return value


def confirm_template(template: str) -> str:
    """A confirmation link template with `{token}` and no placeholder but `{public_url}`."""
    if "{token}" not in template:
        raise ValueError("must contain {token}")
    try:
        template.format(public_url="", token="")
    except (KeyError, IndexError, ValueError):
        raise ValueError("may use only the placeholders {public_url} and {token}") from None
    return template


def decision_log(choice: str) -> str:
    """off, all, denied or a fraction between 0 and 1."""
    choice = choice.strip().lower()
    if choice in ("off", "all", "denied"):
        return choice
    try:
        fraction = float(choice)
    except ValueError:
        fraction = -1.0
    if not 0 <= fraction <= 1:
        raise ValueError("must be off, all, denied or a fraction between 0 and 1")
    return choice


def long_hex(key: str | None) -> str | None:
    """A key of at least 256 bits as hex digits."""
    if key is not None and not re.fullmatch(r"(?:[0-9a-fA-F]{2}){32,}", key):
        raise ValueError("must be at least 64 hex digits (256 bits), an even number of them")
    return key


def problem_lines(error: ValidationError) -> list[str]:
    """One `TOEGANG_NAME: what is wrong` line per bad variable, in field order."""
    lines: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "settings"
        if field in lines:
            continue
        message = problem["msg"].removeprefix("Value error, ")
        given = problem.get("input")
        if field not in SECRET and isinstance(given, str) and problem["type"] != "value_error":
            message += f" (got {given[:60]!r})"
        lines[field] = f"TOEGANG_{field.upper()}: {message}"
    return list(lines.values())
