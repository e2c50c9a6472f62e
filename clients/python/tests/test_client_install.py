"""`pip install ./clients/python` into a fresh venv, then the root README's example, run as
printed against `toegang serve` with the demo loaded (the venv holds no toegang itself)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
from toegang_client import Client

from tests.client import head as head_of
from tests.e2e.cli import clean_env, run, serving
from tests.support import actor

ROOT = Path(__file__).parents[3]
EXAMPLE = re.compile(r"<!-- client-example -->\n```python\n(.*?)```", re.DOTALL)
JUNK = shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests")
EMPLOYER = actor("kvk:12345678")


def head(url: str) -> int:
    """The log's last position, as /readyz reports it."""
    with httpx.Client(base_url=url) as http:
        return head_of(http)


def example() -> str:
    found = EXAMPLE.search((ROOT / "README.md").read_text())
    assert found, "README has no client example"
    return found.group(1)


def fresh_venv_with_the_client(tmp_path: Path) -> Path:
    """A new venv with the client installed from a copy of clients/python; its python."""
    shutil.copytree(ROOT / "clients" / "python", tmp_path / "clients" / "python", ignore=JUNK)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=60)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "./clients/python"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    return venv / "bin" / "python"


def test_the_readme_example_runs_from_a_fresh_install(tmp_path: Path) -> None:
    started = time.monotonic()
    python = fresh_venv_with_the_client(tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    assert run(["demo"], site).returncode == 0
    (site / "example.py").write_text(example())
    with serving(site, capture=False) as (url, _):
        demo_in_view(url, (site / "var" / "admin-token").read_text().strip())
        result = subprocess.run(
            [str(python), "example.py"],
            cwd=site,
            env=clean_env(API=url),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "True edit own ()\n"
    assert_installed_alone(python, tmp_path)
    assert time.monotonic() - started < 90


def demo_in_view(url: str, token: str) -> None:
    """Wait until the service's view holds the demo (the example reads without a position)."""
    with Client(url, token) as toegang:
        demo = toegang.check(
            "befrank-werkgeversportaal", EMPLOYER, "kvk:12345678", "view", min_position=head(url)
        )
    assert demo.allowed


def assert_installed_alone(python: Path, tmp_path: Path) -> None:
    """The venv's client is its own installed copy, without toegang or FastAPI beside it."""
    probe = (
        "import toegang_client, importlib.util as u; "
        "print(toegang_client.__file__, u.find_spec('services'), u.find_spec('fastapi'))"
    )
    where = subprocess.run(
        [str(python), "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=clean_env(),
    )
    module, services, fastapi = where.stdout.split()
    assert module.startswith(str(tmp_path / "venv")) and services == fastapi == "None"
