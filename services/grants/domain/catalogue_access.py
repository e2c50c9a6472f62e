"""The events of platforms, organisations, contracts, advisors and grants (route B)."""

# mypy: disable-error-code="attr-defined"
# (eventsourcing makes each event class from its method's @event; mypy cannot see them)

from __future__ import annotations

from services.grants.domain.advisor import Advisor
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.event_kind import EventKind
from services.grants.domain.grant import Grant
from services.grants.domain.organisation import Organisation
from services.grants.domain.platform import Platform

PLATFORM_CONFIGURED = EventKind(
    Platform.Configured,
    "toegang.platform.configured.v1",
    (
        "A platform (portal) was configured for the first time: login methods, minimum LoA, "
        "eHerkenning service catalogue, chain policy and locale."
    ),
)

PLATFORM_RECONFIGURED = EventKind(
    Platform.Reconfigured,
    "toegang.platform.reconfigured.v1",
    "A platform's settings were replaced by a complete new set.",
)

ORGANISATION_REGISTERED = EventKind(
    Organisation.Registered,
    "toegang.organisation.registered.v1",
    (
        "An organisation became known by its KvK or KBO number (its name and contact address "
        "are not published)."
    ),
    personal=("name", "contact_email"),
)

ORGANISATION_RENAMED = EventKind(
    Organisation.Renamed,
    "toegang.organisation.renamed.v1",
    "An organisation's name changed (the name is not published).",
    personal=("name",),
)

ORGANISATION_CONTACT_EMAIL_CHANGED = EventKind(
    Organisation.ContactEmailChanged,
    "toegang.organisation.contact_email_changed.v1",
    (
        "The address where an organisation's confirmation links go changed (the address is not "
        "published)."
    ),
    personal=("contact_email",),
)

CONTRACT_REGISTERED = EventKind(
    Contract.Registered,
    "toegang.contract.registered.v1",
    (
        "A pension contract was registered on a platform with its holder and covered "
        "organisations (the contract's name is not published)."
    ),
    personal=("name",),
)

CONTRACT_AMENDED = EventKind(
    Contract.Amended,
    "toegang.contract.amended.v1",
    "A contract's holder, coverage or name changed.",
    personal=("name",),
)

COVERAGE_OPENED = EventKind(
    Coverage.Opened,
    "toegang.coverage.opened.v1",
    "The index of the contracts that cover one organisation was opened.",
)

COVERAGE_CONTRACT_ADDED = EventKind(
    Coverage.ContractAdded,
    "toegang.coverage.contract_added.v1",
    "The organisation became covered by the contract.",
)

COVERAGE_CONTRACT_REMOVED = EventKind(
    Coverage.ContractRemoved,
    "toegang.coverage.contract_removed.v1",
    "The contract no longer covers the organisation.",
)

ADVISOR_REGISTERED = EventKind(
    Advisor.Registered,
    "toegang.advisor.registered.v1",
    "An organisation was registered as a licensed advisor on a platform.",
)

ADVISOR_LICENCE_REGISTERED = EventKind(
    Advisor.LicenceRegistered,
    "toegang.advisor.licence_registered.v1",
    "An advisor's licence was changed or reinstated.",
)

ADVISOR_LICENCE_WITHDRAWN = EventKind(
    Advisor.LicenceWithdrawn,
    "toegang.advisor.licence_withdrawn.v1",
    (
        "An advisor's licence on the platform was withdrawn; the advisor grants resting on it "
        "are denied by checks from this event on and revoked by their own Grant.Revoked events,"
        " which the sweeper records just after."
    ),
)

ADVISOR_CLIENT_LINKED = EventKind(
    Advisor.ClientLinked,
    "toegang.advisor.client_linked.v1",
    (
        "A grant to the advisor was recorded on the advisor's stream. Only in logs written by "
        "earlier versions: the stream grew with every client, so it is no longer written."
    ),
)

GRANT_OPENED = EventKind(
    Grant.Opened,
    "toegang.grant.opened.v1",
    (
        "The stream of one (platform, grantor, grantee) pair was opened; a Requested event "
        "follows in the same transaction."
    ),
)

GRANT_REQUESTED = EventKind(
    Grant.Requested,
    "toegang.grant.requested.v1",
    (
        "The grantor asked to give the grantee rights (until `valid_until`, its last day, if "
        "given); the request waits for confirmation."
    ),
)

GRANT_CONFIRMATION_ISSUED = EventKind(
    Grant.ConfirmationIssued,
    "toegang.grant.confirmation_issued.v1",
    (
        "A confirmation link was mailed to the grantor's registered address (address, "
        "confirmation id and token hash are not published)."
    ),
    personal=("sent_to",),
    secret=("confirmation_id", "token_hash"),
    mail="grant_confirmation",
)

GRANT_CONFIRMED = EventKind(
    Grant.Confirmed,
    "toegang.grant.confirmed.v1",
    "The grantor confirmed through the mailed link: the grant is active.",
    secret=("token_hash",),
    mail="grant_confirmed",
)

GRANT_REQUEST_EXPIRED = EventKind(
    Grant.RequestExpired,
    "toegang.grant.request_expired.v1",
    "A pending request's confirmation link ran out unused.",
)

GRANT_RIGHTS_CHANGED = EventKind(
    Grant.RightsChanged,
    "toegang.grant.rights_changed.v1",
    (
        "An open grant's rights changed, or its end date: `valid_until` is the new last day of "
        "access (null: the end date stayed as it was)."
    ),
    mail="grant_rights_changed",
)

GRANT_EXPIRED = EventKind(
    Grant.Expired,
    "toegang.grant.expired.v1",
    (
        "An active grant passed its `valid_until` (the last day of access) and ended; checks "
        "deny it from the day after, before the sweeper records this event."
    ),
)

GRANT_END_REMINDER_DUE = EventKind(
    Grant.EndReminderDue,
    "toegang.grant.end_reminder_due.v1",
    (
        "The reminder of an active grant's end date (`valid_until`) became due: the grantor's "
        "registered address is mailed once per grant and end date."
    ),
    mail="grant_end_reminder",
)

GRANT_REVOKED = EventKind(
    Grant.Revoked,
    "toegang.grant.revoked.v1",
    (
        "An open grant ended; `rights` are those it had (null if it had none yet); `reason` is "
        "`advisor_licence_withdrawn` or the grantor's reason."
    ),
    mail="grant_revoked",
)

ACCESS_KINDS = (
    PLATFORM_CONFIGURED,
    PLATFORM_RECONFIGURED,
    ORGANISATION_REGISTERED,
    ORGANISATION_RENAMED,
    ORGANISATION_CONTACT_EMAIL_CHANGED,
    CONTRACT_REGISTERED,
    CONTRACT_AMENDED,
    COVERAGE_OPENED,
    COVERAGE_CONTRACT_ADDED,
    COVERAGE_CONTRACT_REMOVED,
    ADVISOR_REGISTERED,
    ADVISOR_LICENCE_REGISTERED,
    ADVISOR_LICENCE_WITHDRAWN,
    ADVISOR_CLIENT_LINKED,
    GRANT_OPENED,
    GRANT_REQUESTED,
    GRANT_CONFIRMATION_ISSUED,
    GRANT_CONFIRMED,
    GRANT_REQUEST_EXPIRED,
    GRANT_RIGHTS_CHANGED,
    GRANT_REVOKED,
    GRANT_EXPIRED,
    GRANT_END_REMINDER_DUE,
)
