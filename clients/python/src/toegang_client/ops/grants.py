"""Operations on grants (route B): request, confirm, change, revoke, read."""

from __future__ import annotations

from datetime import date
from typing import Any

from toegang_client._call import Call, path
from toegang_client.models import Actor, Grant, GrantAccepted, GrantRecord, Rights, actor_json


def request_grant(
    platform: str,
    actor: Actor,
    grantor: str,
    grantee: str,
    rights: Rights,
    valid_until: date | None = None,
) -> Call[GrantAccepted]:
    """The employer `grantor` (represented by `actor`) asks to give `grantee` `rights`, until
    `valid_until` (its last day) if given; the answer is `pending_confirmation` and a
    confirmation link is mailed to the grantor."""
    body: dict[str, Any] = {"grantor": grantor, "grantee": grantee, "rights": rights}
    body["actor"] = actor_json(actor)
    if valid_until is not None:
        body["valid_until"] = valid_until.isoformat()
    return Call(
        "POST",
        path("/v1/platforms/{}/grants", platform),
        GrantAccepted.from_json,
        body=body,
        writes=True,
    )


def confirm_grant(token: str) -> Call[GrantAccepted]:
    """Confirm a grant with the token of its mailed link (`…/confirm?token=<token>`)."""
    return Call(
        "POST", "/v1/grants/confirm", GrantAccepted.from_json, body={"token": token}, writes=True
    )


def change_rights(
    grant_id: str, actor: Actor, rights: Rights, valid_until: date | None = None
) -> Call[Grant]:
    """Change an active grant's rights to `view` or `edit`, and its last day to
    `valid_until` if given (an extension; left out, the end date stays)."""
    body: dict[str, Any] = {"rights": rights, "actor": actor_json(actor)}
    if valid_until is not None:
        body["valid_until"] = valid_until.isoformat()
    return Call("PATCH", path("/v1/grants/{}", grant_id), Grant.from_json, body=body, writes=True)


def revoke_grant(grant_id: str, actor: Actor, reason: str) -> Call[Grant]:
    """Revoke a grant (pending or active), giving a reason."""
    return Call(
        "POST",
        path("/v1/grants/{}/revoke", grant_id),
        Grant.from_json,
        body={"reason": reason, "actor": actor_json(actor)},
        writes=True,
    )


def get_grant(grant_id: str) -> Call[GrantRecord]:
    """A grant's state and its full history with positions (read from the log itself)."""
    return Call("GET", path("/v1/grants/{}", grant_id), GrantRecord.from_json)
