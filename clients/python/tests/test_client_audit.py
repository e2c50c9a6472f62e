"""The audit trail through the client: history, access at an instant, the chain's check."""

from __future__ import annotations

from client_support import Service, build_world
from toegang_client import Client

from tests.mailbox import mailed_token


def test_history_access_at_and_verify(service: Service, toegang: Client) -> None:
    world, _ = build_world(toegang)
    asked = toegang.request_grant(
        world.platform, world.employer_login, world.employer, world.advisor, "view"
    )
    confirmed = toegang.confirm_grant(mailed_token(service.outbox, asked.grant_id))

    page = toegang.history(organisation=world.employer, min_position=confirmed.position)
    grant_steps = [(e.type, e.actor["route"]) for e in page.entries if e.type.startswith("Grant")]
    assert grant_steps[-1] == ("GrantConfirmed", "confirmation_link")
    assert page.position >= confirmed.position
    first = toegang.history(organisation=world.employer, limit=1, min_position=confirmed.position)
    assert len(first.entries) == 1 and first.next_after == first.entries[0].position
    rest = toegang.history(organisation=world.employer, after=first.next_after)
    assert [e.position for e in rest.entries] == [e.position for e in page.entries][1:]

    moment = next(e.time for e in page.entries if e.type == "GrantConfirmed")
    at = toegang.access_at(world.platform, world.employer, moment, min_position=confirmed.position)
    assert [(a.holder, a.rights, a.route, a.kind) for a in at.access] == [
        (world.advisor, "view", "grant", "grant")
    ]
    assert at.access[0].approved_by is not None
    assert at.access[0].approved_by["method"] == "confirmation_link"

    verification = toegang.verify()
    assert verification.ok and verification.problems == ()
    assert verification.events >= confirmed.position
    assert verification.head.position >= confirmed.position and verification.head.digest
