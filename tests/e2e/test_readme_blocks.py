"""Every code block of the README is accounted for: each carries a marker, each block a test
runs has its test, and the blocks no test here can run (benchmarks of minutes, Docker and a
cluster) are at least parsed and checked against what they name."""

from __future__ import annotations

import itertools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

from tests.e2e import readme

ROOT = readme.README.parent
RUN_BY_TESTS = {
    "sh": {
        "quick-start: serve": "test_readme.py, the quick start is what CI runs",
        "quick-start: tests": "test_readme.py, the quick start is what CI runs",
        "run: demo": "readme.checkout, before every walk-through",
        "walk-through": "test_readme.py, the grant walk-through (twice)",
        "walk-through-credentials": "test_readme.py, the credential walk-through",
        "walk-through-audit": "test_readme.py, the audit walk-through and its report",
    },
    "python": {
        "change-feed-example": "test_readme.py::test_readme_walk_through_works_as_printed",
        "change-topic-example": "tests/kafka/test_readme_consumer.py",
        "client-example": "clients/python/tests/test_client_install.py",
    },
}
NOT_RUN = "not-run: "


def test_every_block_has_a_marker_that_says_who_runs_it() -> None:
    for language, known in RUN_BY_TESTS.items():
        found = readme.blocks(language)
        assert sum(len(codes) for codes in found.values()) == readme.fenced(language), (
            f"a {language} block of the README has no marker comment above it"
        )
        unknown = {m for m in found if m not in known and not m.startswith(NOT_RUN)}
        assert not unknown, f"{language} blocks no test runs: {sorted(unknown)}"
        assert set(known) <= set(found), f"markers gone from the README: {set(known) - set(found)}"


def not_run(kind: str) -> list[str]:
    return [
        code
        for marker, codes in readme.blocks().items()
        if marker.startswith(NOT_RUN) and kind in marker
        for code in codes
    ]


def test_every_block_parses_as_bash() -> None:
    for codes in readme.blocks().values():
        for code in codes:
            parsed = subprocess.run(["bash", "-n"], input=code, capture_output=True, text=True)
            assert parsed.returncode == 0, f"{parsed.stderr}\n{code}"


def test_every_benchmark_the_readme_names_runs_its_help() -> None:
    modules = {m for code in not_run("benchmarks") for m in re.findall(r"-m (bench\.\w+)", code)}
    assert len(modules) >= 8
    running = {  # all at once: each only imports its module and prints its usage
        module: subprocess.Popen(
            [sys.executable, "-m", module, "--help"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for module in sorted(modules)
    }
    for module, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "usage" in out, f"{module}: {err}"


def test_the_docker_blocks_name_files_and_services_that_exist() -> None:
    (compose_block,) = not_run("Docker;")
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in re.findall(r"docker compose exec (\S+)", compose_block):
        assert name in services, name
    (cluster,) = not_run("cluster")
    lines = cluster.replace("\\\n", " ").splitlines()
    words = [word for line in lines for word in shlex.split(line, comments=True)]
    files = [after for before, after in itertools.pairwise(words) if before == "-f"]
    assert files and all((ROOT / Path(f)).exists() for f in files), files
    assert "deploy/Dockerfile" in files
