"""The events of platforms, organisations, contracts, advisors and grants (route B: their
entries are in catalogue_grant.py, named here too)."""

# mypy: disable-error-code="attr-defined"
# (eventsourcing makes each event class from its method's @event; mypy cannot see them)

from __future__ import annotations

from services.grants.domain.advisor import Advisor
from services.grants.domain.catalogue_grant import (
    GRANT_CONFIRMATION_ISSUED as GRANT_CONFIRMATION_ISSUED,
)
from services.grants.domain.catalogue_grant import GRANT_CONFIRMED as GRANT_CONFIRMED
from services.grants.domain.catalogue_grant import GRANT_END_REMINDER_DUE as GRANT_END_REMINDER_DUE
from services.grants.domain.catalogue_grant import GRANT_EXPIRED as GRANT_EXPIRED
from services.grants.domain.catalogue_grant import GRANT_KINDS
from services.grants.domain.catalogue_grant import GRANT_OPENED as GRANT_OPENED
from services.grants.domain.catalogue_grant import GRANT_REQUEST_EXPIRED as GRANT_REQUEST_EXPIRED
from services.grants.domain.catalogue_grant import GRANT_REQUESTED as GRANT_REQUESTED
from services.grants.domain.catalogue_grant import GRANT_REVOKED as GRANT_REVOKED
from services.grants.domain.catalogue_grant import GRANT_RIGHTS_CHANGED as GRANT_RIGHTS_CHANGED
from services.grants.domain.contract import Contract
from services.grants.domain.coverage import Coverage
from services.grants.domain.event_kind import EventKind
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
    *GRANT_KINDS,
)
