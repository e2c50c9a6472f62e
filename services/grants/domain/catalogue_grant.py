"""The events of grants (route B): one stream per (platform, grantor, grantee) pair."""

# mypy: disable-error-code="attr-defined"
# (eventsourcing makes each event class from its method's @event; mypy cannot see them)

from __future__ import annotations

from services.grants.domain.event_kind import EventKind
from services.grants.domain.grant import Grant

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

GRANT_KINDS = (
    GRANT_OPENED,
    GRANT_REQUESTED,
    GRANT_CONFIRMATION_ISSUED,
    GRANT_CONFIRMED,
    GRANT_REQUEST_EXPIRED,
    GRANT_RIGHTS_CHANGED,
    GRANT_EXPIRED,
    GRANT_END_REMINDER_DUE,
    GRANT_REVOKED,
)
