"""Credential platforms (Ethias-style, DESIGN §1 step 5, §2, §4) through the real HTTP API.

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
from datetime import date, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from services.eventlog.database import ViewDatabase
from services.grants.domain.platform_user import PlatformUser
from services.grants.sweeper import ExpirySweeper
from tests.conftest import Stack
from tests.mailbox import read_mail
from tests.support import platform_settings, random_kbo, random_slug, wait_until
from tests.world import ADMIN

PROBLEM = "application/problem+json"
READER = {"Authorization": "Bearer reader-token"}
USERS = {"Authorization": "Bearer users-token"}
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


def head(client: httpx.Client) -> int:
    """The last position in the event log, as /readyz reports it."""
    position: int = client.get("/readyz").json()["checks"]["store"]["position"]
    return position


def at_least(client: httpx.Client, min_position: int | None) -> int:
    """The position a read waits for: the one given, else the head of the log now."""
    return head(client) if min_position is None else min_position


def nothing_appended(stack: Stack, client: httpx.Client, before: int) -> None:
    """No event was appended since `before` (save what the background sweeper may record)."""
    after = head(client)
    if after == before:
        return
    notifications = stack.app.recorder.select_notifications(
        start=before, limit=1000, inclusive_of_start=False
    )
    appended = [n.topic for n in notifications if not n.topic.endswith(SWEEPER_TOPICS)]
    assert appended == [], appended


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["remedy"]
    return body


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


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def put(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return ok(client.put(path, json=body, headers=ADMIN))


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


def check(
    client: httpx.Client,
    platform: str,
    user_id: str,
    organisation: str,
    action: str = "view",
    contract: str | None = None,
    min_position: int | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": credentials(user_id),
        "organisation": organisation,
        "action": action,
    }
    if contract is not None:
        body["contract"] = contract
    min_position = at_least(client, min_position)
    body["min_position"] = min_position
    answer = client.post(f"/v1/platforms/{platform}/access/check", json=body, headers=READER)
    decision = ok(answer)
    assert set(decision) == {"allowed", "rights", "via", "reasons", "position"}
    assert decision["allowed"] is (decision["reasons"] == [])
    for reason in decision["reasons"]:
        assert reason["message"] and reason["remedy"]
    assert decision["position"] >= min_position
    return decision


def allowed(decision: dict[str, Any], rights: str) -> None:
    assert decision["allowed"] is True, decision
    assert (decision["rights"], decision["via"]) == (rights, "user"), decision


def denied(decision: dict[str, Any], code: str, rights: str | None = None) -> None:
    assert decision["allowed"] is False, decision
    assert [r["code"] for r in decision["reasons"]] == [code], decision
    assert decision["rights"] == rights, decision
    assert decision["via"] == ("user" if rights else None), decision


def portals_response(
    client: httpx.Client, platform: str, user_id: str, min_position: int | None = None
) -> httpx.Response:
    body: dict[str, Any] = {
        "actor": credentials(user_id),
        "min_position": at_least(client, min_position),
    }
    return client.post(f"/v1/platforms/{platform}/access/portals", json=body, headers=READER)


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
            user: PlatformUser = stack.app.repository.get(UUID(user_id))
            return user.status == "expired"

        wait_until(expired, interval=0.2)
    finally:
        database.close()


# ---------------------------------------------------------------- the Ethias FAQ, end to end


def test_the_ethias_faq_flow(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = new_site(client, locale="fr")
    other = organisation(client)
    foreign_contract = contract(client, site.platform, other)
    first, second = site.contracts

    # The master user gets login and code at its own address, in the platform's language.
    mail = access_code_mail(stack, site.master_id)
    assert mail["To"] == site.master_email
    assert subject(mail).startswith(SUBJECTS["access_code"]["fr"])
    code = login_and_code(mail, site.master_login)
    assert "utilisateur principal" in text_of(mail)
    activated = ok(activate(client, site.platform, site.master_login, code))
    assert (activated["user_id"], activated["login"]) == (site.master_id, site.master_login)
    before = head(client)
    problem(activate(client, site.platform, site.master_login, code), 404, "access_code_invalid")
    nothing_appended(stack, client, before)

    # The master user adds an internal user on one contract and an external consultant.
    internal = add_user(client, site, fiche("Jan Janssens", contracts=[first]))
    consultant = add_user(
        client,
        site,
        fiche(
            "Els Claes",
            rights="edit",
            external=True,
            assignment="Actuarieel advies 2025",
            valid_until=today + timedelta(days=90),
        ),
    )
    assert internal["login"] != consultant["login"] != site.master_login
    for created in (internal, consultant):
        mail = access_code_mail(stack, created["user_id"])
        assert mail["To"] == site.emails[created["user_id"]]
        login_and_code(mail, created["login"])
    position = site.position

    # Rights and contract scope.
    ref, platform = site.organisation, site.platform
    allowed(check(client, platform, internal["user_id"], ref, min_position=position), "view")
    allowed(check(client, platform, internal["user_id"], ref, contract=first), "view")
    denied(check(client, platform, internal["user_id"], ref, "edit"), "rights_insufficient", "view")
    denied(
        check(client, platform, internal["user_id"], ref, contract=second),
        "contract_out_of_scope",
        "view",
    )
    allowed(check(client, platform, consultant["user_id"], ref, "edit", contract=second), "edit")
    denied(
        check(client, platform, consultant["user_id"], ref, "view", contract=foreign_contract),
        "contract_out_of_scope",
        "edit",
    )
    answer = ok(portals_response(client, platform, internal["user_id"]))
    assert answer["portals"] == [{"organisation": ref, "rights": "view", "via": "user"}]

    # A profile change is a complete new fiche; a partial one is refused.
    new_fiche = fiche("Jan Janssens", rights="edit", contracts=[first, second])
    changed = ok(replace_user(client, site, internal["user_id"], new_fiche))
    assert changed["user_id"] == internal["user_id"]
    assert changed["login"] == internal["login"]
    decision = check(
        client,
        platform,
        internal["user_id"],
        ref,
        "edit",
        contract=second,
        min_position=changed["position"],
    )
    allowed(decision, "edit")
    partial = {k: v for k, v in new_fiche.items() if k != "assignment"}
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{internal['user_id']}",
        {"actor": site.master, **partial},
        422,
        "invalid_request",
        USERS,
    )

    # Revocation.
    revoked = ok(revoke_user(client, site, internal["user_id"]))
    assert (revoked["user_id"], revoked["status"]) == (internal["user_id"], "revoked")
    denied(
        check(client, platform, internal["user_id"], ref, min_position=revoked["position"]),
        "user_revoked",
    )
    before = head(client)
    problem(revoke_user(client, site, internal["user_id"]), 409, "user_revoked")
    nothing_appended(stack, client, before)

    # The master user's list.
    users = user_list(client, site, revoked["position"])
    assert set(users) == {site.master_id, internal["user_id"], consultant["user_id"]}
    master_row, internal_row = users[site.master_id], users[internal["user_id"]]
    consultant_row = users[consultant["user_id"]]
    assert master_row["is_master"] is True
    assert (master_row["status"], master_row["rights"], master_row["contracts"]) == (
        "active",
        "edit",
        "all",
    )
    assert master_row["activated"] is True
    assert internal_row["status"] == "revoked"
    assert internal_row["end_reason"] == "heeft de onderneming verlaten"
    assert (internal_row["rights"], internal_row["contracts"]) == ("edit", [first, second])
    assert consultant_row["status"] == "active"
    assert consultant_row["external"] is True
    assert consultant_row["assignment"] == "Actuarieel advies 2025"
    assert consultant_row["valid_until"] == (today + timedelta(days=90)).isoformat()
    assert consultant_row["activated"] is False
    assert {row["agreement"] for row in users.values()} == {site.reference}

    # A new agreement removes all old accesses and requires a new master user.
    old_master, old_reference = site.master_id, site.reference
    new_reference = unique("EXT")
    answer = sign(client, site, new_reference, address("pensioenlijst"), "2026-01-02")
    assert answer["reference"] == new_reference
    assert set(answer["revoked"]) == {old_master, consultant["user_id"]}
    for user_id in (old_master, consultant["user_id"]):
        denied(
            check(client, platform, user_id, ref, min_position=answer["position"]),
            "agreement_superseded",
        )
    denied(check(client, platform, internal["user_id"], ref), "user_revoked")
    problem(user_list_response(client, site, old_master), 403, "not_master_user")
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users",
        {"actor": credentials(old_master), **fiche()},
        403,
        "not_master_user",
        USERS,
    )
    appoint(client, site)
    assert site.master_id != old_master
    mail = access_code_mail(stack, site.master_id)
    assert mail["To"] == site.master_email
    users = user_list(client, site, site.position)
    assert users[site.master_id]["agreement"] == new_reference
    assert users[site.master_id]["status"] == "active"
    assert users[old_master]["status"] == "revoked"
    assert users[old_master]["end_reason"] == "agreement_superseded"
    assert users[old_master]["agreement"] == old_reference
    assert users[consultant["user_id"]]["end_reason"] == "agreement_superseded"
    newcomer = add_user(client, site, fiche("Luc Peeters"))
    allowed(
        check(client, platform, newcomer["user_id"], ref, min_position=newcomer["position"]),
        "view",
    )

    # Announcements and document notices reach the agreement address, in French.
    news = announce(client, platform)
    mail = announcement_mail(stack, news["announcement_id"], ref)
    assert mail["To"] == site.notification_email
    assert subject(mail) == ANNOUNCEMENT["subject"]["fr"]
    assert ANNOUNCEMENT["body"]["fr"] in text_of(mail)
    notice = ok(publish_document(client, site, "pension_fiche", "Fiches 2025"), 201)
    mail = mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    assert subject(mail).startswith(SUBJECTS["document_notice"]["fr"])
    assert "Fiches 2025" in text_of(mail)
    assert "nouvelles fiches de pension" in text_of(mail)

    # Access codes went to each person's own address only; those addresses are used for
    # nothing else.
    personal = set(site.emails.values())
    outbox = stack.settings.outbox_dir
    for user_id, own in site.emails.items():
        for path in code_mails(outbox, user_id):
            assert read_mail(path)["To"] == own
    notices = [
        *outbox.glob(f"announcement-{news['announcement_id']}-*.eml"),
        outbox / f"document-{notice['document_id']}.eml",
    ]
    for path in notices:
        text = raw(read_mail(path))
        assert not [own for own in personal if own in text], path


def test_three_platforms_keep_their_accesses_apart(stack: Stack, client: httpx.Client) -> None:
    """Ethias: one organisation, three platforms, three agreements and three master users."""
    ref = organisation(client)
    sites = [new_site(client, locale=locale, ref=ref) for locale in ("nl", "fr", "en")]
    users = [add_user(client, site, fiche(rights="edit")) for site in sites]
    position = max(site.position for site in sites)
    for index in range(len(sites)):
        for other_index, other in enumerate(sites):
            decision = check(
                client, other.platform, users[index]["user_id"], ref, "edit", min_position=position
            )
            if index == other_index:
                allowed(decision, "edit")
            else:
                denied(decision, "platform_mismatch")
                problem(
                    portals_response(client, other.platform, users[index]["user_id"]),
                    403,
                    "platform_mismatch",
                )
    first, second, _ = sites
    # A master user manages its own platform only, even for the same organisation.
    problem(user_list_response(client, second, first.master_id), 403, "not_master_user")
    refused(
        stack,
        client,
        "POST",
        f"{second.base}/users",
        {"actor": first.master, **fiche()},
        403,
        "not_master_user",
        USERS,
    )
    refused(
        stack,
        client,
        "POST",
        f"{second.base}/users/{users[1]['user_id']}/revoke",
        {"actor": first.master, "reason": "x"},
        403,
        "not_master_user",
        USERS,
    )
    # A login and code are only valid on their own platform.
    code = login_and_code(access_code_mail(stack, users[0]["user_id"]), users[0]["login"])
    before = head(client)
    problem(activate(client, second.platform, users[0]["login"], code), 404, "access_code_invalid")
    nothing_appended(stack, client, before)
    ok(activate(client, first.platform, users[0]["login"], code))
    # Each platform mails its own announcement in its own language.
    for site in sites:
        news = announce(client, site.platform)
        mail = announcement_mail(stack, news["announcement_id"], ref)
        assert mail["To"] == site.notification_email
        assert subject(mail) == ANNOUNCEMENT["subject"][site.locale]
        sent = stack.settings.outbox_dir.glob(f"announcement-{news['announcement_id']}-*")
        assert len(list(sent)) == 1


def test_unknown_users_and_other_login_methods(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    denied(check(client, site.platform, str(uuid4()), site.organisation), "user_unknown")
    denied(check(client, site.platform, "not-a-uuid", site.organisation), "user_unknown")
    problem(portals_response(client, site.platform, str(uuid4())), 403, "user_unknown")
    eherkenning = eherkenning_platform(client)
    denied(
        check(client, eherkenning, site.master_id, site.organisation), "login_method_not_accepted"
    )


def test_a_user_opens_its_own_organisation_only(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    neighbour = new_site(client, platform=site.platform)
    stranger = organisation(client)  # no agreement on the platform at all
    user = add_user(client, site, fiche(rights="edit"))
    position = user["position"]
    for elsewhere in (neighbour.organisation, stranger):
        denied(
            check(client, site.platform, user["user_id"], elsewhere, min_position=position),
            "organisation_mismatch",
        )
    answer = ok(portals_response(client, site.platform, user["user_id"], position))
    assert [p["organisation"] for p in answer["portals"]] == [site.organisation]


def test_document_notices_need_an_agreement(stack: Stack, client: httpx.Client) -> None:
    platform = credential_platform(client)
    stranger = organisation(client)
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{platform}/organisations/{stranger}/documents",
        {"kind": "invoice", "title": "Factuur 2025-01"},
        409,
        "no_agreement",
    )
    refused(
        stack,
        client,
        "PUT",
        f"/v1/platforms/{platform}/organisations/{stranger}/master-user",
        {"name": "Marie", "email": address("master")},
        409,
        "no_agreement",
    )


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
@pytest.mark.parametrize("kind", ["pension_fiche", "invoice", "annual_adjustment"])
def test_document_notices_go_to_the_agreement_address_in_the_platform_language(
    stack: Stack, client: httpx.Client, locale: str, kind: str
) -> None:
    site = new_site(client, locale=locale)
    notice = ok(publish_document(client, site, kind, f"Titel {kind}"), 201)
    mail = mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    assert subject(mail).startswith(SUBJECTS["document_notice"][locale])
    assert f"Titel {kind}" in text_of(mail)
    assert site.master_email not in raw(mail)


def test_mails_state_their_language(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client, locale="fr")
    mail = access_code_mail(stack, site.master_id)
    assert subject(mail).startswith(SUBJECTS["access_code"]["fr"])
    assert mail["Content-Language"] == "fr"


def test_announcements_reach_every_agreement_of_the_platform_only(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client, locale="nl")
    neighbour = new_site(client, platform=site.platform, locale="nl")
    elsewhere = new_site(client, locale="nl")
    news = announce(client, site.platform)
    outbox = stack.settings.outbox_dir
    for member in (site, neighbour):
        mail = announcement_mail(stack, news["announcement_id"], member.organisation)
        assert mail["To"] == member.notification_email
        assert subject(mail) == ANNOUNCEMENT["subject"]["nl"]
        assert ANNOUNCEMENT["body"]["nl"] in text_of(mail)
        assert member.master_email not in raw(mail)
    wait_until(lambda: len(list(outbox.glob(f"announcement-{news['announcement_id']}-*"))) == 2)
    assert not (
        outbox / f"announcement-{news['announcement_id']}-"
        f"{elsewhere.organisation.replace(':', '-')}.eml"
    ).exists()


def test_a_new_notification_address_keeps_the_users(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    new_address = address("nieuwe-lijst")
    answer = sign(client, site, site.reference, new_address)
    assert answer["revoked"] == []
    allowed(
        check(
            client, site.platform, user["user_id"], site.organisation, min_position=site.position
        ),
        "view",
    )
    news = announce(client, site.platform)
    assert announcement_mail(stack, news["announcement_id"], site.organisation)["To"] == (
        new_address
    )
    # The same form again is accepted and appends nothing.
    before = head(client)
    again = sign(client, site, site.reference, new_address)
    assert (again["revoked"], again["position"]) == ([], before)
    nothing_appended(stack, client, before)


def test_the_same_reference_with_another_date_is_a_conflict(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client)
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/agreement",
        {
            "reference": site.reference,
            "notification_email": site.notification_email,
            "signed_on": "2025-02-01",
        },
        409,
        "agreement_conflict",
    )


def test_a_new_master_user_form_replaces_the_master(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    old_master = site.master_id
    appoint(client, site)
    denied(
        check(client, site.platform, old_master, site.organisation, min_position=site.position),
        "user_revoked",
    )
    problem(user_list_response(client, site, old_master), 403, "not_master_user")
    users = user_list(client, site, site.position)
    assert users[old_master]["status"] == "revoked"
    assert users[old_master]["end_reason"] == "master_user_replaced"
    assert {u["user_id"]: u["is_master"] for u in users.values()} == {
        old_master: True,
        user["user_id"]: False,
        site.master_id: True,
    }
    # The users of the organisation keep their access.
    allowed(check(client, site.platform, user["user_id"], site.organisation), "view")
    ok(revoke_user(client, site, user["user_id"]))


def test_the_master_user_has_a_new_code_mailed(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    first = login_and_code(access_code_mail(stack, user["user_id"]), user["login"])
    answer = ok(
        client.post(
            f"{site.base}/users/{user['user_id']}/credentials",
            json={"actor": site.master},
            headers=USERS,
        )
    )
    assert (answer["user_id"], answer["login"]) == (user["user_id"], user["login"])
    mail = access_code_mail(stack, user["user_id"], count=2)
    assert mail["To"] == site.emails[user["user_id"]]
    second = login_and_code(mail, user["login"])
    assert second != first
    before = head(client)
    problem(activate(client, site.platform, user["login"], first), 404, "access_code_invalid")
    nothing_appended(stack, client, before)
    ok(activate(client, site.platform, user["login"], second.lower()))
    users = user_list(client, site, head(client))
    assert users[user["user_id"]]["activated"] is True


def test_an_expired_code_is_refused(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    code = login_and_code(access_code_mail(stack, site.master_id), site.master_login)
    stack.clock.advance(timedelta(days=15))
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{site.platform}/credentials/activate",
        {"login": site.master_login, "code": code},
        410,
        "access_code_expired",
        USERS,
    )


def test_a_revoked_user_cannot_activate_or_be_changed(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    code = login_and_code(access_code_mail(stack, user["user_id"]), user["login"])
    ok(revoke_user(client, site, user["user_id"]))
    path = f"/v1/platforms/{site.platform}/credentials/activate"
    refused(
        stack,
        client,
        "POST",
        path,
        {"login": user["login"], "code": code},
        409,
        "user_revoked",
        USERS,
    )
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{user['user_id']}",
        {"actor": site.master, **fiche()},
        409,
        "user_revoked",
        USERS,
    )
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users/{user['user_id']}/credentials",
        {"actor": site.master},
        409,
        "user_revoked",
        USERS,
    )


def test_a_listed_contract_that_moves_away_leaves_the_scope(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client)
    other = organisation(client)
    moved = site.contracts[0]
    listed = add_user(client, site, fiche(contracts=[moved]))
    everything = add_user(client, site, fiche())
    put(
        client,
        f"/v1/platforms/{site.platform}/contracts/{moved}",
        {"holder": other, "name": "Overgedragen groepsverzekering"},
    )
    position = head(client)
    denied(
        check(
            client,
            site.platform,
            everything["user_id"],
            site.organisation,
            contract=moved,
            min_position=position,
        ),
        "contract_out_of_scope",
        "view",
    )
    denied(
        check(client, site.platform, listed["user_id"], site.organisation, contract=moved),
        "contract_out_of_scope",
        "view",
    )


def test_announcements_on_an_eherkenning_platform_are_refused(
    stack: Stack, client: httpx.Client
) -> None:
    platform = eherkenning_platform(client)
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{platform}/announcements",
        ANNOUNCEMENT,
        422,
        "platform_mismatch",
    )


# ---------------------------------------------------------------- expiry


def test_an_external_user_expires_after_valid_until(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = new_site(client)
    consultant = add_user(
        client,
        site,
        fiche(
            "Els Claes",
            external=True,
            assignment="Herziening reglement",
            valid_until=today + timedelta(days=3),
        ),
    )
    position = consultant["position"]
    allowed(
        check(
            client, site.platform, consultant["user_id"], site.organisation, min_position=position
        ),
        "view",
    )
    stack.clock.advance(timedelta(days=3))  # the last valid day
    allowed(check(client, site.platform, consultant["user_id"], site.organisation), "view")
    stack.clock.advance(timedelta(days=1))
    denied(check(client, site.platform, consultant["user_id"], site.organisation), "user_expired")
    problem(portals_response(client, site.platform, consultant["user_id"]), 403, "user_expired")
    assert user_list(client, site, position)[consultant["user_id"]]["status"] == "expired"

    sweep_until_expired(stack, consultant["user_id"])

    events = list(stack.app.events.get(UUID(consultant["user_id"])))
    assert [type(e).__qualname__ for e in events][-1] == "PlatformUser.Expired"
    row = user_list(client, site, head(client))[consultant["user_id"]]
    assert (row["status"], row["end_reason"]) == ("expired", "valid_until_passed")
    assert row["ended_at"]
    denied(check(client, site.platform, consultant["user_id"], site.organisation), "user_expired")


def test_a_new_agreement_after_an_expiry_is_signed(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = new_site(client)
    consultant = add_user(
        client,
        site,
        fiche(external=True, assignment="Audit", valid_until=today + timedelta(days=1)),
    )
    stack.clock.advance(timedelta(days=2))
    wait_until(
        lambda: check(
            client,
            site.platform,
            consultant["user_id"],
            site.organisation,
            min_position=consultant["position"],
        )["reasons"]
    )
    sweep_until_expired(stack, consultant["user_id"])
    answer = client.put(
        f"{site.base}/agreement",
        json={
            "reference": unique("EXT"),
            "notification_email": site.notification_email,
            "signed_on": "2026-01-02",
        },
        headers=ADMIN,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["revoked"] == [site.master_id]


# ---------------------------------------------------------------- bad input


def test_organisation_numbers_with_a_wrong_check_digit(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    bad = bad_check_digit(site.organisation)
    base = f"/v1/platforms/{site.platform}/organisations/{bad}"
    agreement = {
        "reference": unique("EXT"),
        "notification_email": address("lijst"),
        "signed_on": "2025-01-15",
    }
    cases: list[tuple[str, str, Any, dict[str, str]]] = [
        ("PUT", f"/v1/organisations/{bad}", {"name": "X", "contact_email": address("c")}, ADMIN),
        ("PUT", f"{base}/agreement", agreement, ADMIN),
        ("PUT", f"{base}/master-user", {"name": "Marie", "email": address("m")}, ADMIN),
        ("POST", f"{base}/users", {"actor": site.master, **fiche()}, USERS),
        ("POST", f"{base}/documents", {"kind": "invoice", "title": "F"}, ADMIN),
        (
            "PUT",
            f"/v1/platforms/{site.platform}/contracts/{unique('GRP')}",
            {"holder": bad, "name": "Groep"},
            ADMIN,
        ),
        (
            "POST",
            f"/v1/platforms/{site.platform}/access/check",
            {"actor": site.master, "organisation": bad, "action": "view"},
            READER,
        ),
    ]
    for method, path, body, headers in cases:
        refused(stack, client, method, path, body, 422, "invalid_identifier", headers)


def test_bad_email_addresses(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    for bad in ("geen-adres", "a@b", "jan@@example.be", "jan janssens@example.be"):
        refused(
            stack,
            client,
            "PUT",
            f"{site.base}/agreement",
            {"reference": unique("EXT"), "notification_email": bad, "signed_on": "2025-01-15"},
            422,
            "invalid_identifier",
        )
        refused(
            stack,
            client,
            "PUT",
            f"{site.base}/master-user",
            {"name": "Marie", "email": bad},
            422,
            "invalid_identifier",
        )
        refused(
            stack,
            client,
            "POST",
            f"{site.base}/users",
            {"actor": site.master, **fiche(email=bad)},
            422,
            "invalid_identifier",
            USERS,
        )
    user = add_user(client, site, fiche())
    refused(
        stack,
        client,
        "PUT",
        f"{site.base}/users/{user['user_id']}",
        {"actor": site.master, **fiche(email="geen-adres")},
        422,
        "invalid_identifier",
        USERS,
    )


def test_contracts_outside_the_organisation(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    neighbour = new_site(client, platform=site.platform)
    elsewhere = new_site(client, ref=site.organisation)  # same organisation, other platform
    user = add_user(client, site, fiche(contracts=[site.contracts[0]]))
    for contracts in (
        [unique("GRP")],
        [site.contracts[0], neighbour.contracts[0]],
        [elsewhere.contracts[0]],
    ):
        refused(
            stack,
            client,
            "POST",
            f"{site.base}/users",
            {"actor": site.master, **fiche(contracts=contracts)},
            422,
            "contract_out_of_scope",
            USERS,
        )
        refused(
            stack,
            client,
            "PUT",
            f"{site.base}/users/{user['user_id']}",
            {"actor": site.master, **fiche(contracts=contracts)},
            422,
            "contract_out_of_scope",
            USERS,
        )


def test_fiches_that_are_incomplete_or_inconsistent(stack: Stack, client: httpx.Client) -> None:
    today = stack.clock().date()
    site = new_site(client)
    user = add_user(client, site, fiche())
    path = f"{site.base}/users"
    complete = fiche(external=True, assignment="Audit", valid_until=today + timedelta(days=10))
    invalid_fiches = [
        {**complete, "assignment": None},
        {**complete, "valid_until": None},
        {**complete, "assignment": None, "valid_until": None},
        {k: v for k, v in complete.items() if k not in ("assignment", "valid_until")},
        {**complete, "valid_until": (today - timedelta(days=1)).isoformat()},
        fiche(valid_until=today - timedelta(days=1)),
    ]
    for values in invalid_fiches:
        refused(
            stack,
            client,
            "POST",
            path,
            {"actor": site.master, **values},
            422,
            "invalid_fiche",
            USERS,
        )
    for values in invalid_fiches[:3] + invalid_fiches[4:]:
        refused(
            stack,
            client,
            "PUT",
            f"{path}/{user['user_id']}",
            {"actor": site.master, **values},
            422,
            "invalid_fiche",
            USERS,
        )
    # A change is a complete fiche: leaving out any field is refused.
    for missing in complete:
        partial = {k: v for k, v in fiche().items() if k != missing}
        refused(
            stack,
            client,
            "PUT",
            f"{path}/{user['user_id']}",
            {"actor": site.master, **partial},
            422,
            "invalid_request",
            USERS,
        )
    for values in (
        fiche(rights="all"),
        fiche(contracts=[]),
        fiche(contracts="some"),
        {**fiche(), "external": "maybe"},
        {**fiche(), "valid_until": "31-12-2025"},
    ):
        refused(
            stack,
            client,
            "POST",
            path,
            {"actor": site.master, **values},
            422,
            "invalid_request",
            USERS,
        )
    created = add_user(client, site, complete)
    assert created["user_id"] != user["user_id"]
    # Leave no active external user behind for the background sweeper of later tests.
    ok(revoke_user(client, site, created["user_id"]))


def test_only_the_organisation_master_user_manages_users(
    stack: Stack, client: httpx.Client
) -> None:
    site = new_site(client)
    neighbour = new_site(client, platform=site.platform)
    elsewhere = new_site(client, ref=site.organisation)
    user = add_user(client, site, fiche(rights="edit"))
    actors = [
        credentials(user["user_id"]),  # a normal user of the organisation
        neighbour.master,  # the master of another organisation on the platform
        elsewhere.master,  # the master of the same organisation on another platform
        credentials(str(uuid4())),
        credentials("not-a-uuid"),
    ]
    for actor in actors:
        for method, path, body in (
            ("POST", f"{site.base}/users", {"actor": actor, **fiche()}),
            ("PUT", f"{site.base}/users/{user['user_id']}", {"actor": actor, **fiche()}),
            (
                "POST",
                f"{site.base}/users/{user['user_id']}/revoke",
                {"actor": actor, "reason": "x"},
            ),
            ("POST", f"{site.base}/users/{user['user_id']}/credentials", {"actor": actor}),
        ):
            refused(stack, client, method, path, body, 403, "not_master_user", USERS)
        problem(user_list_response(client, site, actor["user_id"]), 403, "not_master_user")
    eherkenning_actor = {
        "method": "eherkenning",
        "legal_subject": site.organisation,
        "acting_subject": "p-1",
        "intermediary": None,
        "service_id": "urn:etoegang:DV:1:services:1",
        "loa": "urn:etoegang:core:assurance-class:loa3",
    }
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users",
        {"actor": eherkenning_actor, **fiche()},
        422,
        "invalid_request",
        USERS,
    )
    # A user of another organisation is not found through this organisation's routes.
    other_user = add_user(client, neighbour, fiche())
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users/{other_user['user_id']}/revoke",
        {"actor": site.master, "reason": "x"},
        404,
        "not_found",
        USERS,
    )


def test_the_master_user_cannot_revoke_itself(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    refused(
        stack,
        client,
        "POST",
        f"{site.base}/users/{site.master_id}/revoke",
        {"actor": site.master, "reason": "ik stop"},
        409,
        "master_user_protected",
        USERS,
    )
    allowed(check(client, site.platform, site.master_id, site.organisation, "edit"), "edit")


def test_unknown_fields_are_refused(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    user = add_user(client, site, fiche())
    extra = {"note": "x"}
    cases: list[tuple[str, str, Any, dict[str, str]]] = [
        (
            "PUT",
            f"{site.base}/agreement",
            {
                "reference": unique("EXT"),
                "notification_email": address("l"),
                "signed_on": "2025-01-15",
                **extra,
            },
            ADMIN,
        ),
        ("PUT", f"{site.base}/master-user", {"name": "M", "email": address("m"), **extra}, ADMIN),
        ("POST", f"{site.base}/users", {"actor": site.master, **fiche(), **extra}, USERS),
        (
            "POST",
            f"{site.base}/users",
            {"actor": {**site.master, "role": "admin"}, **fiche()},
            USERS,
        ),
        (
            "PUT",
            f"{site.base}/users/{user['user_id']}",
            {"actor": site.master, **fiche(), **extra},
            USERS,
        ),
        (
            "POST",
            f"{site.base}/users/{user['user_id']}/revoke",
            {"actor": site.master, "reason": "x", **extra},
            USERS,
        ),
        (
            "POST",
            f"/v1/platforms/{site.platform}/credentials/activate",
            {"login": user["login"], "code": "AAAA-AAAA-AAAA-AAAA", **extra},
            USERS,
        ),
        ("POST", f"/v1/platforms/{site.platform}/announcements", {**ANNOUNCEMENT, **extra}, ADMIN),
        (
            "POST",
            f"/v1/platforms/{site.platform}/announcements",
            {"subject": {"de": "Wartung"}, "body": {"de": "Samstag"}},
            ADMIN,
        ),
        ("POST", f"{site.base}/documents", {"kind": "invoice", "title": "F", **extra}, ADMIN),
        ("POST", f"{site.base}/documents", {"kind": "payslip", "title": "F"}, ADMIN),
        (
            "POST",
            f"/v1/platforms/{site.platform}/access/check",
            {"actor": site.master, "organisation": site.organisation, "action": "view", **extra},
            READER,
        ),
    ]
    for method, path, body, headers in cases:
        refused(stack, client, method, path, body, 422, "invalid_request", headers)


def test_credential_commands_on_an_eherkenning_platform(stack: Stack, client: httpx.Client) -> None:
    platform = eherkenning_platform(client)
    ref = organisation(client)
    base = f"/v1/platforms/{platform}/organisations/{ref}"
    agreement = {
        "reference": unique("EXT"),
        "notification_email": address("lijst"),
        "signed_on": "2025-01-15",
    }
    refused(stack, client, "PUT", f"{base}/agreement", agreement, 422, "platform_mismatch")
    refused(
        stack,
        client,
        "PUT",
        f"{base}/master-user",
        {"name": "M", "email": address("m")},
        422,
        "platform_mismatch",
    )
    refused(
        stack,
        client,
        "POST",
        f"{base}/documents",
        {"kind": "invoice", "title": "F"},
        422,
        "platform_mismatch",
    )


def test_agreements_need_a_known_platform_and_organisation(
    stack: Stack, client: httpx.Client
) -> None:
    platform = credential_platform(client)
    agreement = {
        "reference": unique("EXT"),
        "notification_email": address("lijst"),
        "signed_on": "2025-01-15",
    }
    unregistered = random_kbo()
    refused(
        stack,
        client,
        "PUT",
        f"/v1/platforms/{platform}/organisations/{unregistered}/agreement",
        agreement,
        404,
        "not_found",
    )
    refused(
        stack,
        client,
        "PUT",
        f"/v1/platforms/{random_slug()}/organisations/{organisation(client)}/agreement",
        agreement,
        404,
        "not_found",
    )
    ref = organisation(client)
    for reference in ("", "EXT 1", "EXT/1", "x" * 80):
        refused(
            stack,
            client,
            "PUT",
            f"/v1/platforms/{platform}/organisations/{ref}/agreement",
            {**agreement, "reference": reference},
            422,
            "invalid_identifier" if 0 < len(reference) <= 64 else "invalid_request",
        )


def test_user_routes_need_an_agreement(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    stranger = organisation(client)
    refused(
        stack,
        client,
        "POST",
        f"/v1/platforms/{site.platform}/organisations/{stranger}/users",
        {"actor": site.master, **fiche()},
        409,
        "no_agreement",
        USERS,
    )
    problem(
        client.get(
            f"/v1/platforms/{site.platform}/organisations/{stranger}/users",
            params={"actor": site.master_id},
            headers=USERS,
        ),
        403,
        "not_master_user",
    )


def test_bad_activations(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    path = f"/v1/platforms/{site.platform}/credentials/activate"
    for login in (site.master_login, "abc", "0123456789-x", f"{site.organisation[4:]}-999", "---"):
        refused(
            stack,
            client,
            "POST",
            path,
            {"login": login, "code": "AAAA-AAAA-AAAA-AAAA"},
            404,
            "access_code_invalid",
            USERS,
        )
    for body in (
        {"login": site.master_login},
        {"login": site.master_login, "code": "short"},
        {"login": "", "code": "AAAA-AAAA-AAAA-AAAA"},
    ):
        refused(stack, client, "POST", path, body, 422, "invalid_request", USERS)


def test_user_routes_need_the_users_write_scope(stack: Stack, client: httpx.Client) -> None:
    site = new_site(client)
    for headers, status, code in (
        (READER, 403, "insufficient_scope"),
        (ADMIN, 403, "insufficient_scope"),
        ({}, 401, "unauthenticated"),
    ):
        refused(
            stack,
            client,
            "POST",
            f"{site.base}/users",
            {"actor": site.master, **fiche()},
            status,
            code,
            headers,
        )
        problem(
            client.get(f"{site.base}/users", params={"actor": site.master_id}, headers=headers),
            status,
            code,
        )
    for headers in (USERS, READER):
        refused(
            stack,
            client,
            "PUT",
            f"{site.base}/agreement",
            {
                "reference": unique("EXT"),
                "notification_email": address("l"),
                "signed_on": "2025-01-15",
            },
            403,
            "insufficient_scope",
            headers,
        )
        refused(
            stack,
            client,
            "POST",
            f"/v1/platforms/{site.platform}/announcements",
            ANNOUNCEMENT,
            403,
            "insufficient_scope",
            headers,
        )


@pytest.mark.parametrize(
    "path",
    [
        "/organisations/{o}/agreement",
        "/organisations/{o}/master-user",
        "/organisations/{o}/users",
        "/organisations/{o}/users/{u}",
        "/organisations/{o}/users/{u}/revoke",
        "/organisations/{o}/users/{u}/credentials",
        "/credentials/activate",
        "/announcements",
        "/organisations/{o}/documents",
    ],
)
@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        {"actor": None},
        {"actor": {"method": "credentials"}},
        {"actor": {"method": "credentials", "user_id": ""}},
        {"actor": {"method": "credentials", "user_id": "x" * 65}},
        {"actor": {"method": "credentials", "user_id": "🙂"}, "reason": "x"},
        {"subject": {}, "body": {}},
        {"reference": None, "signed_on": "yesterday"},
    ],
)
def test_malformed_bodies_never_give_a_server_error(
    client: httpx.Client, path: str, body: Any
) -> None:
    user_id = str(uuid4())
    target = f"/v1/platforms/{random_slug()}" + path.format(o=random_kbo(), u=user_id)
    for method in ("POST", "PUT"):
        for headers in (ADMIN, USERS):
            answer = client.request(method, target, json=body, headers=headers)
            assert answer.status_code < 500, answer.text
            assert answer.headers["content-type"] == PROBLEM
