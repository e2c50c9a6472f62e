"""The page behind the mailed link, as an employer reads it, through the real HTTP API on both
stores: each state with its status and text, the recap after the click, the language of the
mail (a `lang` switch wins; the browser's language does not), dates written for people."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from services.grants.page_dates import human_day
from tests.client import WRITER
from tests.confirm_support import (
    TTL,
    forged,
    pending_grant,
    request_again,
    status_of,
)
from tests.conftest import Stack

ENGLISH_BROWSER = {"Accept-Language": "en-GB,en;q=0.9"}
HUMAN_MOMENT = re.compile(r"\d{1,2} [a-zéû]+ 20\d\d, \d\d:\d\d")


def heading(page: httpx.Response) -> str:
    found = re.search(r"<h1>(.*?)</h1>", page.text)
    assert found, page.text
    return found.group(1)


def test_a_valid_link_shows_the_form_in_the_mails_language(
    stack: Stack, client: httpx.Client
) -> None:
    pending = pending_grant(stack, client)
    page = client.get("/confirm", params={"token": pending.token}, headers=ENGLISH_BROWSER)
    assert page.status_code == 200
    assert heading(page) == "Toegang bevestigen" and '<html lang="nl">' in page.text
    assert f"Organisatie {pending.world.employer} ({pending.world.employer})" in page.text
    assert f"Organisatie {pending.world.advisor} ({pending.world.advisor})" in page.text
    assert "<dd>bekijken</dd>" in page.text and '<form method="post"' in page.text
    expires = re.search(r"Link geldig tot</dt><dd>([^<]+)</dd>", page.text)
    assert expires and HUMAN_MOMENT.fullmatch(expires.group(1)), page.text
    assert "+00:00" not in page.text
    assert status_of(client, pending.grant_id) == "pending"


@pytest.mark.parametrize(
    ("lang", "title", "rights"),
    [("en", "Confirm access", "view"), ("fr", "Confirmer l&#39;accès", "consulter")],
)
def test_an_explicit_lang_wins_and_the_switch_links_every_language(
    stack: Stack, client: httpx.Client, lang: str, title: str, rights: str
) -> None:
    pending = pending_grant(stack, client)
    page = client.get("/confirm", params={"token": pending.token, "lang": lang})
    assert page.status_code == 200 and heading(page) == title
    assert f"<dd>{rights}</dd>" in page.text
    assert f'<input type="hidden" name="lang" value="{lang}">' in page.text
    for other in ("nl", "en", "fr"):
        if other != lang:
            assert f'href="?token={pending.token}&amp;lang={other}"' in page.text


def test_a_french_platform_mails_and_shows_french(stack: Stack, client: httpx.Client) -> None:
    pending = pending_grant(stack, client, locale="fr")
    page = client.get(
        "/confirm", params={"token": pending.token}, headers={"Accept-Language": "nl"}
    )
    assert heading(page) == "Confirmer l&#39;accès" and '<html lang="fr">' in page.text
    odd = client.get("/confirm", params={"token": pending.token, "lang": "de"})
    assert heading(odd) == "Confirmer l&#39;accès"  # an unknown lang leaves the mail's


def test_the_click_answers_a_recap_and_a_second_open_says_already_confirmed(
    stack: Stack, client: httpx.Client
) -> None:
    pending = pending_grant(stack, client)
    done = client.post("/confirm", data={"token": pending.token}, headers=ENGLISH_BROWSER)
    assert done.status_code == 200 and heading(done) == "Toegang bevestigd"
    for ref in (pending.world.employer, pending.world.advisor):
        assert f"Organisatie {ref} ({ref})" in done.text
    assert "<dd>bekijken</dd>" in done.text and "zonder einddatum" in done.text
    assert "portaal Testportaal" in done.text and "intrekken" in done.text
    since = re.search(r"Actief sinds</dt><dd>([^<]+)</dd>", done.text)
    assert since and HUMAN_MOMENT.fullmatch(since.group(1)), done.text
    assert status_of(client, pending.grant_id) == "active"

    again = client.get("/confirm", params={"token": pending.token})
    assert again.status_code == 200 and heading(again) == "Deze toegang is al bevestigd"
    assert "Actief sinds" in again.text and "<form" not in again.text
    english = client.get("/confirm", params={"token": pending.token, "lang": "en"})
    assert heading(english) == "This access is already confirmed"
    second_click = client.post("/confirm", data={"token": pending.token, "lang": "fr"})
    assert second_click.status_code == 200
    assert heading(second_click) == "Cet accès est déjà confirmé"
    history = client.get(f"/v1/grants/{pending.grant_id}", headers=WRITER).json()["history"]
    assert [event["type"] for event in history].count("GrantConfirmed") == 1


def test_a_time_bound_grant_shows_its_last_day_as_a_date(
    stack: Stack, client: httpx.Client
) -> None:
    last_day = stack.clock().date() + timedelta(days=40)
    pending = pending_grant(stack, client, valid_until=last_day)
    written = f"Toegang tot en met</dt><dd>{human_day(last_day, 'nl')}</dd>"
    page = client.get("/confirm", params={"token": pending.token})
    assert written in page.text and "<dd>bekijken en wijzigen</dd>" in page.text
    done = client.post("/confirm", data={"token": pending.token})
    assert written in done.text and "zonder einddatum" not in done.text


def test_a_used_link_of_an_access_revoked_since_says_it_ended(
    stack: Stack, client: httpx.Client
) -> None:
    pending = pending_grant(stack, client)
    assert client.post("/confirm", data={"token": pending.token}).status_code == 200
    revoke = {"actor": pending.world.employer_actor(), "reason": "einde opdracht"}
    answer = client.post(f"/v1/grants/{pending.grant_id}/revoke", json=revoke, headers=WRITER)
    assert answer.status_code == 200, answer.text
    page = client.get("/confirm", params={"token": pending.token})
    assert page.status_code == 200 and "inmiddels beëindigd" in page.text
    assert "Actief sinds" not in page.text


def test_an_expired_link_answers_410_on_get_and_post(stack: Stack, client: httpx.Client) -> None:
    pending = pending_grant(stack, client)
    stack.clock.advance(TTL + timedelta(minutes=1))
    try:
        page = client.get("/confirm", params={"token": pending.token})
        assert page.status_code == 410 and heading(page) == "Bevestigingslink verlopen"
        assert "opnieuw" in page.text and "<form" not in page.text
        assert pending.world.advisor not in page.text  # says nothing of the grant
        posted = client.post("/confirm", data={"token": pending.token, "lang": "en"})
        assert posted.status_code == 410 and heading(posted) == "Confirmation link expired"
        assert status_of(client, pending.grant_id) == "expired"
    finally:
        stack.clock.advance(-TTL - timedelta(minutes=1))


def test_a_link_replaced_by_a_newer_one_answers_410(stack: Stack, client: httpx.Client) -> None:
    pending = pending_grant(stack, client)
    try:
        newer = request_again(stack, client, pending)
        old = client.get("/confirm", params={"token": pending.token})
        assert old.status_code == 410 and heading(old) == "Er is een nieuwere link"
        assert "meest recente e-mail" in old.text
        posted = client.post("/confirm", data={"token": pending.token})
        assert posted.status_code == 410 and status_of(client, pending.grant_id) == "pending"
        assert client.get("/confirm", params={"token": newer}).status_code == 200
    finally:
        stack.clock.advance(-TTL - timedelta(minutes=1))


def test_a_withdrawn_request_answers_410(stack: Stack, client: httpx.Client) -> None:
    pending = pending_grant(stack, client)
    revoke = {"actor": pending.world.employer_actor(), "reason": "vergissing"}
    answer = client.post(f"/v1/grants/{pending.grant_id}/revoke", json=revoke, headers=WRITER)
    assert answer.status_code == 200, answer.text
    page = client.get("/confirm", params={"token": pending.token, "lang": "en"})
    assert page.status_code == 410 and heading(page) == "Request withdrawn"


def test_an_unknown_link_answers_404_and_says_nothing_of_any_grant(
    stack: Stack, client: httpx.Client
) -> None:
    pending = pending_grant(stack, client, locale="fr")
    fake = forged(pending.token)
    pages = {
        token: client.get("/confirm", params={"token": token}, headers={"Accept-Language": "nl"})
        for token in (fake, "garbage", "")
    }
    for page in pages.values():
        assert page.status_code == 404 and heading(page) == "Bevestigingslink niet geldig"
    said = {token: page.text.replace(token, "T") for token, page in pages.items() if token}
    assert said[fake] == said["garbage"]  # a forged token of a real grant: the same page
    assert pending.world.employer not in said[fake]
    posted = client.post("/confirm", data={"token": fake}, headers=ENGLISH_BROWSER)
    assert posted.status_code == 404 and heading(posted) == "Confirmation link not valid"
    assert status_of(client, pending.grant_id) == "pending"
    assert client.get("/confirm", params={"token": pending.token}).status_code == 200
