"""`toegang audit …` on bad input: one line, exit 2, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import run

ACCESS = ["audit", "access", "--platform", "p", "--organisation"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ([*ACCESS, "kvk:12345678", "--at", "nu"], "nu"),
        ([*ACCESS, "kvk:1", "--at", "2026-03-01"], "kvk"),
        (["audit", "history", "--from", "gisteren"], "gisteren"),
        (["audit", "history", "--organisation", "kbo:0000000000"], "kbo"),
        (["audit", "verify", "--anchor", "zeven:ab"], "zeven"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str], says: str) -> None:
    done = run(args, tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_an_unreachable_store_is_exit_2(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:1/nowhere"
    done = run(["audit", "verify"], tmp_path, TOEGANG_DATABASE_URL=url)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr


def test_verify_with_an_anchor(tmp_path: Path) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    intact = run(["audit", "verify"], tmp_path)
    assert intact.returncode == 0, intact.stderr
    head, position = intact.stdout.split("head ")[1].split(" at position ")
    anchor = f"{int(position)}:{head}"
    assert run(["audit", "verify", "--anchor", anchor], tmp_path).returncode == 0
    rewritten = run(["audit", "verify", "--anchor", f"{int(position)}:{'0' * 64}"], tmp_path)
    assert rewritten.returncode == 1
    assert f"position {int(position)}" in rewritten.stderr
