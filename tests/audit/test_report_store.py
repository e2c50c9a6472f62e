"""The audit report drawn from a real store (SQLite and PostgreSQL): organisation and platform
names from their recorded events, one section per platform, the platform's language, the
change of rights; and `toegang audit report` on an organisation the store does not know."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.audit.report_data import UnknownOrganisation, report_html
from services.audit.service import AuditService, open_audit
from services.grants.domain.grant import Grant
from services.settings import Settings
from tests.audit.interval_support import Parts, confirm
from tests.e2e.cli import run
from tests.support import World, platform_settings, random_kvk, random_slug
from tests.world import build_world

TIME = re.compile(r'<td class="time">(.*?)</td>')
SECONDS_AND_OFFSET = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d")


@dataclass
class Store:
    """A world with grants on two platforms (the second one French), and its audit service."""

    world: World
    second: str
    audit: AuditService

    def report(self, platform: str | None = None, language: str | None = None) -> str:
        return report_html(self.audit, self.world.employer, platform, language=language,
                           fallback_language="en", time_zone="Europe/Amsterdam")  # fmt: skip


@pytest.fixture
def store(parts: Parts, fresh_settings: Settings) -> Iterator[Store]:
    app, world, second = parts.app, build_world(parts.app), random_slug()
    actor = world.employer_actor()
    app.grants.request_grant(world.platform, world.employer, world.advisor, "view", actor)
    grant = Grant.create_id(world.platform, world.employer, world.advisor)
    confirm(app, grant)
    app.grants.change_rights(str(grant), "edit", actor)
    app.grants.revoke_grant(str(grant), actor, "adviseur gewisseld")
    french = {**platform_settings(), "name": "Portail deux", "locale": "fr"}
    app.reference.configure_platform(second, french, "test")
    app.reference.register_contract(second, f"PC-{second}", world.employer, [], "C", "test")
    app.reference.register_advisor(second, world.advisor, "AFM-2", "test")
    app.grants.request_grant(second, world.employer, world.advisor, "view", actor)
    confirm(app, Grant.create_id(second, world.employer, world.advisor))
    audit = open_audit(fresh_settings, catch_up=True)
    yield Store(world, second, audit)
    audit.close()
    audit.log.close()


def test_a_report_over_two_platforms_from_the_store(store: Store) -> None:
    world, html = store.world, store.report()
    sections = re.findall(r'<section class="platform" data-platform="([^"]*)">', html)
    assert sections == [*sorted([world.platform, store.second]), ""]
    assert '<html lang="en">' in html  # two platforms, two locales: the fallback
    assert f"Access audit: Werkgever {world.employer} ({world.employer})" in html
    assert f"Adviseur {world.advisor} ({world.advisor})" in html
    assert f"Platform Testportaal ({world.platform})" in html
    assert f"Platform Portail deux ({store.second})" in html
    cells = re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", html)
    assert ("rights", "view → edit") in cells and ("reason", "adviseur gewisseld") in cells
    times = TIME.findall(html)
    assert times and all(SECONDS_AND_OFFSET.fullmatch(t) for t in times), times[:3]


def test_the_platforms_language_and_the_chosen_one(store: Store) -> None:
    html = store.report(store.second)
    assert '<html lang="fr">' in html and "Accès dans le temps" in html
    assert re.findall(r'data-platform="([^"]*)">', html) == [store.second, ""]
    assert '<html lang="nl">' in store.report(store.second, language="nl")


def test_an_organisation_the_store_does_not_know(store: Store) -> None:
    with pytest.raises(UnknownOrganisation):
        report_html(store.audit, random_kvk(), None, language=None, fallback_language="en",
                    time_zone="UTC")  # fmt: skip


def test_the_command_on_an_unknown_organisation_is_one_line_and_exit_2(tmp_path: Path) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    stranger, out = random_kvk(), tmp_path / "report.html"
    done = run(["audit", "report", "--organisation", stranger, "--out", str(out)], tmp_path,
               TOEGANG_LOCALE="en")  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.strip().splitlines() == [
        f"toegang: organisation {stranger} is not known here: it was never registered and no "
        "event concerns it; no report written"
    ]
    assert not out.exists()
    known = ["audit", "report", "--organisation", "kvk:12345678", "--out", str(out)]
    done = run([*known, "--lang", "fr", "--timezone", "UTC"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert '<html lang="fr">' in out.read_text() and "+00:00" in out.read_text()
    assert "Bakkerij De Korenschoof B.V. (kvk:12345678)" in out.read_text()
