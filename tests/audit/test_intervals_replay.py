"""Access intervals against a replay of the log, on SQLite and PostgreSQL.

The property: for random command sequences, `access_at` over the projected intervals equals a
replay of the log up to the same instant (`replay_access_at`, the access projection's own
state) at every event's time, between events, at every `valid_until` cut-off and after.
"""

from __future__ import annotations

import contextlib
import os
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.audit.projection import AuditProjection
from services.grants.domain.base import DomainError
from services.grants.domain.grant import Grant
from tests.audit.interval_support import (
    Office,
    Parts,
    appoint_master,
    assert_agrees,
    build_office,
    confirm,
    fiche,
    new_agreement,
)
from tests.support import World
from tests.world import build_world

PARTIES = ("advisor", "group", "stranger")
RIGHTS = st.sampled_from(["view", "edit"])
FICHES = st.tuples(RIGHTS, st.booleans(), st.sampled_from([None, 0, 1, 2, 30]))
CHOOSE = st.integers(0, 9)
GRANT_OPS = st.one_of(
    st.tuples(st.just("request"), st.sampled_from(PARTIES), RIGHTS),
    st.tuples(st.just("confirm"), st.sampled_from(PARTIES)),
    st.tuples(st.just("confirm"), st.sampled_from(PARTIES)),
    st.tuples(st.just("change"), st.sampled_from(PARTIES), RIGHTS),
    st.tuples(st.just("revoke"), st.sampled_from(PARTIES)),
    st.tuples(st.just("withdraw")),
    st.tuples(st.just("reinstate")),
)
USER_OPS = st.one_of(
    st.tuples(st.just("add_user"), FICHES),
    st.tuples(st.just("add_user"), FICHES),
    st.tuples(st.just("replace_user"), CHOOSE, FICHES),
    st.tuples(st.just("replace_user"), CHOOSE, FICHES),
    st.tuples(st.just("revoke_user"), CHOOSE),
    st.tuples(st.just("expire_user"), CHOOSE),
    st.tuples(st.just("agreement")),
    st.tuples(st.just("master")),
)
operations = st.lists(
    st.one_of(
        GRANT_OPS,
        GRANT_OPS,
        USER_OPS,
        USER_OPS,
        st.tuples(st.just("later"), st.sampled_from([1, 13, 24, 96])),
        st.tuples(st.just("project"), st.integers(1, 7)),
    ),
    min_size=10,
    max_size=40,
)


@dataclass
class Driver:
    """Carries out generated operations through the application's use cases."""

    parts: Parts
    world: World
    office: Office
    projection: AuditProjection

    def __call__(self, kind: str, *args: Any) -> None:
        """Run one operation; a refused command appends nothing and the audit must not care."""
        with contextlib.suppress(DomainError, AggregateNotFoundError):
            getattr(self, kind)(*args)

    def _grant(self, party: str) -> UUID:
        return Grant.create_id(self.world.platform, self.world.employer, getattr(self.world, party))

    def _user(self, choice: int) -> str:
        users = self.office.users
        if not users:
            raise AggregateNotFoundError("no user yet")
        return users[choice % len(users)]

    def request(self, party: str, rights: str) -> None:
        world = self.world
        grantee = getattr(world, party)
        self.parts.app.grants.request_grant(
            world.platform, world.employer, grantee, rights, world.employer_actor()
        )

    def confirm(self, party: str) -> None:
        confirm(self.parts.app, self._grant(party))

    def change(self, party: str, rights: str) -> None:
        self.parts.app.grants.change_rights(
            str(self._grant(party)), rights, self.world.employer_actor()
        )

    def revoke(self, party: str) -> None:
        self.parts.app.grants.revoke_grant(
            str(self._grant(party)), self.world.employer_actor(), "t"
        )

    def withdraw(self) -> None:
        self.parts.app.reference.withdraw_licence(self.world.platform, self.world.advisor, "staff")

    def reinstate(self) -> None:
        self.parts.app.reference.register_advisor(
            self.world.platform, self.world.advisor, "AFM-2", "s"
        )

    def add_user(self, terms: tuple[str, bool, int | None]) -> None:
        office = self.office
        made = self.parts.app.users.create_user(
            office.platform, office.organisation, office.master_actor(), fiche(office, *terms)
        )
        office.users.append(made["user_id"])

    def replace_user(self, choice: int, terms: tuple[str, bool, int | None]) -> None:
        office, user = self.office, self._user(choice)
        self.parts.app.users.replace_user(
            office.platform, office.organisation, user, office.master_actor(), fiche(office, *terms)
        )

    def revoke_user(self, choice: int) -> None:
        office, user = self.office, self._user(choice)
        self.parts.app.users.revoke_user(
            office.platform, office.organisation, user, office.master_actor(), "left"
        )

    def expire_user(self, choice: int) -> None:
        self.parts.app.users.expire_user(self._user(choice))

    def agreement(self) -> None:
        new_agreement(self.parts.app, self.office)

    def master(self) -> None:
        appoint_master(self.parts.app, self.office)

    def later(self, hours: int) -> None:
        self.parts.clock.advance(timedelta(hours=hours))

    def project(self, batch_size: int) -> None:
        self.projection.batch_size = batch_size
        self.projection.process_batch()


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_access_at_equals_a_replay_of_the_log(parts: Parts, ops: list[tuple[Any, ...]]) -> None:
    random.seed(os.urandom(16))  # hypothesis seeds `random` alike per example: ids would repeat
    start = parts.log.head()
    projection = parts.projection(batch_size=5)  # a restart on what earlier examples stored
    world, office = build_world(parts.app), build_office(parts.app)
    drive = Driver(parts, world, office, projection)
    for kind, *args in ops:
        drive(kind, *args)
    projection.batch_size = 1000
    projection.catch_up()
    assert projection.position == parts.log.head()
    pairs = [
        (world.platform, world.employer),
        (world.platform, world.advisor),
        (office.platform, office.organisation),
    ]
    assert_agrees(parts, parts.events(start), pairs)
