"""Languages per person and per agreement (issue 16, item 6) through the real HTTP API, on
SQLite and on PostgreSQL: access codes in the person's language where it is known, notices in
the agreement's, else the platform's; bad languages refused; agreements stored before they had
a language still load.

How every test builds its own site and reads the views: see credential_support.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest

from services.grants.domain.actor import service_actor
from services.grants.domain.agreement import Agreement
from tests import client as api
from tests.conftest import Stack
from tests.integration import credential_support as cred


def sign_in(client: httpx.Client, site: cred.Site, reference: str, language: str | None) -> None:
    """The agreement form again, in `language` (None: not known)."""
    body = {
        "reference": reference,
        "notification_email": site.notification_email,
        "signed_on": "2025-01-15",
        "language": language,
    }
    site.position = api.put(client, f"{site.base}/agreement", body)["position"]
    site.reference = reference


def code_language(stack: Stack, user_id: str, count: int = 1) -> str:
    """The language of the user's newest access-code mail, checked against its subject."""
    mail = cred.access_code_mail(stack, user_id, count)
    language = str(mail["Content-Language"])
    assert cred.subject(mail).startswith(cred.SUBJECTS["access_code"][language])
    return language


def document_language(stack: Stack, client: httpx.Client, site: cred.Site) -> str:
    notice = api.ok(cred.publish_document(client, site, "invoice", "Facture 2026-11"), 201)
    mail = cred.mail_file(stack, f"document-{notice['document_id']}")
    assert mail["To"] == site.notification_email
    language = str(mail["Content-Language"])
    assert cred.subject(mail).startswith(cred.SUBJECTS["document_notice"][language])
    return language


# ---------------------------------------------------------------- access codes


def test_a_user_gets_the_access_code_in_their_language_else_the_platforms(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client, locale="nl")
    french = cred.add_user(client, site, {**cred.fiche(name="Luc Lambert"), "language": "fr"})
    unknown = cred.add_user(client, site, cred.fiche())
    assert code_language(stack, french["user_id"]) == "fr"
    assert code_language(stack, unknown["user_id"]) == "nl"
    assert code_language(stack, site.master_id) == "nl"  # appointed without a language
    # A replaced fiche names its language anew; the next access code is in it.
    english = {**cred.fiche(name="Luc Lambert", email=site.emails[french["user_id"]])}
    api.ok(cred.replace_user(client, site, french["user_id"], {**english, "language": "en"}))
    api.ok(
        client.post(
            f"{site.base}/users/{french['user_id']}/credentials",
            json={"actor": site.master},
            headers=api.USERS,
        )
    )
    assert code_language(stack, french["user_id"], count=2) == "en"


def test_a_master_user_appointed_in_french_gets_a_french_access_code(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client, locale="nl")
    body = {"name": "Marie Dubois", "email": cred.address("master"), "language": "fr"}
    master = api.put(client, f"{site.base}/master-user", body)
    assert code_language(stack, master["user_id"]) == "fr"


# ---------------------------------------------------------------- notices


def test_an_agreement_in_french_gets_its_notices_in_french(
    stack: Stack, client: httpx.Client
) -> None:
    site = cred.new_site(client, locale="nl")
    neighbour = cred.new_site(client, platform=site.platform, locale="nl")
    sign_in(client, site, site.reference, "fr")
    news = cred.announce(client, site.platform)
    for member, language in ((site, "fr"), (neighbour, "nl")):
        mail = cred.announcement_mail(stack, news["announcement_id"], member.organisation)
        assert mail["To"] == member.notification_email
        assert cred.subject(mail) == cred.ANNOUNCEMENT["subject"][language]
        assert cred.ANNOUNCEMENT["body"][language] in cred.text_of(mail)
    assert document_language(stack, client, site) == "fr"
    assert document_language(stack, client, neighbour) == "nl"
    # News without French reaches the French agreement in the platform's language.
    dutch_only = {key: {"nl": texts["nl"]} for key, texts in cred.ANNOUNCEMENT.items()}
    answer = client.post(
        f"/v1/platforms/{site.platform}/announcements", json=dutch_only, headers=api.ADMIN
    )
    mail = cred.announcement_mail(stack, api.ok(answer, 201)["announcement_id"], site.organisation)
    assert cred.subject(mail) == cred.ANNOUNCEMENT["subject"]["nl"]


def test_a_new_agreement_brings_its_own_language(stack: Stack, client: httpx.Client) -> None:
    site = cred.new_site(client, locale="fr")
    sign_in(client, site, cred.unique("EXT"), "en")
    assert document_language(stack, client, site) == "en"
    sign_in(client, site, site.reference, None)  # the same form, the language not known
    assert document_language(stack, client, site) == "fr"


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("language", ["de", "FR", "", 3, "nl-BE"])
def test_a_bad_language_is_a_problem_and_appends_nothing(
    stack: Stack, client: httpx.Client, language: Any
) -> None:
    site = cred.new_site(client)
    user = cred.add_user(client, site, cred.fiche())
    agreement = {
        "reference": site.reference,
        "notification_email": site.notification_email,
        "signed_on": "2025-01-15",
    }
    master = {"name": "Marie Dubois", "email": cred.address("master")}
    fiche = {"actor": site.master, **cred.fiche()}
    for method, target, body, headers in (
        ("PUT", f"{site.base}/agreement", agreement, api.ADMIN),
        ("PUT", f"{site.base}/master-user", master, api.ADMIN),
        ("POST", f"{site.base}/users", fiche, api.USERS),
        ("PUT", f"{site.base}/users/{user['user_id']}", fiche, api.USERS),
    ):
        body = {**body, "language": language}
        answer = cred.refused(stack, client, method, target, body, 422, "invalid_request", headers)
        assert [e["location"] for e in answer["errors"]] == [["body", "language"]]


# ---------------------------------------------------------------- stored before


def store_old_agreement(stack: Stack, platform: str, ref: str, email: str) -> None:
    """An agreement as stored before agreements had a language: version 1 of Signed."""
    agreement = Agreement(
        platform=platform,
        organisation=ref,
        reference=cred.unique("EXT"),
        notification_email=email,
        signed_on=date(2024, 3, 1),
        actor=service_actor("before-languages"),
    )
    store = stack.app.store
    mapper = store.mapper
    old = []
    for stored in map(mapper.to_stored_event, agreement.collect_events()):
        state = mapper.transcoder.decode(stored.state)
        assert (state.pop("class_version"), state.pop("language")) == (2, None)
        old.append(replace(stored, state=mapper.transcoder.encode(state)))
    store.recorder.insert_events(old)


def test_an_agreement_stored_before_languages_still_loads(
    stack: Stack, client: httpx.Client
) -> None:
    platform = cred.credential_platform(client, locale="fr")
    ref = cred.organisation(client)
    email = cred.address("pensioendienst")
    store_old_agreement(stack, platform, ref, email)
    site = cred.Site(platform, "fr", ref, [], "", email)
    assert document_language(stack, client, site) == "fr"
    cred.appoint(client, site)  # the old agreement takes new events
    assert code_language(stack, site.master_id) == "fr"
