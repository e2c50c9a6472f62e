"""The Platform aggregate's configuration in memory: its identity, its own copy of the settings,
reconfiguring, and `check_platform_settings`.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.grants.domain.actor import LoaTooLow, ServiceNotLinked
from services.grants.domain.platform import (
    InvalidPlatformSettings,
    Platform,
    check_platform_settings,
)
from tests.unit.platform_support import ACTOR, SERVICE_VIEW, SETTINGS, SLUG, names, person, platform

# --- configuration ----------------------------------------------------------------------------


def test_platform_id_is_deterministic() -> None:
    assert platform().id == Platform.create_id(SLUG)
    assert Platform.create_id(SLUG) != Platform.create_id("pme-werkgeversportaal")


def test_platform_keeps_its_own_copy_of_the_settings() -> None:
    settings = {**SETTINGS, "services": dict(SETTINGS["services"])}
    portal = Platform(slug=SLUG, settings=settings, actor=ACTOR)
    settings["services"][SERVICE_VIEW] = "employer_edit"
    settings["min_loa"] = "EH2"
    assert portal.services[SERVICE_VIEW] == "employer_view"
    assert portal.min_loa == "EH3"


def test_reconfigure_replaces_the_rules() -> None:
    portal = platform()
    portal.collect_events()
    portal.reconfigure(
        settings={
            **SETTINGS,
            "min_loa": "EH4",
            "services": {},
            "chain_authorisation": "not_accepted",
        },
        actor=ACTOR,
    )
    assert names(portal.collect_events()) == ["Reconfigured"]
    with pytest.raises(LoaTooLow):
        portal.capability_of(person())
    with pytest.raises(ServiceNotLinked):
        portal.capability_of(person(loa="urn:etoegang:core:assurance-class:loa4"))
    assert portal.chain_authorisation == "not_accepted"


def test_check_platform_settings_accepts_good_settings() -> None:
    assert check_platform_settings(dict(SETTINGS)) == SETTINGS


@pytest.mark.parametrize(
    ("change", "mentions"),
    [
        ({"login": []}, "login"),
        ({"login": ["saml"]}, "login"),
        ({"login": ["eherkenning", "digid"]}, "login"),
        ({"min_loa": "EH5"}, "min_loa"),
        ({"min_loa": "loa3"}, "min_loa"),
        ({"services": {"urn:x": "admin"}}, "service"),
        ({"chain_authorisation": "sometimes"}, "chain_authorisation"),
        ({"locale": "de"}, "locale"),
    ],
)
def test_check_platform_settings_refusals(change: dict[str, Any], mentions: str) -> None:
    with pytest.raises(InvalidPlatformSettings) as raised:
        check_platform_settings({**SETTINGS, **change})
    assert raised.value.code == "invalid_request"
    assert mentions in str(raised.value)


def test_check_platform_settings_reports_every_problem_at_once() -> None:
    with pytest.raises(InvalidPlatformSettings) as raised:
        check_platform_settings({**SETTINGS, "min_loa": "EH9", "locale": "de", "login": []})
    message = str(raised.value)
    assert "min_loa" in message
    assert "locale" in message
    assert "login" in message
    assert message.count(";") == 2
