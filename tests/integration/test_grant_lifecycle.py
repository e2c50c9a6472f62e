"""The grant lifecycle through the application's use cases, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from services.bootstrap import build_grants_application
from services.bootstrap.application import ToegangApplication
from services.grants.app_base import NotFound
from services.grants.domain.actor import ActorNotAuthorised, LoaTooLow, ServiceNotLinked
from services.grants.domain.advisor import Advisor, AdvisorNotLicensed, AdvisorUnknown
from services.grants.domain.base import DomainError
from services.grants.domain.grant import (
    ConfirmationExpired,
    ConfirmationInvalid,
    ConfirmationUsed,
    GrantExists,
    GrantNotOpen,
)
from services.grants.domain.grant_basis import OrganisationNotInContract
from services.grants.identifiers import InvalidIdentifier
from tests.conftest import Stack
from tests.mailbox import mailed_token
from tests.support import LOA2, VIEW_SERVICE, World, actor, random_kvk
from tests.world import REQUESTED, REQUESTED_TO_REVOKED, build_world, sweep_until


def history_types(app: ToegangApplication, grant_id: str) -> list[str]:
    return [entry["type"] for entry in app.grants.get_grant(grant_id)["history"]]


def request(app: ToegangApplication, world: World, grantee: str | None = None) -> str:
    answer = app.grants.request_grant(
        world.platform, world.employer, grantee or world.advisor, "view", world.employer_actor()
    )
    grant_id: str = answer["grant_id"]
    return grant_id


def test_request_confirm_change_revoke_and_grant_again(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    grant_id = request(app, world)
    assert app.grants.get_grant(grant_id)["status"] == "pending"
    confirmed = app.grants.confirm_grant(mailed_token(stack.settings.outbox_dir, grant_id), "test")
    assert confirmed["status"] == "active"
    changed = app.grants.change_rights(grant_id, "edit", world.employer_actor())
    assert (changed["rights"], changed["status"]) == ("edit", "active")
    revoked = app.grants.revoke_grant(grant_id, world.employer_actor(), "adviseur gewisseld")
    assert revoked["status"] == "revoked"
    again = request(app, world)
    assert again == grant_id
    app.grants.confirm_grant(mailed_token(stack.settings.outbox_dir, grant_id, count=2), "test")
    grant = app.grants.get_grant(grant_id)
    assert (grant["status"], grant["rights"]) == ("active", "view")
    assert history_types(app, grant_id) == [*REQUESTED_TO_REVOKED, *REQUESTED, "GrantConfirmed"]


def test_history_positions_increase_and_record_actor_and_time(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    grant_id = request(app, world)
    app.grants.revoke_grant(grant_id, world.employer_actor(person="p-9"), "test")
    history = app.grants.get_grant(grant_id)["history"]
    positions = [entry["position"] for entry in history]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    assert positions[-1] == app.position()
    revoked = history[-1]
    assert revoked["actor"]["acting_subject"] == "p-9"
    assert revoked["data"] == {"reason": "test", "rights": "view"}
    assert all("token_hash" not in entry["data"] for entry in history)


def test_group_company_in_own_contract_may_be_granted(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    grant_id = request(app, world, grantee=world.group)
    assert app.grants.get_grant(grant_id)["status"] == "pending"


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("stranger", AdvisorUnknown),
        ("self", DomainError),
        ("uncovered_grantor", OrganisationNotInContract),
        ("bad_kvk", InvalidIdentifier),
        ("loa2", LoaTooLow),
        ("view_service", ActorNotAuthorised),
        ("unknown_service", ServiceNotLinked),
        ("other_org", ActorNotAuthorised),
        ("unknown_platform", NotFound),
    ],
)
def test_refused_requests_append_nothing(stack: Stack, case: str, error: type[Exception]) -> None:
    app, world = stack.app, build_world(stack.app)
    grantor, grantee, person = world.employer, world.advisor, world.employer_actor()
    platform = world.platform
    if case == "stranger":
        grantee = world.stranger
    elif case == "self":
        grantee = world.employer
    elif case == "uncovered_grantor":
        grantor, person = world.stranger, actor(world.stranger)
    elif case == "bad_kvk":
        grantee = "kvk:1234"
    elif case == "loa2":
        person = world.employer_actor(loa=LOA2)
    elif case == "view_service":
        person = world.employer_actor(service=VIEW_SERVICE)
    elif case == "unknown_service":
        person = world.employer_actor(service="urn:etoegang:DV:0:services:99")
    elif case == "other_org":
        person = actor(random_kvk())
    elif case == "unknown_platform":
        platform = "no-such-platform"
    before = app.position()
    with pytest.raises(error):
        app.grants.request_grant(platform, grantor, grantee, "view", person)
    assert app.position() == before


def test_open_pair_cannot_be_requested_twice(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    request(app, world)
    before = app.position()
    with pytest.raises(GrantExists):
        request(app, world)
    assert app.position() == before


def test_confirmation_token_is_single_use_and_checked(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    grant_id = request(app, world)
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    with pytest.raises(ConfirmationInvalid):
        app.grants.confirm_grant(token[:-1] + ("A" if token[-1] != "A" else "B"), "test")
    app.grants.confirm_grant(token, "test")
    before = app.position()
    with pytest.raises(ConfirmationUsed):
        app.grants.confirm_grant(token, "test")
    assert app.position() == before


def test_expired_confirmation_is_refused_and_pair_can_be_requested_again(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    grant_id = request(app, world)
    token = mailed_token(stack.settings.outbox_dir, grant_id)
    stack.clock.advance(timedelta(days=7, seconds=1))
    before = app.position()
    with pytest.raises(ConfirmationExpired):
        app.grants.confirm_grant(token, "test")
    assert app.position() == before
    assert app.grants.get_grant(grant_id)["status"] == "expired"
    request(app, world)
    assert history_types(app, grant_id)[-3:] == ["GrantRequestExpired", *REQUESTED]


def test_withdrawn_licence_revokes_the_advisors_grants_explicitly(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    active = request(app, world)
    app.grants.confirm_grant(mailed_token(stack.settings.outbox_dir, active), "test")
    other = build_world(app)
    app.reference.register_advisor(world.platform, other.advisor, "AFM-2", "test")
    untouched = request(app, world, grantee=other.advisor)
    app.reference.withdraw_licence(world.platform, world.advisor, "staff")
    assert app.grants.get_grant(active)["status"] == "active"  # the sweeper revokes it, next
    sweep_until(app, stack.settings, lambda: app.grants.get_grant(active)["status"] == "revoked")
    grant = app.grants.get_grant(active)
    assert grant["status"] == "revoked"
    assert grant["history"][-1]["data"]["reason"] == "advisor_licence_withdrawn"
    assert app.grants.get_grant(untouched)["status"] == "pending"
    with pytest.raises(AdvisorNotLicensed):
        request(app, world)
    app.reference.register_advisor(world.platform, world.advisor, "AFM-1", "staff")
    assert request(app, world) == active


def test_change_and_revoke_need_an_open_grant_and_the_grantor(stack: Stack) -> None:
    app, world = stack.app, build_world(stack.app)
    grant_id = request(app, world)
    with pytest.raises(ActorNotAuthorised):
        app.grants.revoke_grant(grant_id, actor(world.advisor), "not mine to revoke")
    app.grants.revoke_grant(grant_id, world.employer_actor(), "done")
    with pytest.raises(GrantNotOpen):
        app.grants.change_rights(grant_id, "edit", world.employer_actor())
    with pytest.raises(NotFound):
        app.grants.get_grant("not-a-grant-id")


def test_concurrent_requests_to_one_advisor_write_only_their_own_grants(stack: Stack) -> None:
    world = build_world(stack.app)
    employers = [random_kvk() for _ in range(32)]
    for employer in employers:
        stack.app.reference.register_organisation(employer, "Werkgever", "hr@example.nl", "test")
    stack.app.reference.register_contract(
        world.platform, f"{world.contract}-B", employers[0], employers, "B", "t"
    )
    advisor_id = Advisor.create_id(world.platform, world.advisor)
    version: int = stack.app.store.repository.get(advisor_id).version
    # An application of its own with a small pool: 16 threads share 4 connections, and the
    # session's stack keeps no extra idle connections afterwards.
    app = build_grants_application(stack.settings.model_copy(update={"postgres_pool_size": 2}))

    def ask(employer: str) -> str:
        answer = app.grants.request_grant(
            world.platform, employer, world.advisor, "view", actor(employer)
        )
        status: str = answer["status"]
        return status

    try:
        with ThreadPoolExecutor(16) as pool:
            assert list(pool.map(ask, employers)) == ["pending_confirmation"] * len(employers)
    finally:
        app.close()
    # The advisor's stream is read, never written: no request waits for or conflicts with
    # another, whatever the number of the advisor's clients.
    assert stack.app.store.repository.get(advisor_id).version == version
