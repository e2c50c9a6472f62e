"""The HTML audit report: its markup, and what headless Chromium actually draws of it."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from PIL import Image

from services import messages
from services.audit.report import render_report
from services.audit.report_time import show_time, zone

CHROMIUM = Path("/usr/bin/chromium")
NOW = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
INTACT = {"ok": True, "events": 3, "head": "ab" * 32, "problems": []}
FILLS = {"view": "#1f77b4", "edit": "#e6550d"}  # fixed by the spec, not read from the module
BLUE, ORANGE = (0x1F, 0x77, 0xB4), (0xE6, 0x55, 0x0D)


def interval(
    holder: str,
    rights: str,
    start: str,
    end: str | None,
    kind: str = "user",
    platform: str = "pensioenportaal",
) -> dict[str, Any]:
    """One access interval as the history query hands it to the report."""
    return {
        "platform": platform,
        "kind": kind,
        "holder": holder,
        "rights": rights,
        "route": "grant" if kind == "grant" else "credentials",
        "since": f"{start}T09:00:00.000000Z",
        "valid_from": f"{start}T09:00:00.000000Z",
        "valid_to": f"{end}T09:00:00.000000Z" if end else None,
        "subject_id": f"subject-{holder}",
    }


# Three holders, five intervals: three view, two edit, one of them still open.
INTERVALS = [
    interval("kvk:12345678", "view", "2026-01-05", "2026-03-01", kind="grant"),
    interval("kvk:12345678", "edit", "2026-03-01", None, kind="grant"),
    interval("alice@example.nl", "edit", "2026-02-01", "2026-04-15"),
    interval("bob@example.nl", "view", "2026-01-15", "2026-02-20"),
    interval("bob@example.nl", "view", "2026-05-01", "2026-06-10"),
]
ENTRIES: list[dict[str, Any]] = [
    {
        "position": n,
        "time": f"2026-0{n}-01T09:00:00.000000Z",
        "type": "AccessGranted",
        "aggregate_id": f"subject-{n}",
        "actor": {
            "route": "own",
            "label": "demo-person of kvk:87654321",
            "method": "eherkenning",
            "acting_subject": "demo-person",
            "legal_subject": "kvk:87654321",
            "intermediary": None,
        },
        "facts": {"holder": "bob@example.nl", "rights": "view", "name": "[erased]"},
    }
    for n in range(1, 4)
]


def report(**overrides: Any) -> str:
    """A rendered report over the sample data, with some arguments replaced."""
    arguments: dict[str, Any] = {
        "organisation": "kvk:87654321",
        "platform": "pensioenportaal",
        "generated_at": NOW,
        "intervals": INTERVALS,
        "entries": ENTRIES,
        "chain": INTACT,
    }
    return render_report(**{**arguments, **overrides})


def test_one_rect_per_interval_coloured_by_rights() -> None:
    html = report()
    bars = re.findall(r'<rect [^>]*data-rights="(\w+)"[^>]*>', html)
    assert sorted(bars) == ["edit", "edit", "view", "view", "view"]
    for tag in re.findall(r"<rect [^>]*data-rights[^>]*>", html):
        rights = re.search(r'data-rights="(\w+)"', tag)
        assert rights is not None
        assert f'fill="{FILLS[rights.group(1)]}"' in tag
    assert html.count('data-open="true"') == 1
    assert "2026-07-01 14:00:00 +02:00" in html  # the report's moment, on Amsterdam's clocks


def test_untrusted_holders_and_facts_are_escaped() -> None:
    evil = "<script>alert(1)</script>"
    entry = {**ENTRIES[0], "facts": {"note": evil}, "actor": {"route": evil, "label": evil}}
    html = report(intervals=[interval(evil, "view", "2026-01-01", None)], entries=[entry])
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'data-holder="&lt;script&gt;' in html


def test_self_contained() -> None:
    html = report()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.IGNORECASE)
    assert not re.search(r"<(script|link|img|iframe)\b|@import|url\(", html, re.IGNORECASE)


def test_erased_facts_are_shown_greyed() -> None:
    assert '<span class="erased">[erased]</span>' in report()


def test_chain_banner() -> None:
    assert "Hash chain intact" in report()
    altered = {
        "ok": False,
        "events": 3,
        "head": None,
        "problems": [
            {"position": 17, "kind": "hash", "detail": "stored hash differs"},
            {"position": 18, "kind": "link", "detail": "previous hash differs"},
        ],
    }
    html = report(chain=altered)
    assert "Hash chain altered at position 17" in html
    assert "Hash chain intact" not in html


def test_empty_instant_and_long_reports_render() -> None:
    assert "No access recorded" in report(intervals=[])
    instant = interval("carol", "edit", "2026-07-01", "2026-07-01")
    html = report(intervals=[instant], generated_at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    assert len(re.findall(r"<rect [^>]*data-rights", html)) == 1
    many = [{**ENTRIES[0], "position": n} for n in range(500)]
    assert report(entries=many).count('<td class="num">') == 500


def colour_bands(
    image: Image.Image, rgb: tuple[int, ...], min_run: int = 20
) -> list[tuple[int, int, int]]:
    """Bars of one colour as (top, bottom, bars side by side) per horizontal band.

    A band is a run of rows holding at least 20 consecutive pixels of the colour (within a
    tolerance for anti-aliasing); legend swatches are narrower and so do not count.
    """
    width, height = image.size
    data = image.convert("RGB").tobytes()
    runs: dict[int, int] = {}
    for y in range(height):
        row = data[y * width * 3 : (y + 1) * width * 3]
        mask = "".join(
            "x" if all(abs(row[x * 3 + c] - rgb[c]) <= 12 for c in range(3)) else "."
            for x in range(width)
        )
        if count := len(re.findall(f"x{{{min_run},}}", mask)):
            runs[y] = count
    bands: list[tuple[int, int, int]] = []
    for y in sorted(runs):
        if bands and bands[-1][1] == y - 1:
            top, _, count = bands[-1]
            bands[-1] = (top, y, max(count, runs[y]))
        else:
            bands.append((y, y, runs[y]))
    return bands


def chromium_screenshot(html: Path, png: Path, profile: Path, size: str = "1400,1000") -> None:
    """Let headless Chromium draw `html` into `png`."""
    command = [
        str(CHROMIUM),
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        f"--window-size={size}",
        f"--screenshot={png}",
        html.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and png.exists(), f"chromium failed: {done.stderr[-2000:]}"


def test_chromium_draws_one_bar_per_interval_in_distinct_lanes(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if not os.environ.get("CI"):
            pytest.skip(f"{CHROMIUM} is not installed (required when CI is set)")
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium to draw the report")
    html, png = tmp_path / "report.html", tmp_path / "report.png"
    html.write_text(report(), encoding="utf-8")
    chromium_screenshot(html, png, tmp_path / "profile")
    with Image.open(png) as shot:
        image = shot.convert("RGB")
    blue, orange = colour_bands(image, BLUE), colour_bands(image, ORANGE)
    where = f"(screenshot: {png}; blue bands {blue}, orange bands {orange})"
    assert sum(count for *_, count in blue) >= 3, f"expected 3 view bars {where}"
    assert sum(count for *_, count in orange) >= 2, f"expected 2 edit bars {where}"
    assert len(blue) >= 2 and len(orange) >= 2, f"bars not in distinct lanes {where}"
    assert max(count for *_, count in blue) >= 2, f"bob's two view bars share a lane {where}"
    assert all(bottom - top >= 10 for top, bottom, _ in blue + orange), f"bars too thin {where}"
    grantee = [o for o in orange if any(b[0] <= o[1] and o[0] <= b[1] for b in blue)]
    assert len(grantee) == 1, f"the grantee's view and edit bars share one lane {where}"


NAMES = {"kvk:12345678": "Werkgever BV", "kvk:87654321": "Adviesbureau BV"}


@pytest.mark.parametrize(
    ("language", "heading", "foreign"),
    [("nl", "Toegang in de tijd", "Access over time"), ("en", "Access over time", "Legende"),
     ("fr", "Accès dans le temps", "Access over time")],
)  # fmt: skip
def test_the_report_in_each_language(language: str, heading: str, foreign: str) -> None:
    html = report(language=language)
    texts = messages.report_texts(language)
    assert f'<html lang="{language}">' in html and heading in html and foreign not in html
    for key in ("legend", "legend_bars", "legend_routes", "events_heading", "col_facts"):
        assert escape(texts[key]) in html, key
    assert escape(texts["legend_actor_own"]) in html and escape(texts["route_grant"]) in html


def test_names_beside_numbers() -> None:
    html = report(names=NAMES, platform_names={"pensioenportaal": "Pensioen Portaal"})
    assert "Access audit: Adviesbureau BV (kvk:87654321)" in html  # the organisation itself
    assert ">Werkgever BV (kvk:12345678)</text>" in html  # the grantee's lane
    assert "demo-person of Adviesbureau BV (kvk:87654321)" in html  # the actor
    assert "Platform Pensioen Portaal (pensioenportaal)" in html
    assert ">bob@example.nl</text>" in html  # a person's login stays as it is
    dutch = report(names=NAMES, language="nl")
    assert "demo-person van Adviesbureau BV (kvk:87654321)" in dutch  # the actor, in Dutch
    chain = {**ENTRIES[0]["actor"], "route": "chain", "intermediary": "kvk:12345678"}
    html = report(entries=[{**ENTRIES[0], "actor": chain}], names=NAMES, language="fr")
    assert "demo-person de Werkgever BV (kvk:12345678) pour Adviesbureau BV" in html


def test_times_to_the_second_with_the_offset_and_no_microseconds() -> None:
    entry = {**ENTRIES[0], "time": "2026-12-04T00:50:07.123456Z", "facts": {"at": "x"}}
    html = report(entries=[entry], generated_at=datetime(2026, 12, 4, 1, 0, tzinfo=UTC))
    assert '<td class="time">2026-12-04 01:50:07 +01:00</td>' in html
    assert "2026-12-04 02:00:00 +01:00" in html  # generated, winter time
    assert "2026-01-05 10:00:00 +01:00" in html  # a bar's tooltip
    assert not re.search(r"\d\d:\d\d:\d\d\.\d|\d\d:\d\d UTC", html)
    assert "2026-07-01 12:00:00 +00:00" in report(time_zone="UTC")
    utc = report(time_zone="UTC", generated_at=datetime(2026, 7, 1, 12, 0, 5, 999999, UTC))
    assert "2026-07-01 12:00:05 +00:00" in utc  # microseconds dropped, not rounded


def test_facts_read_as_labelled_values_with_the_change_of_rights() -> None:
    grant = {**ENTRIES[0], "aggregate_id": "grant-1", "actor": {"route": "own", "label": "x"}}
    entries = [
        {**grant, "position": 1, "type": "GrantRequested",
         "facts": {"grantee": "kvk:12345678", "rights": "view", "valid_until": None}},
        {**grant, "position": 2, "type": "GrantRightsChanged", "facts": {"rights": "edit"}},
        {**grant, "position": 3, "type": "GrantRevoked",
         "facts": {"reason": "adviseur gewisseld", "rights": "edit", "scope": {"all": True}}},
    ]  # fmt: skip
    html = report(entries=entries, names=NAMES, language="nl")
    cells = re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", html)
    assert ("gemachtigde", "Werkgever BV (kvk:12345678)") in cells
    assert ("rechten", "inzien → wijzigen") in cells
    assert ("reden", "adviseur gewisseld") in cells
    assert ("all", "ja") in cells and ("geldig tot en met", "—") in cells
    assert "{" not in "".join(text for _, text in cells)  # no JSON
    assert cells.count(("rechten", "wijzigen")) == 1  # revoked with unchanged rights
    assert "Machtiging ingetrokken" in html and "<code>GrantRevoked</code>" in html


def test_one_section_per_platform_then_the_organisations_own_events() -> None:
    other = interval("kvk:12345678", "edit", "2026-02-01", None, "grant", "ander-portaal")
    own = {**ENTRIES[0], "position": 9, "platform": None, "type": "OrganisationRegistered"}
    there = {**ENTRIES[1], "platform": "ander-portaal"}
    html = report(platform=None, intervals=[*INTERVALS, other], entries=[own, there])
    found = re.findall(r'<section class="platform" data-platform="([^"]*)">', html)
    assert found == ["ander-portaal", "pensioenportaal", ""]
    parts = html.split('<section class="platform"')[1:]
    assert [p.count("<svg") for p in parts] == [1, 1, 0]
    assert [p.count('<td class="num">') for p in parts] == [1, 0, 1]
    assert [p.count("data-rights=") for p in parts] == [1, 5, 0]


def test_chromium_draws_the_legend_and_one_timeline_per_platform(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    other = interval("kvk:12345678", "edit", "2026-02-01", None, "grant", "ander-portaal")
    html = tmp_path / "report.html"
    entries = [{**e, "platform": "pensioenportaal"} for e in ENTRIES]
    drawn = report(platform=None, intervals=[*INTERVALS, other], entries=entries, language="nl")
    html.write_text(drawn, encoding="utf-8")
    command = [str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu",
               f"--user-data-dir={tmp_path / 'dom'}", "--dump-dom", html.as_uri()]  # fmt: skip
    dom = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    assert dom.count('<section class="platform"') == 2 and dom.count("<svg") == 2
    for text in ("Legenda", "Platform ander-portaal", "Platform pensioenportaal", "machtiging"):
        assert text in dom, text
    png = tmp_path / "report.png"
    chromium_screenshot(html, png, tmp_path / "profile", size="1400,2400")
    with Image.open(png) as shot:
        orange = colour_bands(shot.convert("RGB"), ORANGE)
    # ander-portaal's single edit bar comes first, then pensioenportaal's two, well below it
    assert len(orange) >= 3 and orange[1][0] - orange[0][1] > 100, f"{orange} ({png})"


def test_the_time_rules_across_the_change_to_summer_time() -> None:
    amsterdam = zone("Europe/Amsterdam")
    before = datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=UTC)
    assert show_time(before, amsterdam) == "2026-03-29 01:59:59 +01:00"
    after = datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert show_time(after, amsterdam) == "2026-03-29 03:00:00 +02:00"
    assert show_time(datetime(2026, 12, 4, 0, 50, 7), zone("UTC")) == "2026-12-04 00:50:07 +00:00"
    with pytest.raises(ValueError, match="Mars/Olympus"):
        zone("Mars/Olympus")
