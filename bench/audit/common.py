"""What the parts of the audit benchmark share: the platforms, the organisation, the span."""

from __future__ import annotations

from datetime import timedelta

from services.grants.domain.actor import service_actor

PORTAL, OTHER = "bench-portal", "bench-other"
ORGANISATION = "kvk:40000000"
STAFF = service_actor("bench")
SPAN = timedelta(days=3 * 365)
TTL = timedelta(days=7)
