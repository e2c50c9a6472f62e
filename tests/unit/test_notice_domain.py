"""The Announcement and DocumentNotice aggregates in memory, and the history of a mailed code
without its token material.
"""

from __future__ import annotations

from uuid import UUID

import pytest

from services.grants.domain.announcement import Announcement
from services.grants.domain.document import DOCUMENT_KINDS, DocumentNotice
from services.grants.history import history_data
from tests.unit.credential_builders import CODES, NOW, ORGANISATION, PLATFORM, STAFF, pending, user

# ---------------------------------------------------------------- notices


def test_an_announcement_copies_its_texts() -> None:
    subject = {"nl": "Onderhoud", "fr": "Maintenance", "en": "Maintenance"}
    body = {"nl": "Zaterdag", "fr": "Samedi", "en": "Saturday"}
    news = Announcement(platform=PLATFORM, subject=subject, body=body, actor=STAFF)
    subject["nl"] = "changed"
    assert pending(news) == ["Published"]
    assert news.subject["nl"] == "Onderhoud"
    assert news.body == {"nl": "Zaterdag", "fr": "Samedi", "en": "Saturday"}
    assert isinstance(news.id, UUID)


@pytest.mark.parametrize("kind", DOCUMENT_KINDS)
def test_a_document_notice_records_kind_and_title(kind: str) -> None:
    notice = DocumentNotice(
        platform=PLATFORM, organisation=ORGANISATION, kind=kind, title="Q1 2025", actor=STAFF
    )
    assert pending(notice) == ["Published"]
    assert (notice.organisation, notice.kind, notice.title) == (ORGANISATION, kind, "Q1 2025")


def test_history_shows_no_token_material_of_a_mailed_code() -> None:
    person = user()
    issued = CODES.issue()
    person.issue_credentials(
        code_id=issued.code_id, code_hash=issued.code_hash, expires_at=NOW, actor=STAFF
    )
    (event,) = person.collect_events()
    data = history_data(event)
    assert "code_id" not in data and "code_hash" not in data
    assert data["expires_at"] == NOW.isoformat()
