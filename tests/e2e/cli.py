"""Run the `toegang` command as a separate process, the way an operator does."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support import free_port, wait_until

TOEGANG = str(Path(sys.executable).parent / "toegang")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOEGANG_")}
    return {**env, **extra}


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TOEGANG, *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@contextmanager
def serving(
    cwd: Path, *args: str, env: dict[str, str] | None = None, capture: bool = True
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`toegang serve` on a free port until the block ends; yields its URL and process.

    With `capture`, its output can be read from the process afterwards (short runs only: a
    long-running server would fill the pipe)."""
    port = free_port()
    process = subprocess.Popen(
        [TOEGANG, "serve", *args, "--port", str(port)],
        cwd=cwd,
        env=clean_env(**(env or {})),
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _answers(url) or process.poll() is not None, timeout=60)
        assert process.poll() is None, f"toegang serve {' '.join(args)} exited"
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=15)


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
