"""The confirmation page in a real browser (headless Chromium through Playwright) against the
running service: what an employer sees in each state and language, the click, the recap, and
a screenshot that shows the page's heading."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, sync_playwright

from tests.confirm_support import TTL, forged, pending_grant, status_of
from tests.conftest import Stack

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A tab of a browser set to English: the page must still follow the mail's language."""
    context = browser.new_context(locale="en-GB", viewport={"width": 900, "height": 800})
    yield context.new_page()
    context.close()


def open_link(page: Page, stack: Stack, token: str, lang: str = "") -> int:
    """Open the mailed link (with `lang`, if given); the answer's HTTP status."""
    suffix = f"&lang={lang}" if lang else ""
    answer = page.goto(f"{stack.url}/confirm?token={token}{suffix}")
    assert answer is not None
    return answer.status


def heading_is_in_screenshot(page: Page, path: Path) -> None:
    """The screenshot is a PNG in which the main heading's box holds dark (text) pixels."""
    shot = page.screenshot(path=path, full_page=True)
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and path.stat().st_size > 1000
    box = page.locator("h1").bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    image = Image.open(io.BytesIO(shot)).convert("L")
    left, top = int(box["x"]), int(box["y"])
    area = (left, top, left + int(box["width"]), top + int(box["height"]))
    darkest = image.crop(area).getextrema()[0]
    assert isinstance(darkest, int | float) and darkest < 100, "no text where the heading is"


def test_an_employer_confirms_in_dutch_and_reads_the_recap(
    stack: Stack, client: httpx.Client, page: Page, tmp_path: Path
) -> None:
    pending = pending_grant(stack, client)
    assert open_link(page, stack, pending.token) == 200
    assert page.inner_text("h1") == "Toegang bevestigen"
    body = page.inner_text("main")
    assert f"Organisatie {pending.world.advisor} ({pending.world.advisor})" in body
    assert "Link geldig tot" in body and "+00:00" not in body
    heading_is_in_screenshot(page, tmp_path / "valid.png")

    page.get_by_role("button", name="Toegang bevestigen").click()
    page.wait_for_selector(".recap")
    assert page.inner_text("h1") == "Toegang bevestigd"
    recap = page.inner_text("main")
    for ref in (pending.world.employer, pending.world.advisor):
        assert f"Organisatie {ref} ({ref})" in recap
    assert "bekijken" in recap and "Actief sinds" in recap and "zonder einddatum" in recap
    assert "intrekken" in recap and "Testportaal" in recap
    heading_is_in_screenshot(page, tmp_path / "confirmed.png")
    assert status_of(client, pending.grant_id) == "active"

    assert open_link(page, stack, pending.token) == 200  # the employer clicks the mail again
    assert page.inner_text("h1") == "Deze toegang is al bevestigd"
    assert "u hoeft niets meer te doen" in page.inner_text("main")
    assert page.locator("button").count() == 0


def test_the_language_switch_and_a_confirmation_in_french(
    stack: Stack, client: httpx.Client, page: Page, tmp_path: Path
) -> None:
    pending = pending_grant(stack, client)
    open_link(page, stack, pending.token)
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en")
    assert page.inner_text("h1") == "Confirm access"
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**lang=fr")
    assert page.inner_text("h1") == "Confirmer l'accès"
    page.get_by_role("button", name="Confirmer l'accès").click()
    page.wait_for_selector(".recap")
    assert page.inner_text("h1") == "Accès confirmé"
    assert "consulter" in page.inner_text("main") and "Actif depuis le" in page.inner_text("main")
    heading_is_in_screenshot(page, tmp_path / "confirmed-fr.png")


def test_an_expired_link_says_so(
    stack: Stack, client: httpx.Client, page: Page, tmp_path: Path
) -> None:
    pending = pending_grant(stack, client)
    stack.clock.advance(TTL + timedelta(minutes=1))
    try:
        assert open_link(page, stack, pending.token, "en") == 410
        assert page.inner_text("h1") == "Confirmation link expired"
        assert "request it again" in page.inner_text("main")
        assert page.locator("button").count() == 0
        heading_is_in_screenshot(page, tmp_path / "expired.png")
    finally:
        stack.clock.advance(-TTL - timedelta(minutes=1))


def test_an_unknown_link_says_nothing_more(
    stack: Stack, client: httpx.Client, page: Page, tmp_path: Path
) -> None:
    pending = pending_grant(stack, client)
    assert open_link(page, stack, forged(pending.token)) == 404
    assert page.inner_text("h1") == "Confirmation link not valid"  # the browser's language
    assert pending.world.employer not in page.inner_text("body")
    heading_is_in_screenshot(page, tmp_path / "unknown.png")
