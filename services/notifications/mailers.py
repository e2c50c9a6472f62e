"""Which mail each mailed event writes: by its catalogue entry, from the notices."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from services.grants.domain import catalogue_access as access
from services.grants.domain import catalogue_credentials as credentials
from services.grants.domain.event_kind import EventKind
from services.grants.notices import NoticeQueries


def _grant_notice(notices: NoticeQueries, grant_id: Any, version: int, kind: str) -> list[Any]:
    return notices.grant_notice_mail(grant_id, version, kind)


Mailer = Callable[[NoticeQueries, Any, int], list[dict[str, Any]]]
MAILERS: dict[EventKind, Mailer] = {
    access.GRANT_CONFIRMATION_ISSUED: lambda notices, i, v: notices.confirmation_mail(i, v),
    **{
        kind: functools.partial(_grant_notice, kind=str(kind.mail))
        for kind in (
            access.GRANT_CONFIRMED,
            access.GRANT_RIGHTS_CHANGED,
            access.GRANT_REVOKED,
            access.GRANT_END_REMINDER_DUE,
        )
    },
    credentials.PLATFORM_USER_CREDENTIALS_ISSUED: lambda notices, i, v: notices.credentials_mail(
        i, v
    ),
    credentials.ANNOUNCEMENT_PUBLISHED: lambda notices, i, v: notices.announcement_mails(i),
    credentials.DOCUMENT_NOTICE_PUBLISHED: lambda notices, i, v: notices.document_mails(i),
}
"""What each mailed event writes, by its catalogue entry."""
MAILED_TYPES = frozenset(kind.type for kind in MAILERS)
MAILED_TOPICS = [kind.topic for kind in MAILERS]
