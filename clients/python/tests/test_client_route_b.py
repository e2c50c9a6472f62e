"""Route B through the client: a grant requested, confirmed by its mailed link, changed and
revoked, each check reading the view at the position of the write before it."""

from __future__ import annotations

from datetime import date, timedelta

from client_support import Service, build_world
from toegang_client import CheckItem, Client, Decision, Grant, Rights

from tests.mailbox import mailed_token


def test_a_grant_from_request_to_revoke(service: Service, toegang: Client) -> None:
    world, _ = build_world(toegang)

    def advisor(action: Rights, position: int) -> Decision:
        """The advisor's check on the employer, at the position of the write before it."""
        return toegang.check(
            world.platform, world.advisor_login, world.employer, action, min_position=position
        )

    asked = toegang.request_grant(
        world.platform, world.employer_login, world.employer, world.advisor, "view"
    )
    assert asked.status == "pending_confirmation"
    assert advisor("view", asked.position).codes == ("grant_pending_confirmation",)

    confirmed = toegang.confirm_grant(mailed_token(service.outbox, asked.grant_id))
    assert (confirmed.grant_id, confirmed.status) == (asked.grant_id, "active")
    viewing = advisor("view", confirmed.position)
    assert (viewing.allowed, viewing.rights, viewing.via, viewing.reasons) == (
        True,
        "view",
        "grant",
        (),
    )
    assert viewing.position >= confirmed.position

    last_day = date.today() + timedelta(days=400)
    changed = toegang.change_rights(asked.grant_id, world.employer_login, "edit", last_day)
    assert isinstance(changed, Grant)
    assert (changed.rights, changed.status, changed.grantee) == ("edit", "active", world.advisor)
    assert changed.valid_until == last_day
    assert advisor("edit", changed.position).rights == "edit"

    revoked = toegang.revoke_grant(asked.grant_id, world.employer_login, "adviseur gewisseld")
    assert revoked.status == "revoked"
    assert_denied(advisor("view", revoked.position), "grant_revoked")
    assert toegang.position == revoked.position
    feed = toegang.access_changes(world.platform, organisation=world.employer)
    assert [(c.rights_before, c.rights_after) for c in feed.changes] == [
        (None, "view"),
        ("view", "edit"),
        ("edit", None),
    ]
    assert feed.changes[-1].cause["position"] == revoked.position
    assert toegang.access_changes(world.platform, after=feed.next_after).changes == ()


def test_a_grant_in_the_listings_and_its_story(service: Service, toegang: Client) -> None:
    world, _ = build_world(toegang)
    asked = toegang.request_grant(
        world.platform, world.employer_login, world.employer, world.advisor, "view"
    )
    confirmed = toegang.confirm_grant(mailed_token(service.outbox, asked.grant_id))

    given = toegang.organisation_grants(
        world.platform, world.employer, min_position=confirmed.position
    )
    assert given.covered and [g.grant_id for g in given.given] == [asked.grant_id]
    assert given.given[0].active_since is not None
    clients = toegang.advisor_clients(
        world.platform, world.advisor, min_position=confirmed.position
    )
    assert clients.licensed is True
    assert [(c.grantor, c.status) for c in clients.clients] == [(world.employer, "active")]
    opened = toegang.portals(world.platform, world.advisor_login, min_position=confirmed.position)
    assert [(p.organisation, p.via) for p in opened.portals] == [(world.employer, "grant")]

    story = toegang.get_grant(asked.grant_id)
    assert story.status == "active" and story.position == confirmed.position
    assert [event.type for event in story.history][-1] == "GrantConfirmed"
    assert story.history[0].time.tzinfo is not None


def test_a_batch_and_a_withdrawn_licence(service: Service, toegang: Client) -> None:
    world, _ = build_world(toegang)
    asked = toegang.request_grant(
        world.platform, world.employer_login, world.employer, world.advisor, "edit"
    )
    toegang.confirm_grant(mailed_token(service.outbox, asked.grant_id))
    withdrawn = toegang.withdraw_licence(world.platform, world.advisor)
    batch = toegang.check_batch(
        world.platform,
        [
            CheckItem(world.employer_login, world.employer, "edit"),
            CheckItem(world.advisor_login, world.employer, "view"),
            CheckItem(world.advisor_login, "kvk:123", "view"),
        ],
        min_position=withdrawn.position,
    )
    own, advisor, bad = batch.results
    assert (own.allowed, own.via) == (True, "own")
    assert (advisor.allowed, [r.code for r in advisor.reasons]) == (
        False,
        ["advisor_licence_withdrawn"],
    )
    assert bad.problem is not None and bad.problem.code == "invalid_identifier"
    assert batch.position >= withdrawn.position


def assert_denied(decision: Decision, code: str) -> None:
    """A denial whose first reason is `code`, with a message and a remedy."""
    assert decision.allowed is False
    assert decision.codes[0] == code
    assert all(decision.remedies) and len(decision.remedies) == len(decision.reasons)
    assert all(reason.message for reason in decision.reasons)
