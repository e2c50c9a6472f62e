"""Languages per person and per agreement in memory: which language a mail is in, the
agreement's language through signing and superseding, and agreements stored before an
agreement had a language (their Signed and Superseded events are upcast).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.grants.app_base import StoreApplication
from services.grants.domain.agreement import Agreement
from services.grants.mail_texts import mail_language, pick_language
from tests.unit.credential_builders import (
    ORGANISATION,
    PLATFORM,
    STAFF,
    agreement_of,
    only_event,
    signed,
)

TEXTS = {"nl": "Onderhoud", "en": "Maintenance"}

# ---------------------------------------------------------------- which language


@pytest.mark.parametrize(
    ("known", "platform", "expected"),
    [("fr", "nl", "fr"), ("en", "fr", "en"), (None, "nl", "nl"), (None, "fr", "fr")],
)
def test_a_mail_is_in_the_known_language_else_the_platforms(
    known: str | None, platform: str, expected: str
) -> None:
    assert mail_language(known, platform) == expected


def test_an_announcement_is_in_the_first_preferred_language_it_has() -> None:
    assert pick_language(TEXTS, "en", "nl") == "en"
    assert pick_language(TEXTS, "fr", "en") == "en"  # not in French: the platform's
    assert pick_language(TEXTS, None, "en") == "en"  # not known: the platform's
    assert pick_language({"fr": "Maintenance"}, None, "nl") == "fr"  # the only one it has


# ---------------------------------------------------------------- the agreement's language


def test_an_agreement_is_signed_with_a_language_or_without() -> None:
    assert signed().language is None
    agreement = Agreement(
        platform=PLATFORM,
        organisation=ORGANISATION,
        reference="EXT-1",
        notification_email="rh@example.be",
        signed_on=date(2025, 1, 15),
        actor=STAFF,
        language="fr",
    )
    assert only_event(agreement, "Signed").language == agreement.language == "fr"


def test_the_same_reference_in_another_language_changes_the_language_only() -> None:
    agreement = signed()
    assert (
        agreement.sign("EXT-2025-001", "pensioen@example.be", date(2025, 1, 15), STAFF, "fr") == []
    )
    assert only_event(agreement, "LanguageChanged").language == agreement.language == "fr"
    agreement.sign("EXT-2025-001", "pensioen@example.be", date(2025, 1, 15), STAFF, "fr")
    assert agreement.collect_events() == []
    agreement.sign("EXT-2025-001", "pensioen@example.be", date(2025, 1, 15), STAFF, None)
    assert only_event(agreement, "LanguageChanged").language is agreement.language is None


def test_a_new_reference_carries_its_own_language() -> None:
    agreement = signed()
    agreement.sign("EXT-2", "pensioen@example.be", date(2026, 1, 2), STAFF, "en")
    assert only_event(agreement, "Superseded").language == agreement.language == "en"


# ---------------------------------------------------------------- events stored before


def test_agreement_events_stored_without_a_language_still_load() -> None:
    """Signed and Superseded as version 1 stored them: no `language`, no class_version."""
    application = StoreApplication()
    agreement = agreement_of("EXT-1")
    agreement.sign("EXT-2", "nieuw@example.be", date(2026, 1, 2), STAFF)
    events = agreement.collect_events()  # the unsaved Signed and Superseded
    mapper = application.mapper
    old = []
    for stored in map(mapper.to_stored_event, events):
        state = mapper.transcoder.decode(stored.state)
        assert state.pop("class_version") == 2
        del state["language"]
        old.append(replace(stored, state=mapper.transcoder.encode(state)))
    application.recorder.insert_events(old)

    replayed: Agreement = application.repository.get(agreement.id)

    assert (replayed.reference, replayed.notification_email) == ("EXT-2", "nieuw@example.be")
    assert replayed.language is None
