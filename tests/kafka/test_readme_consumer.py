"""The README's kafka-python consumer of `toegang.access.v1`, run as printed against a service
that relays to the test broker without a topic prefix (the only test that uses the bare name)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from services.settings import Settings
from tests import client as api
from tests.e2e import readme
from tests.e2e.cli import clean_env
from tests.integration import test_access_changes as scenarios
from tests.kafka.test_access_topic import relaying
from tests.support import wait_until


def test_the_readme_consumer_prints_a_grants_changes(tmp_path: Path, kafka_bootstrap: str) -> None:
    with relaying(Settings(data_dir=tmp_path), kafka_bootstrap, "") as (stack, relay):
        with httpx.Client(base_url=stack.url, timeout=30) as client:
            scenarios.test_a_grant_is_told_when_confirmed_raised_and_revoked(stack, client)
            head = api.head(client)
            wait_until(lambda: relay.position >= head, timeout=30)
        printed = subprocess.run(
            [sys.executable, "-c", readme.block("change-topic-example", "python")],
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_env(KAFKA=kafka_bootstrap),
            check=False,
        )
    assert printed.returncode == 0, printed.stderr
    lines = printed.stdout.splitlines()
    assert [line.split()[2] for line in lines[:2]] == ["view", "edit"], printed.stdout
    assert lines[2].startswith("end the sessions of ") and len(lines) == 3, printed.stdout
