"""The grant story: one employer-advisor pair over the span."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bench.audit.common import TTL
from bench.audit.history import History
from services.grants.domain.actor import service_actor
from services.grants.domain.advisor import Advisor
from services.grants.domain.grant import Grant
from tests.support import actor


class GrantStory:
    """One employer-advisor pair: request, confirm or expire, change rights, revoke, again."""

    def __init__(self, platform: str, grantor: str, advisor: Advisor, ours: bool) -> None:
        self.platform, self.grantor, self.advisor, self.ours = platform, grantor, advisor, ours
        self.grant: Grant | None = None
        self.token = ""
        self.next: Callable[[History, Grant], timedelta | None] = self.request

    def person(self, history: History) -> dict[str, Any]:
        return actor(self.grantor, person=f"person-{history.rng.randrange(4)}")

    def step(self, history: History) -> timedelta | None:
        if self.grant is None:
            record = self.person(history)
            self.grant = Grant(self.platform, self.grantor, self.advisor.organisation, record)
            self.advisor.link_client(
                grantor=self.grantor, grant_id=str(self.grant.id), actor=record
            )
        later = self.next(history, self.grant)
        history.touch(self.ours, self.grant, self.advisor)
        return later

    def request(self, history: History, grant: Grant) -> timedelta:
        now, record, self.token = history.now, self.person(history), history.secret()
        rights = history.rng.choice(("view", "edit"))
        grant.request(rights=rights, basis="advisor", actor=record, now=now, expires_at=now + TTL)
        grant.issue_confirmation(
            confirmation_id=self.token[:32],
            token_hash=self.token,
            sent_to="hr@example.org",
            expires_at=now + TTL,
            actor=record,
        )
        roll = history.rng.random()
        if roll < 0.85:
            self.next = self.confirm
            return history.days(0.01, 3)
        if roll < 0.95:
            self.next = self.expire
            return TTL + history.days(0.05, 2)
        self.next = self.revoke
        return history.days(0.05, 5)

    def confirm(self, history: History, grant: Grant) -> timedelta:
        link_actor = {"method": "confirmation_link", "client": "bench"}
        grant.confirm(token_hash=self.token, actor=link_actor, now=history.now)
        self.next = self.change if history.rng.random() < 0.75 else self.revoke
        return history.days(5, 120)

    def change(self, history: History, grant: Grant) -> timedelta:
        rights = "edit" if grant.rights == "view" else "view"
        grant.change_rights(rights=rights, actor=self.person(history), now=history.now)
        self.next = self.change if history.rng.random() < 0.6 else self.revoke
        return history.days(5, 120)

    def revoke(self, history: History, grant: Grant) -> timedelta | None:
        grant.revoke(actor=self.person(history), reason="bench", now=history.now)
        self.next = self.request
        return history.days(3, 180) if history.rng.random() < 0.85 else None

    def expire(self, history: History, grant: Grant) -> timedelta:
        assert grant.expire_if_due(history.now, service_actor("toegang"))
        self.next = self.request
        return history.days(1, 30)
