"""Builders and constants shared by the platform unit tests: a platform's settings, a platform built
from them, an eHerkenning person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.grants.domain.actor import EHerkenningActor, service_actor
from services.grants.domain.platform import Platform

SLUG = "befrank-werkgeversportaal"
EMPLOYER = "kvk:11111111"
ADVISOR = "kvk:22222222"
ACTOR = service_actor("test")
SERVICE_VIEW = "urn:etoegang:DV:00000001234567890000:services:1"
SERVICE_EDIT = "urn:etoegang:DV:00000001234567890000:services:2"
SERVICE_ADVISOR = "urn:etoegang:DV:00000001234567890000:services:3"
LOA3 = "urn:etoegang:core:assurance-class:loa3"
SETTINGS: dict[str, Any] = {
    "name": "BeFrank werkgeversportaal",
    "login": ["eherkenning"],
    "min_loa": "EH3",
    "services": {
        SERVICE_VIEW: "employer_view",
        SERVICE_EDIT: "employer_edit",
        SERVICE_ADVISOR: "advisor",
    },
    "chain_authorisation": "sufficient",
    "locale": "nl",
}

# What each assertion URI is worth, written out here rather than read from LOA_LEVELS.
EXPECTED_LEVEL = {
    "urn:etoegang:core:assurance-class:loa2": "EH2",
    "urn:etoegang:core:assurance-class:loa2plus": "EH2+",
    "urn:etoegang:core:assurance-class:loa3": "EH3",
    "urn:etoegang:core:assurance-class:loa4": "EH4",
    "http://eidas.europa.eu/LoA/substantial": "EH3",
    "http://eidas.europa.eu/LoA/high": "EH4",
}
LEVEL_ORDER = ["EH2", "EH2+", "EH3", "EH4"]


def names(events: Sequence[object]) -> list[str]:
    return [type(event).__name__ for event in events]


def platform(**changes: Any) -> Platform:
    return Platform(slug=SLUG, settings={**SETTINGS, **changes}, actor=ACTOR)


def person(
    legal_subject: str = EMPLOYER,
    service_id: str = SERVICE_EDIT,
    loa: str = LOA3,
    intermediary: str | None = None,
) -> EHerkenningActor:
    return EHerkenningActor(
        legal_subject=legal_subject,
        acting_subject="pseudonym-1",
        intermediary=intermediary,
        service_id=service_id,
        loa=loa,
    )
