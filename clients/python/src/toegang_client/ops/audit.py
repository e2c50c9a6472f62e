"""Operations of the audit trail: history, access at an instant, the hash chain's check."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from toegang_client._call import Call
from toegang_client.models import AccessAt, HistoryPage, Verification


def history(
    *,
    platform: str | None = None,
    organisation: str | None = None,
    grant: str | None = None,
    user: str | None = None,
    from_: datetime | str | None = None,
    to: datetime | str | None = None,
    after: int | None = None,
    limit: int | None = None,
    min_position: int | None = None,
) -> Call[HistoryPage]:
    """A page of the history in log order, filtered by platform, organisation, grant, user
    and time (`from_` ≤ time < `to`); pass `next_after` as `after` for the next page."""
    query: dict[str, Any] = {"platform": platform, "organisation": organisation}
    query |= {"grant": grant, "user": user}
    query |= {"from": from_, "to": to, "after": after, "limit": limit}
    url = "/v1/audit/history"
    return Call("GET", url, HistoryPage.from_json, None, query, min_position, reads="query")


def access_at(
    platform: str, organisation: str, at: datetime | str, *, min_position: int | None = None
) -> Call[AccessAt]:
    """Every grant and platform user with access to `organisation`'s data at `at`."""
    return Call(
        "GET",
        "/v1/audit/access",
        AccessAt.from_json,
        query={"platform": platform, "organisation": organisation, "at": at},
        min_position=min_position,
        reads="query",
    )


def verify() -> Call[Verification]:
    """Recompute the log's hash chain: intact or not, with the head digest."""
    return Call("GET", "/v1/audit/verify", Verification.from_json)
