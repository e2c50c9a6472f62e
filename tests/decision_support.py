"""Helpers of the decision log tests: a live app with its own log settings, its records."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from services.bootstrap import create_app
from services.settings import Settings
from tests.support import TOKENS, Clock, ServerThread

RECORD_KEYS = {
    "time",
    "platform",
    "organisation",
    "action",
    "allowed",
    "reasons",
    "via",
    "position",
    "caller",
    "subject",
}
READER_FINGERPRINT = "token:" + hashlib.sha256(b"reader-token").hexdigest()[:12]


@contextmanager
def serving(
    settings: Settings, *, roles: tuple[str, ...] = ("grants", "projections"), **changes: Any
) -> Iterator[tuple[httpx.Client, FastAPI]]:
    """A live app on `settings` with `changes`; its log is written out when the block ends."""
    app = create_app(settings.model_copy(update=changes), TOKENS, roles=roles, clock=Clock())
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        yield client, app


def records(path: Path) -> list[dict[str, Any]]:
    """Every record of a JSON-lines decision file, in order."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def counter(client: httpx.Client, name: str, reason: str | None = None) -> float:
    """A counter's value as /metrics shows it (0 when absent)."""
    labels = re.escape(f'{{reason="{reason}"}}') if reason else ""
    found = re.search(rf"^{name}{labels} ([\d.e+]+)$", client.get("/metrics").text, re.M)
    return float(found.group(1)) if found else 0.0
