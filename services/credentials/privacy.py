"""Erasing a data subject (GDPR art. 17): end their access, record it, destroy their key."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.grants.app_base import NotFound, StoreApplication, retry_on_conflict
from services.grants.domain.agreement import Agreement
from services.grants.domain.base import Actor
from services.grants.domain.platform_user import PlatformUser


class PrivacyUseCases:
    """Use cases about people's personal data."""

    def __init__(self, store: StoreApplication) -> None:
        self.store = store

    @retry_on_conflict
    def forget_data_subject(self, subject: str, actor: Actor) -> dict[str, Any]:
        """Erase a platform user's personal data for good.

        Their access ends (`Revoked`, reason `data_subject_erased`), `PersonalDataErased` is
        recorded, then their key is destroyed: their name and address can no longer be read
        from any event. Running it again finishes an interrupted erasure. Answers the address
        the caller must purge from outboxes (never log it).
        """
        user = self._subject(subject)
        address = user.fiche.get("email")
        agreement = self.store.find(
            Agreement, Agreement.create_id(user.platform, user.organisation)
        )
        if user.status == "active":
            user.revoke(reason="data_subject_erased", actor=actor)
            if agreement is not None and str(user.id) in agreement.user_ids:
                agreement.remove_user(user_id=str(user.id))
        if not user.erased:
            user.erase_personal_data(actor=actor)
        position = self.store.record(user, agreement)
        self.store.subject_keys.forget(str(user.id))
        return {"subject": str(user.id), "position": position, "address": address}

    def _subject(self, subject: str) -> PlatformUser:
        try:
            user_id = UUID(subject)
        except ValueError:
            raise NotFound("no data subject with this id", variant="subject") from None
        return self.store.get(PlatformUser, user_id, "subject")
