"""A platform announcement in nl, fr and en, mailed to every agreement address."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor


class Announcement(Aggregate):
    """News of one platform for all its organisations."""

    @event("Published")
    def __init__(
        self, platform: str, subject: dict[str, str], body: dict[str, str], actor: Actor
    ) -> None:
        self.platform, self.subject, self.body = platform, dict(subject), dict(body)
