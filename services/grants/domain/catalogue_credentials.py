"""The events of the credential platforms: agreements, user fiches, announcements, notices."""

# mypy: disable-error-code="attr-defined"
# (eventsourcing makes each event class from its method's @event; mypy cannot see them)

from __future__ import annotations

from services.grants.domain.agreement import Agreement
from services.grants.domain.announcement import Announcement
from services.grants.domain.document import DocumentNotice
from services.grants.domain.event_kind import FICHE_PERSONAL, EventKind
from services.grants.domain.platform_user import PlatformUser
from services.grants.domain.register import AgreementRegister

AGREEMENT_SIGNED = EventKind(
    Agreement.Signed,
    "toegang.agreement.signed.v1",
    (
        "An organisation's first agreement on a credential platform was signed (the "
        "notification address is not published); `language` is the language its notices are "
        "mailed in (null: not known, the platform's)."
    ),
    personal=("notification_email",),
)

AGREEMENT_NOTIFICATION_ADDRESS_CHANGED = EventKind(
    Agreement.NotificationAddressChanged,
    "toegang.agreement.notification_address_changed.v1",
    "The address that receives an agreement's notices changed (not published).",
    personal=("notification_email",),
)

AGREEMENT_LANGUAGE_CHANGED = EventKind(
    Agreement.LanguageChanged,
    "toegang.agreement.language_changed.v1",
    "The language an agreement's notices are mailed in changed (null: not known, the platform's).",
)

AGREEMENT_SUPERSEDED = EventKind(
    Agreement.Superseded,
    "toegang.agreement.superseded.v1",
    (
        "An agreement with a new reference replaced the previous one; the old agreement's users"
        " are revoked by their own PlatformUser.Revoked events; `language` is the new "
        "agreement's (null: not known)."
    ),
    personal=("notification_email",),
)

AGREEMENT_MASTER_USER_APPOINTED = EventKind(
    Agreement.MasterUserAppointed,
    "toegang.agreement.master_user_appointed.v1",
    "The user manages the organisation's users from now on.",
)

AGREEMENT_USER_ADDED = EventKind(
    Agreement.UserAdded,
    "toegang.agreement.user_added.v1",
    "A user fiche was created under the current agreement.",
)

AGREEMENT_USER_REMOVED = EventKind(
    Agreement.UserRemoved,
    "toegang.agreement.user_removed.v1",
    "A revoked or expired user no longer counts under the agreement.",
)

AGREEMENT_REGISTER_OPENED = EventKind(
    AgreementRegister.Opened,
    "toegang.agreement_register.opened.v1",
    "The index of the organisations with an agreement on a credential platform was opened.",
)

AGREEMENT_REGISTER_ORGANISATION_ADDED = EventKind(
    AgreementRegister.OrganisationAdded,
    "toegang.agreement_register.organisation_added.v1",
    "An organisation signed its first agreement on the platform.",
)

PLATFORM_USER_GRANTED = EventKind(
    PlatformUser.Granted,
    "toegang.platform_user.granted.v1",
    (
        "A person got access on a credential platform through a user fiche (the person's name "
        "and e-mail address are not published)."
    ),
    personal=FICHE_PERSONAL,
    sealed=True,
)

PLATFORM_USER_PROFILE_REPLACED = EventKind(
    PlatformUser.ProfileReplaced,
    "toegang.platform_user.profile_replaced.v1",
    "A user fiche was replaced by a complete new one.",
    personal=FICHE_PERSONAL,
    sealed=True,
)

PLATFORM_USER_REVOKED = EventKind(
    PlatformUser.Revoked,
    "toegang.platform_user.revoked.v1",
    (
        "A user's access ended; `reason` is `agreement_superseded`, `master_user_replaced` or "
        "the master user's reason."
    ),
)

PLATFORM_USER_EXPIRED = EventKind(
    PlatformUser.Expired,
    "toegang.platform_user.expired.v1",
    "A user's access ended because its last day passed.",
)

PLATFORM_USER_PERSONAL_DATA_ERASED = EventKind(
    PlatformUser.PersonalDataErased,
    "toegang.platform_user.personal_data_erased.v1",
    (
        "The person's name and e-mail address were erased on request (their key destroyed); "
        "consumers drop any copy they hold of them."
    ),
)

PLATFORM_USER_CREDENTIALS_ISSUED = EventKind(
    PlatformUser.CredentialsIssued,
    "toegang.platform_user.credentials_issued.v1",
    (
        "A one-time access code was mailed to the user's own address (code id and hash are not "
        "published)."
    ),
    secret=("code_id", "code_hash"),
    mail="access_code",
)

PLATFORM_USER_CREDENTIALS_ACTIVATED = EventKind(
    PlatformUser.CredentialsActivated,
    "toegang.platform_user.credentials_activated.v1",
    "The user used the one-time access code.",
)

ANNOUNCEMENT_PUBLISHED = EventKind(
    Announcement.Published,
    "toegang.announcement.published.v1",
    "Platform news, mailed to every agreement address of the platform in its language.",
    mail="announcement",
)

DOCUMENT_NOTICE_PUBLISHED = EventKind(
    DocumentNotice.Published,
    "toegang.document_notice.published.v1",
    "New documents are available for an organisation; mailed to its agreement address.",
    mail="document_notice",
)

CREDENTIAL_KINDS = (
    AGREEMENT_SIGNED,
    AGREEMENT_NOTIFICATION_ADDRESS_CHANGED,
    AGREEMENT_LANGUAGE_CHANGED,
    AGREEMENT_SUPERSEDED,
    AGREEMENT_MASTER_USER_APPOINTED,
    AGREEMENT_USER_ADDED,
    AGREEMENT_USER_REMOVED,
    AGREEMENT_REGISTER_OPENED,
    AGREEMENT_REGISTER_ORGANISATION_ADDED,
    PLATFORM_USER_GRANTED,
    PLATFORM_USER_PROFILE_REPLACED,
    PLATFORM_USER_REVOKED,
    PLATFORM_USER_EXPIRED,
    PLATFORM_USER_PERSONAL_DATA_ERASED,
    PLATFORM_USER_CREDENTIALS_ISSUED,
    PLATFORM_USER_CREDENTIALS_ACTIVATED,
    ANNOUNCEMENT_PUBLISHED,
    DOCUMENT_NOTICE_PUBLISHED,
)
