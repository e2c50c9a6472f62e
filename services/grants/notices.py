"""What each notifying event says, to whom, in which language: plain values for the mailer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from services.grants.app_base import StoreApplication, as_plain
from services.grants.domain.agreement import Agreement
from services.grants.domain.announcement import Announcement
from services.grants.domain.document import DocumentNotice
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform_user import PlatformUser
from services.grants.domain.register import AgreementRegister
from services.grants.mail_texts import (
    GRANT_RIGHTS_TEXT,
    KIND_TEXT,
    REASON_TEXT,
    RIGHTS_TEXT,
    mail_language,
    pick_language,
    readable,
)
from services.grants.tokens import AccessCodes, ConfirmationTokens

Mail = dict[str, Any]


def grant_facts(grant: Grant) -> dict[str, Any]:
    """Which grant: its id, platform, the two organisations and the rights."""
    return {
        "grant_id": str(grant.id),
        "platform": grant.platform,
        "grantor": grant.grantor,
        "grantee": grant.grantee,
        "rights": grant.rights,
        "valid_until": as_plain(getattr(grant, "valid_until", None)),
    }


class NoticeQueries:
    """Turn recorded events into mails (kind, locale, recipient, context, stable key): the
    notifier's read-only view of the store."""

    def __init__(
        self, store: StoreApplication, tokens: ConfirmationTokens, codes: AccessCodes
    ) -> None:
        self.store, self.tokens, self.codes = store, tokens, codes

    def has_opening_event(self, aggregate_id: UUID) -> bool:
        """Whether the log holds the aggregate's first event (only an altered log lacks it)."""
        return bool(self.store.recorder.select_events(aggregate_id, lte=1, limit=1))

    def confirmation_mail(self, grant_id: UUID, version: int) -> list[Mail]:
        """The confirmation link, to the grantor's registered address only."""
        notice = self.confirmation_notice(grant_id, version)
        return [
            {
                "kind": "grant_confirmation",
                "locale": notice["locale"],
                "to": notice["sent_to"],
                "context": notice,
                "key": f"grant-confirmation.{grant_id}.{version}",
            }
        ]

    def confirmation_notice(self, grant_id: UUID, version: int) -> dict[str, Any]:
        """What the confirmation mail for a recorded ConfirmationIssued event says."""
        grant: Grant = self.store.repository.get(grant_id, version=version)
        assert grant.confirmation_id is not None
        assert grant.sent_to is not None
        platform = self.store.platform(grant.platform)
        return {
            **grant_facts(grant),
            "platform_name": platform.name,
            "locale": platform.locale,
            "grantor_name": self.store.organisation_name(grant.grantor),
            "grantee_name": self.store.organisation_name(grant.grantee),
            "rights_text": GRANT_RIGHTS_TEXT[platform.locale][grant.rights or "view"],
            "sent_to": grant.sent_to,
            "expires_at": readable(grant.expires_at),
            "valid_until": as_plain(grant.valid_until) or "",
            "token": self.tokens.derive(grant.id, grant.confirmation_id),
        }

    def grant_notice_mail(self, grant_id: UUID, version: int, kind: str) -> list[Mail]:
        """Confirmed, changed or revoked: a notice to the grantor's registered address."""
        grant: Grant = self.store.repository.get(grant_id, version=version)
        organisation = self.store.find(Organisation, Organisation.create_id(grant.grantor))
        if organisation is None:
            return []
        platform = self.store.platform(grant.platform)
        reason = getattr(grant, "end_reason", None) or ""
        context = {
            "grantor_name": organisation.name,
            "grantor": grant.grantor,
            "grantee_name": self.store.organisation_name(grant.grantee),
            "grantee": grant.grantee,
            "platform_name": platform.name,
            "rights_text": GRANT_RIGHTS_TEXT[platform.locale][grant.rights or "view"],
            "reason_text": REASON_TEXT[platform.locale].get(reason, reason),
            "valid_until": as_plain(getattr(grant, "valid_until", None)) or "",
        }
        return [
            {
                "kind": kind,
                "locale": platform.locale,
                "to": organisation.contact_email,
                "context": context,
                "key": f"{kind.replace('_', '-')}.{grant_id}.{version}",
            }
        ]

    def credentials_mail(self, user_id: UUID, version: int) -> list[Mail]:
        """The access code, to the user's own address only."""
        user: PlatformUser = self.store.repository.get(user_id, version=version)
        if user.fiche["email"] is None:
            return []  # the person was erased since
        platform = self.store.platform(user.platform)
        locale = mail_language(user.fiche.get("language"), platform.locale)
        context = {
            "name": user.fiche["name"],
            "login": user.login,
            "code": self.codes.derive(user.code_id or ""),
            "platform_name": platform.name,
            "organisation_name": self.store.organisation_name(user.organisation),
            "rights_text": RIGHTS_TEXT[locale][user.fiche["rights"]],
            "expires_at": readable(user.code_expires_at),
            "is_master": user.is_master,
        }
        return [
            {
                "kind": "access_code",
                "locale": locale,
                "to": user.fiche["email"],
                "context": context,
                "key": f"access-code.{user_id}.{version}",
            }
        ]

    def announcement_mails(self, announcement_id: UUID) -> list[Mail]:
        """The news, to every current agreement address of the platform, in the agreement's
        language where the news has it (else the platform's, else one the news has)."""
        news: Announcement = self.store.repository.get(announcement_id)
        platform = self.store.platform(news.platform)
        register = self.store.find(AgreementRegister, AgreementRegister.create_id(news.platform))
        mails = []
        for organisation in register.organisations if register else []:
            agreement = self.store.find(Agreement, Agreement.create_id(news.platform, organisation))
            if agreement is None:
                continue
            language = pick_language(news.subject, agreement.language, platform.locale)
            context = {
                "subject": news.subject[language],
                "body": news.body.get(language, ""),
                "platform_name": platform.name,
                "organisation_name": self.store.organisation_name(organisation),
            }
            mails.append(
                {
                    "kind": "announcement",
                    "locale": language,
                    "to": agreement.notification_email,
                    "context": context,
                    "key": f"announcement.{announcement_id}.{organisation}",
                }
            )
        return mails

    def document_mails(self, notice_id: UUID) -> list[Mail]:
        """The notice, to the organisation's agreement address."""
        notice: DocumentNotice = self.store.repository.get(notice_id)
        platform = self.store.platform(notice.platform)
        agreement = self.store.find(
            Agreement, Agreement.create_id(notice.platform, notice.organisation)
        )
        if agreement is None:
            return []
        locale = mail_language(agreement.language, platform.locale)
        context = {
            "kind_text": KIND_TEXT[locale][notice.kind],
            "title": notice.title,
            "platform_name": platform.name,
            "organisation_name": self.store.organisation_name(notice.organisation),
        }
        return [
            {
                "kind": "document_notice",
                "locale": locale,
                "to": agreement.notification_email,
                "context": context,
                "key": f"document.{notice_id}",
            }
        ]
