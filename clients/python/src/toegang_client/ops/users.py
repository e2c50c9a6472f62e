"""Operations of credential platforms: agreements, master users, user fiches, access codes."""

from __future__ import annotations

from datetime import date

from toegang_client._call import Call, path, when
from toegang_client.models import (
    Actor,
    Agreement,
    Fiche,
    Language,
    OrganisationUsers,
    PlatformUser,
    UserRevoked,
    actor_json,
)

ORGANISATION = "/v1/platforms/{}/organisations/{}"


def put_agreement(
    platform: str,
    organisation: str,
    *,
    reference: str,
    notification_email: str,
    signed_on: date | str,
    language: Language | None = None,
) -> Call[Agreement]:
    """Record the organisation's agreement; a new reference supersedes the agreement and
    revokes every user under the old one. `language` is the one its notices are mailed in
    (None: not known, the platform's)."""
    body = {
        "reference": reference,
        "notification_email": notification_email,
        "signed_on": when(signed_on),
        **known_language(language),
    }
    url = path(ORGANISATION + "/agreement", platform, organisation)
    return Call("PUT", url, Agreement.from_json, body, writes=True)


def put_master_user(
    platform: str, organisation: str, *, name: str, email: str, language: Language | None = None
) -> Call[PlatformUser]:
    """Appoint the organisation's master user; its access code is mailed to `email`, in
    `language` (None: not known, the platform's)."""
    url = path(ORGANISATION + "/master-user", platform, organisation)
    body = {"name": name, "email": email, **known_language(language)}
    return Call("PUT", url, PlatformUser.from_json, body, writes=True)


def known_language(language: Language | None) -> dict[str, str]:
    """The `language` field of a body, left out where the language is not known."""
    return {} if language is None else {"language": language}


def create_user(platform: str, organisation: str, actor: Actor, fiche: Fiche) -> Call[PlatformUser]:
    """The master user (`actor`) adds a user with `fiche`; its access code is mailed."""
    url = path(ORGANISATION + "/users", platform, organisation)
    body = {"actor": actor_json(actor), **fiche.as_json()}
    return Call("POST", url, PlatformUser.from_json, body, writes=True)


def replace_user(
    platform: str, organisation: str, user_id: str, actor: Actor, fiche: Fiche
) -> Call[PlatformUser]:
    """The master user replaces a user's fiche with a complete new one."""
    url = path(ORGANISATION + "/users/{}", platform, organisation, user_id)
    body = {"actor": actor_json(actor), **fiche.as_json()}
    return Call("PUT", url, PlatformUser.from_json, body, writes=True)


def revoke_user(
    platform: str, organisation: str, user_id: str, actor: Actor, reason: str
) -> Call[UserRevoked]:
    """The master user revokes a user's access, giving a reason."""
    url = path(ORGANISATION + "/users/{}/revoke", platform, organisation, user_id)
    body = {"actor": actor_json(actor), "reason": reason}
    return Call("POST", url, UserRevoked.from_json, body, writes=True)


def new_access_code(
    platform: str, organisation: str, user_id: str, actor: Actor
) -> Call[PlatformUser]:
    """The master user has a new one-time access code mailed to the user."""
    url = path(ORGANISATION + "/users/{}/credentials", platform, organisation, user_id)
    return Call("POST", url, PlatformUser.from_json, {"actor": actor_json(actor)}, writes=True)


def list_users(
    platform: str, organisation: str, master_user_id: str, *, min_position: int | None = None
) -> Call[OrganisationUsers]:
    """The master user's list of users: status, rights, contract scope and expiry."""
    return Call(
        "GET",
        path(ORGANISATION + "/users", platform, organisation),
        OrganisationUsers.from_json,
        query={"actor": master_user_id},
        min_position=min_position,
        reads="query",
    )


def activate_code(platform: str, login: str, code: str) -> Call[PlatformUser]:
    """Use a user's one-time access code (from the mail) for its login."""
    url = path("/v1/platforms/{}/credentials/activate", platform)
    return Call("POST", url, PlatformUser.from_json, {"login": login, "code": code}, writes=True)
