"""Views maintained incrementally equal views rebuilt from scratch (SQLite and PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from eventsourcing.application import AggregateNotFoundError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.eventlog.database import ViewDatabase
from services.eventlog.log import EventLog, open_event_log
from services.grants.domain.base import DomainError
from services.grants.domain.grant import Grant
from services.projections.rebuild import rebuild_view
from services.projections.runner import AccessProjection
from tests.conftest import Stack
from tests.projection_support import assert_same_views, isolated_projection, snapshot
from tests.support import platform_settings, wait_until
from tests.world import build_world

PARTIES = ("advisor", "group", "stranger")
operations = st.lists(
    st.one_of(
        st.tuples(st.just("request"), st.sampled_from(PARTIES), st.sampled_from(["view", "edit"])),
        st.tuples(st.just("confirm"), st.sampled_from(PARTIES)),
        st.tuples(st.just("change"), st.sampled_from(PARTIES), st.sampled_from(["view", "edit"])),
        st.tuples(st.just("revoke"), st.sampled_from(PARTIES)),
        st.tuples(st.just("withdraw")),
        st.tuples(st.just("reinstate")),
        st.tuples(st.just("drop_group")),
        st.tuples(st.just("rename")),
        st.tuples(st.just("chain"), st.sampled_from(["sufficient", "requires_grant"])),
        st.tuples(st.just("later")),
        st.tuples(st.just("project"), st.integers(1, 7)),
    ),
    min_size=5,
    max_size=30,
)


@pytest.fixture
def projection_parts(stack: Stack) -> Iterator[tuple[EventLog, ViewDatabase]]:
    log, database = open_event_log(stack.settings), ViewDatabase(stack.settings)
    yield log, database
    log.close()
    database.close()


def run_operation(
    stack: Stack, world: Any, op: tuple[Any, ...], incremental: AccessProjection
) -> None:
    """Carry out one generated operation through the application's use cases."""
    app, kind, args = stack.app, op[0], op[1:]
    party = getattr(world, args[0]) if args and args[0] in PARTIES else ""
    person = world.employer_actor()
    grant_id = Grant.create_id(world.platform, world.employer, party) if party else None

    def confirm() -> None:
        assert grant_id is not None
        grant: Grant = app.store.repository.get(grant_id)
        app.grants.confirm_grant(app.tokens.derive(grant.id, grant.confirmation_id or ""), "test")

    def project() -> None:
        incremental.batch_size = args[0]
        incremental.process_batch()

    actions: dict[str, Callable[[], object]] = {
        "request": lambda: app.grants.request_grant(
            world.platform, world.employer, party, args[-1], person
        ),
        "confirm": confirm,
        "change": lambda: app.grants.change_rights(str(grant_id), args[-1], person),
        "revoke": lambda: app.grants.revoke_grant(str(grant_id), person, "test"),
        "withdraw": lambda: app.reference.withdraw_licence(world.platform, world.advisor, "staff"),
        "reinstate": lambda: app.reference.register_advisor(
            world.platform, world.advisor, "AFM-2", "s"
        ),
        "drop_group": lambda: app.reference.register_contract(
            world.platform, world.contract, world.employer, [], "C", "staff"
        ),
        "rename": lambda: app.reference.register_organisation(
            world.advisor, "Nieuw", "n@example.org", "s"
        ),
        "chain": lambda: app.reference.configure_platform(
            world.platform, platform_settings(args[0]), "s"
        ),
        "later": lambda: stack.clock.advance(timedelta(days=4)),
        "project": project,
    }
    with contextlib.suppress(DomainError, AggregateNotFoundError):
        actions[kind]()  # a refused command appends nothing; the views must not care


# a slow loop: CI keeps the count small (TOEGANG_REPLAY_EXAMPLES in .ci/run)
REPLAY_EXAMPLES = int(os.environ.get("TOEGANG_REPLAY_EXAMPLES", "15"))


@settings(max_examples=REPLAY_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=operations)
def test_incremental_views_equal_a_rebuild_from_scratch(
    stack: Stack, projection_parts: tuple[EventLog, ViewDatabase], ops: list[tuple[Any, ...]]
) -> None:
    log, database = projection_parts
    world = build_world(stack.app)
    incremental = isolated_projection(log, database, batch_size=3)
    for op in ops:
        run_operation(stack, world, op, incremental)
    incremental.batch_size = 1000
    incremental.catch_up()
    scratch = isolated_projection(log, database)
    scratch.catch_up()
    assert snapshot(incremental.state) == snapshot(scratch.state)
    stored = AccessProjection(log, database, prefix=incremental.prefix, name=incremental.name)
    stored.load()
    assert snapshot(stored.state) == snapshot(incremental.state)
    assert stored.position == incremental.position == log.head()


def test_rebuild_swaps_in_equal_views_and_the_live_projection_reloads(
    stack: Stack, projection_parts: tuple[EventLog, ViewDatabase]
) -> None:
    log, database = projection_parts
    world = build_world(stack.app)
    stack.app.grants.request_grant(
        world.platform, world.employer, world.advisor, "view", world.employer_actor()
    )
    live = stack.projection
    head = log.head()
    assert live.wait_for(head, timeout=10)
    before = snapshot(live.state)
    seen: list[tuple[int, int]] = []
    position = rebuild_view(log, database, lambda at, top: seen.append((at, top)), batch_size=50)
    assert position == head
    assert seen[-1] == (head, head)
    assert len(seen) >= head // 50
    swapped = AccessProjection(log, database)
    swapped.load()
    assert snapshot(swapped.state) == before
    live.reload_if_swapped()
    assert live.generation == swapped.generation > 0
    stack.app.grants.revoke_grant(
        str(Grant.create_id(world.platform, world.employer, world.advisor)),
        world.employer_actor(),
        "after the swap",
    )
    assert live.wait_for(log.head(), timeout=10)
    after = stored_at(log, database, log.head())  # the live writer commits after it applies
    assert_same_views(after.state, live.state)


def stored_at(log: EventLog, database: ViewDatabase, position: int) -> AccessProjection:
    """The views as stored (a reader's load), once they were written up to `position`."""

    def loaded() -> AccessProjection | None:
        stored = AccessProjection(log, database, writer=False)
        stored.load()
        return stored if stored.position == position else None

    found: AccessProjection = wait_until(loaded)
    return found
