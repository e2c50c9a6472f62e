"""The access changes an event makes, computed over a state fed with real aggregates' events
(no server): each change names the holder, the rights before and after, and its cause."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from services.grants.domain.grant import Grant
from services.projections.changes import AccessChange
from tests.unit.feed import NOW, PLATFORM, SERVICE, TOKENS, Feed, credential_settings

EMPLOYER, ADVISOR = "kvk:10000001", "kvk:20000002"
ORGANISATION = "kbo:0403019261"


def told(feed: Feed) -> list[tuple[str, str, str | None, str | None, str]]:
    """The changes told since the last call: (organisation, subject, before, after, cause)."""
    return [
        (c.holder.organisation, c.holder.subject, c.rights_before, c.rights_after, cause(c))
        for c in feed.state.take_changes()
    ]


def cause(change: AccessChange) -> str:
    return change.cause_type.split(".")[-2]  # toegang.grant.revoked.v1 → revoked


def test_a_confirmation_gives_the_grants_rights_a_request_gives_none() -> None:
    feed = Feed()
    feed.platform()
    feed.advisor(ADVISOR)
    feed.employer(EMPLOYER)
    feed.grant(EMPLOYER, "kvk:30000003", "pending")
    assert told(feed) == []
    feed.grant(EMPLOYER, ADVISOR, "active")
    assert told(feed) == [(EMPLOYER, ADVISOR, None, "view", "confirmed")]


def test_rights_changes_and_revocations_are_told_once_each() -> None:
    feed = Feed()
    feed.platform()
    feed.advisor(ADVISOR)
    feed.employer(EMPLOYER)
    grant = feed.grant(EMPLOYER, ADVISOR, "active")
    told(feed)
    grant.change_rights(rights="edit", actor=SERVICE, now=NOW)
    feed(grant)
    assert told(feed) == [(EMPLOYER, ADVISOR, "view", "edit", "rights_changed")]
    grant.revoke(actor=SERVICE, reason="einde opdracht", now=NOW)
    feed(grant)
    assert told(feed) == [(EMPLOYER, ADVISOR, "edit", None, "revoked")]
    assert told(feed) == []


def test_a_licence_withdrawal_ends_each_grant_resting_on_it_then_its_revocations_tell_nothing() -> (
    None
):
    feed = Feed()
    feed.platform()
    advisor = feed.advisor(ADVISOR)
    grants = []
    for number in range(3):
        grantor = f"kvk:1000001{number}"
        feed.employer(grantor)
        grants.append(feed.grant(grantor, ADVISOR, "active"))
    told(feed)
    feed.withdraw(advisor)
    changes = told(feed)
    assert sorted(changes) == [
        (f"kvk:1000001{n}", ADVISOR, "view", None, "licence_withdrawn") for n in range(3)
    ]
    for grant in grants:  # what the sweeper records just after
        grant.revoke(actor=SERVICE, reason="advisor_licence_withdrawn", now=NOW)
        feed(grant)
    assert told(feed) == []


def test_a_new_agreement_ends_every_user_of_the_old_one() -> None:
    feed = Feed()
    feed.platform(settings=credential_settings())
    feed.employer(ORGANISATION)
    agreement = feed.agreement(ORGANISATION)
    users = [feed.user(agreement), feed.user(agreement, rights="edit")]
    assert [(c[1], c[3]) for c in told(feed)] == [
        (str(users[0].id), "view"),
        (str(users[1].id), "edit"),
    ]
    agreement.sign("EXT-2", "pensioen@example.be", date(2026, 11, 1), SERVICE)
    feed(agreement)
    changes = told(feed)
    assert sorted(changes) == sorted(
        (ORGANISATION, str(user.id), rights, None, "superseded")
        for user, rights in zip(users, ("view", "edit"), strict=True)
    )


def test_an_expiry_by_time_is_told_with_the_event_that_records_it() -> None:
    feed = Feed()
    feed.platform(settings=credential_settings())
    feed.employer(ORGANISATION)
    agreement = feed.agreement(ORGANISATION)
    ends = date(2030, 6, 30)  # after the events' own times (the wall clock's)
    user = feed.user(
        agreement, external=True, assignment="Audit", valid_until=ends, contracts="all"
    )
    told(feed)
    assert user.expire_if_due(ends + timedelta(days=1), SERVICE)
    feed(user)
    assert told(feed) == [(ORGANISATION, str(user.id), "view", None, "expired")]


def test_the_same_events_give_the_same_changes_and_ids() -> None:
    """A change's id rests on its event and holder only: a replay tells it with the same id."""
    runs = []
    for _ in range(2):
        feed = Feed()
        feed.platform()
        feed.advisor(ADVISOR)
        feed.employer(EMPLOYER)
        grant = feed.grant(EMPLOYER, ADVISOR, "active")
        grant.revoke(actor=SERVICE, reason="einde opdracht", now=NOW)
        feed(grant)
        runs.append([(c.seq, c.change_id) for c in feed.state.take_changes()])
    assert len(runs[0]) == 2
    assert runs[0] == runs[1]


def test_a_time_bound_grant_is_told_ended_with_the_sweepers_expiry() -> None:
    """Its access lapses by time alone (the check denies it from the day after valid_until);
    the change is told with the GrantExpired the sweeper records, not lost before it."""
    feed = Feed()
    feed.platform()
    feed.advisor(ADVISOR)
    feed.employer(EMPLOYER)
    ends = date(2030, 6, 30)  # after the events' own times (the wall clock's)
    grant = Grant(platform=PLATFORM, grantor=EMPLOYER, grantee=ADVISOR, actor=SERVICE)
    grant.request(
        rights="view",
        basis="advisor",
        actor=SERVICE,
        now=NOW,
        expires_at=NOW + timedelta(days=7),
        valid_until=ends,
    )
    issued = TOKENS.issue(grant.id)
    grant.issue_confirmation(
        confirmation_id=issued.confirmation_id,
        token_hash=issued.token_hash,
        sent_to="hr@example.nl",
        expires_at=NOW + timedelta(days=7),
        actor=SERVICE,
    )
    grant.confirm(issued.token_hash, actor=SERVICE, now=NOW)
    feed(grant)
    assert told(feed) == [(EMPLOYER, ADVISOR, None, "view", "confirmed")]
    after_end = datetime.combine(ends + timedelta(days=1), datetime.min.time(), UTC)
    assert grant.expire_if_due(after_end, actor=SERVICE)
    feed(grant)
    assert told(feed) == [(EMPLOYER, ADVISOR, "view", None, "expired")]
