"""The audit history index, on SQLite and PostgreSQL: the log positions of a platform, a party, a
user organisation, a user and a time range, ascending and in pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest

from services.audit.views import history_positions
from services.grants.domain.advisor import Advisor
from services.grants.domain.agreement import Agreement
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform
from tests.audit.interval_support import Office, Parts, build_office, fiche, is_a, positions_of
from tests.support import World
from tests.world import build_world


@dataclass
class History:
    """A grant world and an office with a user, and the log they wrote."""

    parts: Parts
    world: World
    office: Office
    user: str
    events: list[tuple[Any, int]]

    def find(self, **filters: Any) -> list[int]:
        return history_positions(self.parts.database, limit=1000, **filters)

    def grant(self, party: str) -> UUID:
        world = self.world
        return Grant.create_id(world.platform, world.employer, getattr(world, party))

    def expected(self, *aggregates: UUID, also: Callable[[Any], bool] | None = None) -> list[int]:
        return positions_of(self.events, *aggregates, also=also)


@pytest.fixture
def history(parts: Parts) -> History:
    app, world = parts.app, build_world(parts.app)
    for party, rights in ((world.advisor, "view"), (world.group, "edit")):
        app.grants.request_grant(
            world.platform, world.employer, party, rights, world.employer_actor()
        )
    office = build_office(app)
    terms = fiche(office, "view", True, None)
    made = app.users.create_user(office.platform, office.organisation, office.master_actor(), terms)
    parts.projection().catch_up()
    return History(parts, world, office, made["user_id"], parts.events())


def test_history_positions_of_a_platform_and_of_each_party(history: History) -> None:
    w, find, expected = history.world, history.find, history.expected
    contract, linked = Contract.create_id(w.platform, w.contract), is_a("Advisor.ClientLinked")
    coverage = {ref: Coverage.create_id(w.platform, ref) for ref in (w.employer, w.group)}
    advisor = Advisor.create_id(w.platform, w.advisor)
    to_advisor, to_group = history.grant("advisor"), history.grant("group")
    on_platform = [Platform.create_id(w.platform), advisor, contract, *coverage.values()]
    assert find(platform=w.platform) == expected(*on_platform, to_advisor, to_group)
    organisation = Organisation.create_id
    assert find(organisation=w.advisor) == expected(organisation(w.advisor), advisor, to_advisor)
    assert find(organisation=w.group) == expected(
        organisation(w.group), contract, coverage[w.group], to_group
    )
    employer = [contract, coverage[w.employer], to_advisor, to_group]
    assert find(organisation=w.employer) == expected(
        organisation(w.employer), *employer, also=linked
    )
    # with an organisation, its own platform-less events (registration, renames) come along
    on_employers_platform = find(platform=w.platform, organisation=w.employer)
    assert on_employers_platform == expected(organisation(w.employer), *employer, also=linked)
    assert find(grant_id=str(to_advisor)) == expected(to_advisor, also=linked)
    assert find(organisation=w.stranger) == expected(organisation(w.stranger))


def test_history_positions_of_a_user_organisation_and_a_user(history: History) -> None:
    office, user, find, expected = history.office, history.user, history.find, history.expected
    platform, ref = office.platform, office.organisation
    own = [
        Organisation.create_id(ref),
        Contract.create_id(platform, office.contract),
        Coverage.create_id(platform, ref),
        Agreement.create_id(platform, ref),
    ]
    added = is_a("AgreementRegister.OrganisationAdded")
    assert find(organisation=ref) == expected(*own, UUID(office.master), UUID(user), also=added)
    names_user = lambda event: getattr(event, "user_id", None) == user  # noqa: E731
    assert find(user_id=user) == expected(UUID(user), also=names_user)
    assert find(platform=platform, user_id=user) == find(user_id=user)


def test_history_positions_by_time_range_ascending_and_in_pages(history: History) -> None:
    events, find = history.events, history.find
    start, end = events[5][0].timestamp, events[12][0].timestamp
    assert find(start=start, end=end) == [p for _, p in events[5:12]]
    assert find(start=start, end=end, after=events[7][1]) == [p for _, p in events[8:12]]
    assert find(start=start) == [p for _, p in events[5:]]
    assert find(end=end) == [p for _, p in events[:12]]
    employer, pages, after = history.world.employer, [], 0
    while page := history_positions(
        history.parts.database, organisation=employer, after=after, limit=3
    ):
        pages.append(page)
        after = page[-1]
    assert [p for page in pages for p in page] == find(organisation=employer)
    assert len(pages) > 2 and all(len(page) == 3 for page in pages[:-1])
    assert find() == sorted(find()) == [p for _, p in events]
