"""The README's code blocks, found by the marker comment above each, and a directory set up
the README's way to run them in (the repository's venv as `.venv`, the demo loaded)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import clean_env

README = Path(__file__).parents[2] / "README.md"
BLOCK = re.compile(r"<!-- (?P<marker>[^>]*?) -->\n```(?P<language>\w+)\n(?P<code>.*?)```", re.S)
FENCE = re.compile(r"^```(\w+)$", re.M)


def blocks(language: str = "sh") -> dict[str, list[str]]:
    """The README's blocks in `language`, by the marker comment just above each."""
    found: dict[str, list[str]] = {}
    for match in BLOCK.finditer(README.read_text()):
        if match["language"] == language:
            found.setdefault(match["marker"], []).append(match["code"])
    return found


def fenced(language: str = "sh") -> int:
    """How many blocks in `language` the README has, with a marker or without."""
    return sum(1 for match in FENCE.finditer(README.read_text()) if match[1] == language)


def block(marker: str, language: str = "sh") -> str:
    """The one block under `<!-- marker -->`."""
    (code,) = blocks(language)[marker]
    return code


def run_block(script: str, cwd: Path, url: str, timeout: int) -> subprocess.CompletedProcess[str]:
    """A README shell block run with bash, strictly, in `cwd`, against the service at `url`."""
    return subprocess.run(
        ["bash", "-c", "set -euo pipefail\n" + script],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(API=url),
        check=False,
    )


def checkout(directory: Path) -> Path:
    """`directory` as the README's commands expect the repository root: `.venv` there (the
    venv running these tests), and the demo loaded by the README's own block."""
    (directory / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    demo = run_block(block("run: demo"), directory, "", timeout=60)
    assert demo.returncode == 0, demo.stderr + demo.stdout
    return directory
