"""Helpers of the credential platform tests: sites, agreements, users, mails over HTTP.

Every test builds its own random platform, KBO organisation, contracts, agreement and master
user over HTTP, on SQLite and on PostgreSQL, and reads the views with the position of its last
write (or the head of the log) as `min_position`. Mail is read from the file outbox as a person
would read it. Refused commands are checked to append nothing.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx

from services.eventlog.database import ViewDatabase
from services.grants.domain.platform_user import PlatformUser
from services.projections.sweeper import ExpirySweeper
from tests.client import ADMIN, USERS, at_least, check, head, ok, portals_response, problem, put
from tests.conftest import Stack
from tests.mailbox import read_mail
from tests.support import platform_settings, random_kbo, random_slug, wait_until

CODE = re.compile(r"\b[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}\b")
# Events the background expiry sweeper may append at any moment once the shared clock moved.
SWEEPER_TOPICS = (":PlatformUser.Expired", ":Grant.RequestExpired")
SUBJECTS = {
    "access_code": {
        "nl": "Uw gebruikersnaam en activeringscode",
        "fr": "Votre identifiant et votre code d'activation",
        "en": "Your login and activation code",
    },
    "document_notice": {
        "nl": "Nieuwe documenten op",
        "fr": "Nouveaux documents sur",
        "en": "New documents on",
    },
}
ANNOUNCEMENT = {
    "subject": {
        "nl": "Onderhoud van het extranet",
        "fr": "Maintenance de l'extranet",
        "en": "Extranet maintenance",
    },
    "body": {
        "nl": "Het extranet is zaterdag niet bereikbaar.",
        "fr": "L'extranet sera indisponible samedi.",
        "en": "The extranet is unavailable on Saturday.",
    },
}


# ---------------------------------------------------------------- helpers


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def address(who: str) -> str:
    """A random e-mail address of its own for every person and list."""
    return f"{unique(who)}@example.be"


def bad_check_digit(ref: str) -> str:
    """The same KBO number with a wrong check number."""
    return f"{ref[:-2]}{(int(ref[-2:]) + 1) % 100:02d}"


def nothing_appended(stack: Stack, client: httpx.Client, before: int) -> None:
    """No event was appended since `before` (save what the background sweeper may record)."""
    after = head(client)
    if after == before:
        return
    notifications = stack.app.store.recorder.select_notifications(
        start=before, limit=1000, inclusive_of_start=False
    )
    appended = [n.topic for n in notifications if not n.topic.endswith(SWEEPER_TOPICS)]
    assert appended == [], appended


def refused(
    stack: Stack,
    client: httpx.Client,
    method: str,
    path: str,
    body: Any,
    status: int,
    code: str,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A refused command: the problem it answers, and nothing appended to the log."""
    before = head(client)
    answer = client.request(method, path, json=body, headers=ADMIN if headers is None else headers)
    found = problem(answer, status, code)
    nothing_appended(stack, client, before)
    return found


def credential_platform(client: httpx.Client, locale: str = "nl") -> str:
    """A fresh Ethias-style platform that accepts credential logins only."""
    slug = random_slug()
    put(
        client,
        f"/v1/platforms/{slug}",
        {"name": f"Extranet {slug}", "login": ["credentials"], "locale": locale},
    )
    return slug


def eherkenning_platform(client: httpx.Client) -> str:
    slug = random_slug()
    put(client, f"/v1/platforms/{slug}", platform_settings())
    return slug


def organisation(client: httpx.Client) -> str:
    ref = random_kbo()
    put(
        client,
        f"/v1/organisations/{ref}",
        {"name": f"Werkgever {ref}", "contact_email": address("contact")},
    )
    return ref


def contract(client: httpx.Client, platform: str, holder: str) -> str:
    number = f"GRP-{random.getrandbits(32)}"
    put(
        client,
        f"/v1/platforms/{platform}/contracts/{number}",
        {"holder": holder, "name": f"Groepsverzekering {number}"},
    )
    return number


@dataclass
class Site:
    """One organisation on one credential platform: contracts, agreement and master user."""

    platform: str
    locale: str
    organisation: str
    contracts: list[str]
    reference: str
    notification_email: str
    master_id: str = ""
    master_login: str = ""
    master_email: str = ""
    position: int = 0
    emails: dict[str, str] = field(default_factory=dict)  # user id → own address

    @property
    def base(self) -> str:
        return f"/v1/platforms/{self.platform}/organisations/{self.organisation}"

    @property
    def master(self) -> dict[str, str]:
        return credentials(self.master_id)


def credentials(user_id: str) -> dict[str, str]:
    return {"method": "credentials", "user_id": user_id}


def sign(
    client: httpx.Client, site: Site, reference: str, email: str, signed_on: str = "2025-01-15"
) -> dict[str, Any]:
    answer = put(
        client,
        f"{site.base}/agreement",
        {"reference": reference, "notification_email": email, "signed_on": signed_on},
    )
    site.reference, site.notification_email, site.position = reference, email, answer["position"]
    return answer


def appoint(client: httpx.Client, site: Site) -> dict[str, Any]:
    """Provider staff appoint a (new) master user from the master-user form."""
    email = address("master")
    answer = put(client, f"{site.base}/master-user", {"name": "Marie Dubois", "email": email})
    site.master_id, site.master_login, site.master_email = (
        answer["user_id"],
        answer["login"],
        email,
    )
    site.emails[answer["user_id"]] = email
    site.position = answer["position"]
    return answer


def new_site(
    client: httpx.Client,
    locale: str = "nl",
    platform: str | None = None,
    ref: str | None = None,
    contracts: int = 2,
) -> Site:
    """A platform (new unless given), an organisation with contracts, agreement, master user."""
    platform = platform or credential_platform(client, locale)
    ref = ref or organisation(client)
    site = Site(
        platform=platform,
        locale=locale,
        organisation=ref,
        contracts=[contract(client, platform, ref) for _ in range(contracts)],
        reference="",
        notification_email="",
    )
    sign(client, site, unique("EXT"), address("pensioendienst"))
    appoint(client, site)
    return site


def fiche(
    name: str = "Jan Janssens",
    email: str | None = None,
    rights: str = "view",
    contracts: str | list[str] = "all",
    external: bool = False,
    assignment: str | None = None,
    valid_until: date | None = None,
) -> dict[str, Any]:
    """A complete user fiche (as PUT needs it)."""
    return {
        "name": name,
        "email": email or address("gebruiker"),
        "rights": rights,
        "contracts": contracts,
        "external": external,
        "assignment": assignment,
        "valid_until": valid_until.isoformat() if valid_until else None,
    }


def add_user_response(
    client: httpx.Client, site: Site, values: dict[str, Any], actor: dict[str, Any] | None = None
) -> httpx.Response:
    return client.post(
        f"{site.base}/users", json={"actor": actor or site.master, **values}, headers=USERS
    )


def add_user(client: httpx.Client, site: Site, values: dict[str, Any]) -> dict[str, Any]:
    answer = ok(add_user_response(client, site, values), 201)
    assert set(answer) == {"user_id", "login", "position"}
    assert answer["login"].startswith(site.organisation[4:] + "-")
    site.emails[answer["user_id"]] = values["email"]
    site.position = answer["position"]
    return answer


def replace_user(
    client: httpx.Client, site: Site, user_id: str, values: dict[str, Any]
) -> httpx.Response:
    return client.put(
        f"{site.base}/users/{user_id}", json={"actor": site.master, **values}, headers=USERS
    )


def revoke_user(
    client: httpx.Client, site: Site, user_id: str, actor: dict[str, Any] | None = None
) -> httpx.Response:
    return client.post(
        f"{site.base}/users/{user_id}/revoke",
        json={"actor": actor or site.master, "reason": "heeft de onderneming verlaten"},
        headers=USERS,
    )


def user_list_response(
    client: httpx.Client, site: Site, actor: str, min_position: int | None = None
) -> httpx.Response:
    params: dict[str, Any] = {"actor": actor, "min_position": at_least(client, min_position)}
    return client.get(f"{site.base}/users", params=params, headers=USERS)


def user_list(client: httpx.Client, site: Site, min_position: int) -> dict[str, dict[str, Any]]:
    """The master user's list, by user id."""
    answer = ok(user_list_response(client, site, site.master_id, min_position))
    assert answer["organisation"] == site.organisation
    assert answer["agreement"] == site.reference
    assert answer["position"] >= min_position
    return {user["user_id"]: user for user in answer["users"]}


def user_check(
    client: httpx.Client,
    platform: str,
    user_id: str,
    organisation: str,
    action: str = "view",
    contract: str | None = None,
    min_position: int | None = None,
) -> dict[str, Any]:
    """A check of a credentials login, at the given position or the head of the log now."""
    return check(
        client,
        platform,
        credentials(user_id),
        organisation,
        action,
        contract=contract,
        min_position=at_least(client, min_position),
        exact=False,
    )


def user_portals_response(
    client: httpx.Client, platform: str, user_id: str, min_position: int | None = None
) -> httpx.Response:
    return portals_response(client, platform, credentials(user_id), at_least(client, min_position))


def code_mails(outbox: Path, user_id: str) -> list[Path]:
    return sorted(
        outbox.glob(f"access-code-{user_id}-*.eml"),
        key=lambda path: int(path.stem.rsplit("-", 1)[1]),
    )


def access_code_mail(stack: Stack, user_id: str, count: int = 1) -> EmailMessage:
    """The newest access-code mail of a user, once at least `count` have arrived."""
    outbox = stack.settings.outbox_dir
    paths: list[Path] = wait_until(
        lambda: len(code_mails(outbox, user_id)) >= count and code_mails(outbox, user_id)
    )
    return read_mail(paths[-1])


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def login_and_code(message: EmailMessage, login: str) -> str:
    """The activation code in an access-code mail, which also names the login."""
    text = text_of(message)
    assert login in text, text
    found = CODE.search(text)
    assert found, text
    return found.group(0)


def activate(client: httpx.Client, platform: str, login: str, code: str) -> httpx.Response:
    return client.post(
        f"/v1/platforms/{platform}/credentials/activate",
        json={"login": login, "code": code},
        headers=USERS,
    )


def mail_file(stack: Stack, name: str) -> EmailMessage:
    path = stack.settings.outbox_dir / f"{name}.eml"
    wait_until(path.exists)
    return read_mail(path)


def announce(client: httpx.Client, platform: str) -> dict[str, Any]:
    answer = ok(
        client.post(f"/v1/platforms/{platform}/announcements", json=ANNOUNCEMENT, headers=ADMIN),
        201,
    )
    assert isinstance(answer["announcement_id"], str)
    return answer


def announcement_mail(stack: Stack, announcement_id: str, ref: str) -> EmailMessage:
    return mail_file(stack, f"announcement-{announcement_id}-{ref.replace(':', '-')}")


def publish_document(client: httpx.Client, site: Site, kind: str, title: str) -> httpx.Response:
    return client.post(f"{site.base}/documents", json={"kind": kind, "title": title}, headers=ADMIN)


def subject(message: EmailMessage) -> str:
    """The subject as a person reads it (a folded header may start with a space)."""
    return str(message["Subject"]).strip()


def raw(message: EmailMessage) -> str:
    return message.as_string()


def sweep_until_expired(stack: Stack, user_id: str) -> None:
    """Run the expiry sweeper (as the service does) until the user's expiry is recorded.

    The sweeper reads candidates from the view tables, which follow the log a moment later.
    """
    database = ViewDatabase(stack.settings)
    try:

        def expired() -> bool:
            ExpirySweeper(stack.app, database).sweep()
            user: PlatformUser = stack.app.store.repository.get(UUID(user_id))
            return user.status == "expired"

        wait_until(expired, interval=0.2)
    finally:
        database.close()
