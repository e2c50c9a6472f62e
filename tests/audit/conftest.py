"""Fixtures shared by the audit tests: one fresh store (SQLite and PostgreSQL) with its application,
test clock, log reader, view database and projection.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import eventsourcing.domain
import pytest

from services.bootstrap.application import ToegangApplication
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.eventlog.store import eventsourcing_env
from services.grants.tokens import ConfirmationTokens
from services.settings import Settings
from tests.audit.interval_support import Parts
from tests.support import Clock


@pytest.fixture
def parts(fresh_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parts]:
    """Events are stamped by the test clock, so moving it on records events after cut-offs."""
    clock = Clock()
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", clock)
    env = eventsourcing_env(fresh_settings)
    app = ToegangApplication(env, tokens=ConfirmationTokens(os.urandom(32)), clock=clock)
    log, database = open_event_log(fresh_settings), ViewDatabase(fresh_settings)
    yield Parts(app, clock, log, database)
    log.close()
    database.close()
    app.close()
