"""The README's walk-throughs, run exactly as printed against `toegang serve` in a directory set
up the README's way (its `.venv`, the demo loaded by its own block)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.audit.test_report import BLUE, ORANGE, chromium_screenshot, colour_bands
from tests.e2e import readme
from tests.e2e.cli import TOEGANG, clean_env, serving
from tests.e2e.readme import README, run_block


def walk_through() -> str:
    return readme.block("walk-through")


def test_readme_walk_through_works_as_printed(tmp_path: Path) -> None:
    readme.checkout(tmp_path)
    script = walk_through()
    with serving(tmp_path) as (url, _):
        for _ in range(2):  # a revoked pair may be requested again: the block runs twice
            result = run_block(script, tmp_path, url, timeout=60)
            assert result.returncode == 0, result.stderr + result.stdout
            status, types = result.stdout.strip().splitlines()[-2:]
            assert json.loads(status) == "revoked"
            assert json.loads(types)[0] == "GrantOpened"
            assert json.loads(types)[-1] == "GrantRevoked"
            assert '"status":"active"' in result.stdout
        feed = subprocess.run(
            [sys.executable, "-c", change_feed_example()],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_env(API=url),
            check=False,
        )
    assert feed.returncode == 0, feed.stderr
    rights = [line.split()[-1] for line in feed.stdout.splitlines()]
    assert rights[:3] == ["view", "edit", "None"], feed.stdout  # the first run's grant
    assert rights[3:6] == ["view", "edit", "None"], feed.stdout  # the second run's


def change_feed_example() -> str:
    return readme.block("change-feed-example", "python")


def test_readme_quick_start_commands_are_the_ones_ci_runs() -> None:
    ci = (README.parent / ".ci" / "run").read_text()
    serve, tests = readme.block("quick-start: serve"), readme.block("quick-start: tests")
    assert serve.strip().endswith(".venv/bin/toegang serve"), serve
    assert re.fullmatch(r"python3 -m venv .venv && .*pytest\n", tests), tests
    assert "python3 -m venv .venv" in ci and ".venv/bin/pip install -q -e '.[dev]'" in ci
    assert ".venv/bin/pytest" in ci
    assert "-e '.[dev]'" in ci


def test_readme_credential_platform_walk_through(tmp_path: Path) -> None:
    readme.checkout(tmp_path)
    with serving(tmp_path) as (url, _):
        result = run_block(readme.block("walk-through-credentials"), tmp_path, url, timeout=90)
    assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.splitlines()
    decisions = [line for line in lines if line.startswith("[true") or line.startswith("[false")]
    assert decisions == [
        "[true,[]]",
        '[false,["rights_insufficient"]]',
        '[false,["contract_out_of_scope"]]',
        "[true,[]]",
        '[false,["agreement_superseded"]]',
    ]
    counts = {line.split()[1]: int(line.split()[0]) for line in lines[-3:]}
    assert counts == {"access-code": 3, "announcement": 1, "document": 1}


def test_readme_audit_walk_through_and_its_report_in_chromium(tmp_path: Path) -> None:
    readme.checkout(tmp_path)
    before = set(tmp_path.iterdir())
    venv_bin = Path(TOEGANG).parent  # left out: the block puts the README's .venv/bin first
    path = ":".join(p for p in os.environ.get("PATH", "").split(":") if Path(p) != venv_bin)
    with serving(tmp_path) as (url, _):
        for block in (walk_through(), readme.block("walk-through-audit")):
            result = subprocess.run(
                ["bash", "-c", "set -euo pipefail\n" + block],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                env=clean_env(API=url, PATH=path),
                check=False,
            )
            assert result.returncode == 0, result.stderr + result.stdout
    lines = result.stdout.splitlines()
    assert [step[1:] for step in json.loads(lines[0])] == [
        ["GrantConfirmationIssued", "own"],
        ["GrantConfirmed", "confirmation_link"],
        ["GrantRightsChanged", "own"],
        ["GrantRevoked", "own"],
    ]
    assert json.loads(lines[1]) == [["kvk:87654321", "view", "grant", "confirmation_link"]]
    assert lines[2] == "1"
    assert lines[3].startswith("hash chain intact: ")
    assert set(tmp_path.iterdir()) == before, "the walk-through wrote outside var/"
    exported = (tmp_path / "var" / "history.csv").read_text().splitlines()
    assert exported[0].startswith("position,time,type")
    offline = (tmp_path / "var" / "history.jsonl").read_text().splitlines()
    assert [json.loads(line)["position"] for line in offline] == [
        int(row.split(",")[0]) for row in exported[1:]
    ]
    html = tmp_path / "var" / "report.html"
    assert html.read_text().count('data-rights="view"') >= 1
    png = tmp_path / "report.png"
    chromium_screenshot(html, png, tmp_path / "profile")
    with Image.open(png) as shot:
        image = shot.convert("RGB")
    # The walk-through's grant lasts a fraction of a second: its view and edit bars are drawn
    # at the minimum width, side by side, the later one partly over the earlier. Count narrow
    # runs: the legend has one band of each colour; the grantee's lane adds at least one more.
    view, edit = colour_bands(image, BLUE, min_run=2), colour_bands(image, ORANGE, min_run=2)
    bands = f"(screenshot {png}: view {view}, edit {edit})"
    assert view and edit, f"legend missing {bands}"
    assert len(view) + len(edit) >= 3, f"no bar in the grantee's lane {bands}"
