"""The Grant aggregate in memory: replaying its events rebuilds the same grant, also for any
sequence of commands.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from eventsourcing.application import project_aggregate
from hypothesis import given, settings
from hypothesis import strategies as st

from services.grants.domain.grant import (
    ConfirmationExpired,
    ConfirmationInvalid,
    ConfirmationUsed,
    Grant,
    GrantExists,
    GrantNotOpen,
)
from services.grants.tokens import IssuedToken
from tests.unit.grant_support import ACTOR, EMPLOYER, TTL, active, issue, names, opened

# --- replay -----------------------------------------------------------------------------------


def full_story(now: datetime) -> tuple[Grant, list[Any]]:
    grant, _ = active(now)
    events: list[Any] = list(grant.collect_events())
    grant.change_rights("edit", actor=EMPLOYER, now=now)
    grant.revoke(actor=EMPLOYER, reason="ended", now=now)
    later = now + timedelta(days=1)
    grant.request(rights="view", basis="advisor", actor=EMPLOYER, now=later, expires_at=later + TTL)
    issue(grant, later)
    grant.expire_if_due(now=later + TTL * 2, actor=ACTOR)
    events += grant.collect_events()
    return grant, events


def test_replaying_the_collected_events_rebuilds_the_same_grant(now: datetime) -> None:
    grant, events = full_story(now)
    assert names(events) == [
        "Opened",
        "Requested",
        "ConfirmationIssued",
        "Confirmed",
        "RightsChanged",
        "Revoked",
        "Requested",
        "ConfirmationIssued",
        "RequestExpired",
    ]
    assert [event.originator_version for event in events] == list(range(1, len(events) + 1))
    assert all(event.originator_id == grant.id for event in events)
    rebuilt = project_aggregate(None, events)
    assert isinstance(rebuilt, Grant)
    assert rebuilt == grant
    assert rebuilt.version == grant.version == len(events)
    assert rebuilt.status == "expired"
    assert rebuilt.rights == "view"


def test_replaying_with_mutate_gives_the_same_state(now: datetime) -> None:
    grant, events = full_story(now)
    rebuilt: Any = None
    for event in events:
        rebuilt = event.mutate(rebuilt)
    assert vars(rebuilt) == vars(grant)


def test_replaying_a_prefix_gives_the_state_at_that_point(now: datetime) -> None:
    _, events = full_story(now)
    until_confirmed = project_aggregate(None, events[:4])
    assert isinstance(until_confirmed, Grant)
    assert until_confirmed.status == "active"
    assert until_confirmed.rights == "view"
    assert until_confirmed.version == 4


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["request", "issue", "confirm", "confirm_old", "change", "revoke", "wait"]),
        st.sampled_from(["view", "edit"]),
        st.integers(min_value=0, max_value=10),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(actions=ACTIONS)
def test_any_sequence_of_commands_replays_to_the_same_grant(
    actions: list[tuple[str, str, int]],
) -> None:
    clock = datetime(2025, 1, 1, tzinfo=UTC)
    grant = opened()
    issued: list[IssuedToken] = []
    for action, rights, days in actions:
        try:
            if action == "request":
                grant.request(rights, "advisor", EMPLOYER, clock, clock + TTL)
            elif action == "issue" and grant.status == "pending":
                # as the application does: a link is issued only for a pending request
                issued.append(issue(grant, clock))
            elif action in ("confirm", "confirm_old") and issued:
                token = issued[-1] if action == "confirm" else issued[0]
                grant.confirm(token.token_hash, EMPLOYER, clock)
            elif action == "change":
                grant.change_rights(rights, EMPLOYER, clock)
            elif action == "revoke":
                grant.revoke(EMPLOYER, "reason", clock)
            else:
                clock += timedelta(days=days)
                grant.expire_if_due(clock, ACTOR)
        except (GrantExists, GrantNotOpen, ConfirmationInvalid, ConfirmationUsed):
            pass
        except ConfirmationExpired:
            assert grant.status_at(clock) == "expired"
        assert grant.status in ("new", "pending", "active", "revoked", "expired")
        assert len(set(grant.used_token_hashes)) == len(grant.used_token_hashes)
        if grant.status == "active":
            assert grant.token_hash is None
    rebuilt = project_aggregate(None, grant.collect_events())
    assert rebuilt == grant
