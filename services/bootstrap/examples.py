"""The examples of the health routes: `toegang serve` after the README walk-throughs."""

from __future__ import annotations

from typing import Any

from services.grants import examples as ex

HEALTHY: dict[str, Any] = {"status": "ok"}

_HEAD = ex.LICENCE_WITHDRAWN
"""The log's last event at the end of the walk-throughs: every view and processor has it."""
_CAUGHT_UP: dict[str, Any] = {
    "ok": True,
    "state": "running",
    "leading": True,
    "position": _HEAD,
    "lag": 0,
    "restarts": 0,
    "error": None,
    "last_error": None,
    "last_error_at": None,
}
READY: dict[str, Any] = {
    "ready": True,
    "checks": {
        "store": {"ok": True, "position": _HEAD},
        "views": {
            "ok": True,
            "access": {"position": _HEAD, "lag": 0},
            "audit": {"position": _HEAD, "lag": 0},
        },
        "processors": {"ok": True, **dict.fromkeys(("access", "audit", "notifier"), _CAUGHT_UP)},
    },
    "audit_chain": {
        "checked": True,
        "intact": True,
        "at": "2026-12-03T09:54:24.399676Z",
        "first_problem": None,
    },
}
"""The embedded service, ready (no broker configured: no `broker` check)."""
