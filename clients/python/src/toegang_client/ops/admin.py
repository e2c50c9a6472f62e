"""Admin writes: platforms, organisations, contracts, advisors and their licences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from toegang_client._call import Call, path
from toegang_client.models import Published, Recorded

Login = Literal["eherkenning", "credentials"]
Capability = Literal["employer_view", "employer_edit", "advisor"]
Chain = Literal["sufficient", "requires_grant", "not_accepted"]
DocumentKind = Literal["pension_fiche", "invoice", "annual_adjustment"]


def put_platform(
    platform: str,
    *,
    name: str,
    login: Sequence[Login],
    min_loa: str = "EH3",
    services: Mapping[str, Capability] | None = None,
    chain_authorisation: Chain = "sufficient",
    locale: str = "nl",
) -> Call[Recorded]:
    """Configure a platform: login methods, minimum LoA, eHerkenning service catalogue
    (service id → capability), chain policy and locale."""
    body = {
        "name": name,
        "login": list(login),
        "min_loa": min_loa,
        "services": dict(services or {}),
        "chain_authorisation": chain_authorisation,
        "locale": locale,
    }
    return Call("PUT", path("/v1/platforms/{}", platform), Recorded.from_json, body, writes=True)


def put_organisation(organisation: str, *, name: str, contact_email: str) -> Call[Recorded]:
    """Register an organisation with the address that receives confirmation links."""
    body = {"name": name, "contact_email": contact_email}
    return Call(
        "PUT", path("/v1/organisations/{}", organisation), Recorded.from_json, body, writes=True
    )


def put_contract(
    platform: str, contract: str, *, holder: str, name: str, covered: Sequence[str] = ()
) -> Call[Recorded]:
    """Register a contract: its holder and the (group) organisations it covers."""
    body = {"holder": holder, "covered": list(covered), "name": name}
    return Call(
        "PUT",
        path("/v1/platforms/{}/contracts/{}", platform, contract),
        Recorded.from_json,
        body,
        writes=True,
    )


def register_advisor(platform: str, organisation: str, *, licence: str) -> Call[Recorded]:
    """Register an advisor on a platform with its licence."""
    return Call(
        "PUT",
        path("/v1/platforms/{}/advisors/{}", platform, organisation),
        Recorded.from_json,
        {"licence": licence},
        writes=True,
    )


def withdraw_licence(platform: str, organisation: str) -> Call[Recorded]:
    """Withdraw an advisor's licence: checks deny its grants from this position on."""
    return Call(
        "DELETE",
        path("/v1/platforms/{}/advisors/{}", platform, organisation),
        Recorded.from_json,
        writes=True,
    )


def announce(
    platform: str, *, subject: Mapping[str, str], body: Mapping[str, str]
) -> Call[Published]:
    """Mail an announcement (subject and body per language: nl, fr, en) to every agreement
    address of the platform, each in the platform's language."""
    url = path("/v1/platforms/{}/announcements", platform)
    texts = {"subject": dict(subject), "body": dict(body)}
    return Call("POST", url, Published.from_json, texts, writes=True)


def publish_document(
    platform: str, organisation: str, *, kind: DocumentKind, title: str
) -> Call[Published]:
    """Notify the organisation's agreement address of a new document."""
    url = path("/v1/platforms/{}/organisations/{}/documents", platform, organisation)
    return Call("POST", url, Published.from_json, {"kind": kind, "title": title}, writes=True)
