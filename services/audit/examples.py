"""The audit walk-through of the README as the OpenAPI examples of the audit routes.

Asked after the grant walk-through: the employer's last four grant events (step 1), who had
access when the grant was confirmed (step 2) and the chain's check. The events, instants and
actors are those of `services.grants.examples`, written as the audit view writes them
(`timefmt.instant`, `trail.actor_route`).
"""

from __future__ import annotations

from typing import Any

from services.audit.timefmt import instant
from services.audit.trail import actor_route
from services.grants import examples as ex

HISTORY_PAGE: dict[str, Any] = {
    "entries": [
        {
            "position": position,
            "time": instant(moment),
            "type": kind,
            "aggregate_id": ex.GRANT_ID,
            "actor": actor_route(actor),
            "data": data,
        }
        for position, moment, kind, actor, data in ex.GRANT_EVENTS
        if position > ex.REQUESTED
    ],
    "next_after": None,
    "position": ex.REVOKED,
}
"""`?organisation=kvk:12345678&after=28`: the page the README's step 1 prints the end of."""

ACCESS_AT: dict[str, Any] = {
    "platform": ex.PLATFORM,
    "organisation": ex.EMPLOYER,
    "at": instant(ex.CONFIRMED_AT),
    "access": [
        {
            "kind": "grant",
            "subject_id": ex.GRANT_ID,
            "holder": ex.ADVISOR,
            "rights": "view",
            "scope": None,
            "route": "grant",
            "approved_by": ex.LINK_ACTOR,
            "since": instant(ex.CONFIRMED_AT),
            "valid_from": instant(ex.CONFIRMED_AT),
            "valid_to": instant(ex.CHANGED_AT),
        }
    ],
    "position": ex.REVOKED,
}
"""Step 2: the advisor's view rights from the confirmation until they became edit rights."""

VERIFICATION: dict[str, Any] = {
    "ok": True,
    "events": ex.REVOKED,
    "head": {
        "position": ex.REVOKED,
        "digest": "3f9d030130a44c37dad75b677353f4cced891da60bb1a2df87c225f96da8e2f8",
    },
    "problems": [],
}
"""Step 3: the chain intact over the demo's and the walk-through's events."""
