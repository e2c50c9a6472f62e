"""Test helpers: random organisations, actors, a controllable clock, a server in a thread."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import uvicorn
from fastapi import FastAPI

DV = "urn:etoegang:DV:00000001003214345000:services"
VIEW_SERVICE, EDIT_SERVICE, ADVISOR_SERVICE = f"{DV}:1", f"{DV}:2", f"{DV}:3"
LOA3 = "urn:etoegang:core:assurance-class:loa3"
LOA2 = "urn:etoegang:core:assurance-class:loa2"
TOKENS = {
    "admin-token": ["admin"],
    "writer-token": ["grants:write"],
    "reader-token": ["access:read"],
    "auditor-token": ["audit:read"],
    "users-token": ["users:write"],
}


def random_kvk() -> str:
    return f"kvk:{random.randrange(10**7, 10**8):08d}"


def random_kbo() -> str:
    eight = f"{random.choice('01')}{random.randrange(1, 10**7):07d}"
    return f"kbo:{eight}{97 - int(eight) % 97:02d}"


def random_slug() -> str:
    return f"test-{random.getrandbits(48):012x}"


def platform_settings(chain: str = "sufficient", min_loa: str = "EH3") -> dict[str, Any]:
    return {
        "name": "Testportaal",
        "login": ["eherkenning"],
        "min_loa": min_loa,
        "services": {
            VIEW_SERVICE: "employer_view",
            EDIT_SERVICE: "employer_edit",
            ADVISOR_SERVICE: "advisor",
        },
        "chain_authorisation": chain,
        "locale": "nl",
    }


def actor(
    legal_subject: str,
    service: str = EDIT_SERVICE,
    loa: str = LOA3,
    intermediary: str | None = None,
    person: str = "person-1",
) -> dict[str, Any]:
    return {
        "method": "eherkenning",
        "legal_subject": legal_subject,
        "acting_subject": person,
        "intermediary": intermediary,
        "service_id": service,
        "loa": loa,
    }


@dataclass
class World:
    """One random platform with an employer, its group company, an advisor and a stranger."""

    platform: str = field(default_factory=random_slug)
    employer: str = field(default_factory=random_kvk)
    group: str = field(default_factory=random_kbo)
    advisor: str = field(default_factory=random_kvk)
    stranger: str = field(default_factory=random_kvk)
    contract: str = field(default_factory=lambda: f"PC-{random.getrandbits(32)}")

    def employer_actor(self, **overrides: Any) -> dict[str, Any]:
        return actor(self.employer, **overrides)


class Clock:
    """A clock the tests can move forward; only domain decisions read it."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


class ServerThread:
    """A real uvicorn server on a free loopback port, in a background thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        wait_until(lambda: self.server.started, timeout=20)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until(condition: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll until `condition()` is truthy; fail the test when it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
