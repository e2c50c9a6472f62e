"""deploy/Dockerfile, parsed into its stages: multi-stage, a non-root final stage without build
tools, the command and health check it runs.
"""

from __future__ import annotations

import fnmatch
import json
import tomllib
from dataclasses import dataclass

import pytest

from tests.deploy.manifest_support import BUILD_TOOLS, DOCKERFILE, PORT, ROOT, UID, role_command

# --- deploy/Dockerfile ------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def parse_dockerfile(text: str) -> list[list[Instruction]]:
    """The instructions of each build stage, with continuation lines joined."""
    stages: list[list[Instruction]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        pending = ""
        instruction = Instruction(keyword.upper(), " ".join(arguments.split()))
        if instruction.keyword == "FROM":
            stages.append([])
        assert stages, "an instruction before the first FROM"
        stages[-1].append(instruction)
    return stages


@pytest.fixture(scope="module")
def stages() -> list[list[Instruction]]:
    return parse_dockerfile(DOCKERFILE.read_text())


def arguments_of(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.arguments for i in stage if i.keyword == keyword]


def test_the_dockerfile_is_multi_stage_on_python_311_slim(
    stages: list[list[Instruction]],
) -> None:
    assert len(stages) >= 2
    assert stages[0][0].arguments == "python:3.11-slim AS builder"
    assert stages[-1][0].arguments == "python:3.11-slim"


def test_the_builder_builds_a_wheel_and_a_virtual_environment(
    stages: list[list[Instruction]],
) -> None:
    commands = " ".join(arguments_of(stages[0], "RUN"))
    assert "python -m venv /opt/venv" in commands
    assert "pip wheel" in commands
    assert "pip install --no-deps /wheels/toegang-" in commands


def test_the_final_stage_copies_only_the_virtual_environment(
    stages: list[list[Instruction]],
) -> None:
    assert arguments_of(stages[-1], "COPY") == ["--from=builder /opt/venv /opt/venv"]
    assert arguments_of(stages[-1], "ADD") == []


def test_the_final_stage_runs_as_a_non_root_user(stages: list[list[Instruction]]) -> None:
    users = arguments_of(stages[-1], "USER")
    assert users, "no USER in the final stage"
    user, _, group = users[-1].partition(":")
    assert user not in ("root", "0") and group not in ("root", "0")
    assert user == str(UID)
    setup = " ".join(arguments_of(stages[-1], "RUN"))
    assert f"--uid {UID}" in setup


def test_the_final_stage_has_no_build_tools(stages: list[list[Instruction]]) -> None:
    final = " ".join(f"{i.keyword} {i.arguments}" for i in stages[-1]) + " "
    for tool in BUILD_TOOLS:
        assert tool not in final, tool
    assert "apt-get install" not in final
    assert "pip install" not in final


def test_the_image_runs_toegang_with_a_healthcheck(stages: list[list[Instruction]]) -> None:
    final = stages[-1]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    (entrypoint,) = arguments_of(final, "ENTRYPOINT")
    assert json.loads(entrypoint) == ["toegang"]
    assert "toegang" in scripts
    (command,) = arguments_of(final, "CMD")
    assert json.loads(command) == role_command("grants")
    assert arguments_of(final, "EXPOSE") == [str(PORT)]
    (healthcheck,) = arguments_of(final, "HEALTHCHECK")
    options, _, probe = healthcheck.partition(" CMD ")
    assert "--interval=" in options
    probe_args = json.loads(probe)
    assert probe_args[:2] == ["python", "-c"]
    assert "urllib.request" in probe_args[2]
    assert f"http://127.0.0.1:{PORT}/healthz" in probe_args[2]


def test_what_the_dockerfile_copies_from_the_context_exists(
    stages: list[list[Instruction]],
) -> None:
    for stage in stages:
        for arguments in arguments_of(stage, "COPY"):
            if arguments.startswith("--from="):
                continue
            *sources, _ = arguments.split()
            for source in sources:
                assert (ROOT / source).exists(), source


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves `path` out of the build context (the last matching pattern wins;
    `!` re-includes; a pattern naming a directory covers what is under it)."""
    verdict = False
    for pattern in patterns:
        negated, glob = pattern.startswith("!"), pattern.lstrip("!").rstrip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        if any(fnmatch.fnmatchcase(p, glob) for p in prefixes) or fnmatch.fnmatchcase(path, glob):
            verdict = not negated
    return verdict


def test_the_build_context_holds_what_the_dockerfile_copies_and_no_more(
    stages: list[list[Instruction]],
) -> None:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    copied = [
        source
        for stage in stages
        for arguments in arguments_of(stage, "COPY")
        if not arguments.startswith("--from=")
        for source in arguments.split()[:-1]
    ]
    for source in copied:
        assert not ignored(source, patterns), f"{source} is copied but left out of the context"
    assert not ignored("services/grants/templates/confirm.html", patterns)
    for left_out in (".venv/bin/python", "var/admin-token", ".git/HEAD", "tests/conftest.py"):
        assert ignored(left_out, patterns), f"{left_out} would be sent to the Docker daemon"
    assert ignored("services/__pycache__/cli.cpython-311.pyc", patterns)


def test_every_deploy_file_tells_the_same_standby_story() -> None:
    """Every projections replica serves and is ready (tests/kafka/test_distributed.py holds the
    code to it); no comment may say a standby replica answers 503."""
    files = [ROOT / "docker-compose.yml", ROOT / "deploy" / "Dockerfile", ROOT / "README.md"]
    files += sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
    for path in files:
        paragraphs = path.read_text().split("\n\n")
        for paragraph in paragraphs:
            text = " ".join(paragraph.split()).lower()
            claims = "standby" in text and ("not ready" in text or "503 on /readyz" in text)
            assert not claims, f"{path.name}: {paragraph.strip()[:200]}"
