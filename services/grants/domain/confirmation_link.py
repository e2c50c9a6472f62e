"""What a confirmation link is now, told apart from its hash alone: the page says why a link
no longer works (used, expired, replaced, withdrawn) without weakening it: a token stays single
use, and a token never issued for the grant stays `unknown`, like any forged one."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Protocol

from services.grants.domain.time_rules import request_lapsed

LINK_STATES = ("valid", "used", "expired", "replaced", "withdrawn", "unknown")


class LinkHolder(Protocol):
    """The grant's facts about its links."""

    expires_at: datetime | None
    used_token_hashes: list[str]

    def awaits_token(self, token_hash: str, now: datetime) -> bool: ...


def link_state(grant: LinkHolder, token_hash: str, now: datetime) -> str:
    """`valid`, `used`, `expired`, `replaced` (a newer link was issued for the grant),
    `withdrawn` (the request ended otherwise, e.g. revoked) or `unknown` (never issued for
    this grant). Every comparison of hashes takes constant time."""
    issued: list[str] = getattr(grant, "issued_token_hashes", [])
    matches = [hmac.compare_digest(token_hash, known) for known in issued]
    if not any(matches):
        return "unknown"
    if any(hmac.compare_digest(token_hash, used) for used in grant.used_token_hashes):
        return "used"
    if not matches[-1]:
        return "replaced"
    if request_lapsed(grant.expires_at, now):
        return "expired"
    return "valid" if grant.awaits_token(token_hash, now) else "withdrawn"
