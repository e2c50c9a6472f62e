"""Operations of the access views: checks, portals, listings of grants."""

from __future__ import annotations

from collections.abc import Sequence

from toegang_client._call import Call, path
from toegang_client.models import (
    AccessChanges,
    Actor,
    AdvisorClients,
    BatchDecision,
    CheckItem,
    Decision,
    OrganisationGrants,
    Portals,
    Rights,
    actor_json,
)


def check(
    platform: str,
    actor: Actor,
    organisation: str,
    action: Rights,
    *,
    contract: str | None = None,
    min_position: int | None = None,
    accept_language: str | None = None,
) -> Call[Decision]:
    """May `actor` `view` or `edit` the data of `organisation` (for `contract`) on `platform`?

    Always a `Decision` (denials carry reasons with codes and remedies); `min_position`
    waits for the view to reflect that position; `accept_language` overrides the client's."""
    body = CheckItem(actor, organisation, action, contract).as_json()
    return Call(
        "POST",
        path("/v1/platforms/{}/access/check", platform),
        Decision.from_json,
        body=body,
        min_position=min_position,
        reads="body",
        language=accept_language,
    )


def check_batch(
    platform: str, checks: Sequence[CheckItem], *, min_position: int | None = None
) -> Call[BatchDecision]:
    """Up to 1,000 checks at one view position, answered in order; a bad item answers in
    place with its `problem` instead of failing the batch."""
    return Call(
        "POST",
        path("/v1/platforms/{}/access/check/batch", platform),
        BatchDecision.from_json,
        body={"checks": [item.as_json() for item in checks]},
        min_position=min_position,
        reads="body",
    )


def portals(
    platform: str,
    actor: Actor,
    *,
    after: str | None = None,
    limit: int | None = None,
    min_position: int | None = None,
) -> Call[Portals]:
    """The portals the login opens (its own first), a page of `limit` after `after`; a
    refused login raises its problem (`LoaTooLow`, `ServiceNotLinked`, …)."""
    body = {"actor": actor_json(actor), "after": after, "limit": limit}
    return Call(
        "POST",
        path("/v1/platforms/{}/access/portals", platform),
        Portals.from_json,
        body={key: value for key, value in body.items() if value is not None},
        min_position=min_position,
        reads="body",
    )


def advisor_clients(
    platform: str,
    advisor: str,
    *,
    after: str | None = None,
    limit: int | None = None,
    min_position: int | None = None,
) -> Call[AdvisorClients]:
    """The advisor's active and pending clients by organisation number and its licence
    state, a page of `limit` after `after`."""
    return Call(
        "GET",
        path("/v1/platforms/{}/advisors/{}/clients", platform, advisor),
        AdvisorClients.from_json,
        query={"after": after, "limit": limit},
        min_position=min_position,
        reads="query",
    )


def organisation_grants(
    platform: str, organisation: str, *, min_position: int | None = None
) -> Call[OrganisationGrants]:
    """The grants `organisation` gave and received on `platform`, with their status."""
    return Call(
        "GET",
        path("/v1/platforms/{}/organisations/{}/grants", platform, organisation),
        OrganisationGrants.from_json,
        min_position=min_position,
        reads="query",
    )


def access_changes(
    platform: str,
    *,
    after: int = 0,
    limit: int | None = None,
    organisation: str | None = None,
    wait: float | None = None,
) -> Call[AccessChanges]:
    """What changed in who may do what on the platform's portals, in log order after `after`
    (the last `seq` read); `wait` long-polls that many seconds when nothing is new."""
    return Call(
        "GET",
        path("/v1/platforms/{}/access/changes", platform),
        AccessChanges.from_json,
        query={"after": after, "limit": limit, "organisation": organisation, "wait": wait},
    )
