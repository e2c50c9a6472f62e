"""The toegang application: the contexts' use cases, composed over the one event store.

One eventsourcing application (the store) holds the one ordered log every context writes:
a grant's confirmation, an agreement that revokes users and a profile erasure are ordered
against each other, sealed in one hash chain, and one position answers "has the view seen
this?" for all of them. The contexts are plain objects over that store, each with its own
use cases; none inherits another's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from services.credentials.agreements import AgreementsUseCases
from services.credentials.privacy import PrivacyUseCases
from services.credentials.users import UsersUseCases
from services.grants.app_base import StoreApplication, utc_now
from services.grants.grant_use_cases import GrantUseCases
from services.grants.notices import NoticeQueries
from services.grants.reference import ReferenceData
from services.grants.tokens import AccessCodes, ConfirmationTokens


class ToegangApplication:
    """The store and the contexts over it: reference data, grants (route B), agreements and
    users (credential platforms), privacy, and the notices the notifier reads."""

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        tokens: ConfirmationTokens,
        confirm_ttl: timedelta = timedelta(days=7),
        reminder_days: int = 14,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.store = StoreApplication(env, clock)
        self.tokens, self.codes = tokens, AccessCodes(tokens.key)
        self.reference = ReferenceData(self.store)
        self.grants = GrantUseCases(self.store, tokens, confirm_ttl, reminder_days)
        self.agreements = AgreementsUseCases(self.store, self.codes)
        self.users = UsersUseCases(self.store, self.agreements)
        self.privacy = PrivacyUseCases(self.store)
        self.notices = NoticeQueries(self.store, tokens, self.codes)

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.store.clock

    def position(self) -> int:
        """The position of the last event in the log (0 when empty)."""
        return self.store.position()

    def close(self) -> None:
        self.store.close()
