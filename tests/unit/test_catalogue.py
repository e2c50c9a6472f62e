"""The event catalogue describes every recorded event once, and everything reads it."""

from __future__ import annotations

import re

from schemas.events import event_types
from services.grants.domain.catalogue import CATALOGUE
from services.notifications.mailers import MAILERS
from services.projections.state import HANDLERS


def test_every_recorded_event_is_described_once() -> None:
    described = [kind.cls for kind in CATALOGUE.kinds]
    assert len(described) == len(set(described))
    assert set(described) == {event.cls for event in event_types()}  # raises if one is missing


def test_published_types_are_unique_versioned_and_found_by_type() -> None:
    for kind in CATALOGUE.kinds:
        assert re.fullmatch(r"toegang\.[a-z_]+\.[a-z_]+\.v[0-9]+", kind.type), kind.type
        assert CATALOGUE.by_type(kind.type) is kind
    assert CATALOGUE.by_type("toegang.nothing.v1") is None


def test_the_notifier_writes_mail_for_exactly_the_events_that_ask_for_it() -> None:
    assert set(MAILERS) == set(CATALOGUE.mailed())


def test_the_access_state_handles_only_described_events() -> None:
    described = {kind.cls for kind in CATALOGUE.kinds}
    assert set(HANDLERS) <= described
    assert len(HANDLERS) >= 30


def test_unpublished_fields_leave_the_rest_of_the_facts_as_they_are() -> None:
    kind = next(k for k in CATALOGUE.kinds if k.name == "PlatformUserGranted")
    facts = {"login": "x", "fiche": {"name": "N", "email": "e", "rights": "view"}}
    assert kind.published(facts) == {"login": "x", "fiche": {"rights": "view"}}
    assert facts["fiche"] == {"name": "N", "email": "e", "rights": "view"}
    assert CATALOGUE.sealed() == {
        kind.topic: ("fiche.name", "fiche.email"),
        **{k.topic: k.personal for k in CATALOGUE.kinds if k.name == "PlatformUserProfileReplaced"},
    }
