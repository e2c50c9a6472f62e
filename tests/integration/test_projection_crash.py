"""SIGKILL the projection in the middle of live processing and of a rebuild: after a restart the
views equal a full replay and no event was applied twice (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from services.bootstrap import build_grants_application
from services.eventlog.database import ViewDatabase
from services.eventlog.log import open_event_log
from services.projections import tables
from services.projections.runner import AccessProjection
from services.settings import Settings
from tests.e2e.cli import TOEGANG, clean_env, serving
from tests.projection_support import count_events, replay, snapshot
from tests.support import TOKENS, random_kvk, wait_until
from tests.world import build_world

EVENTS = 600


def fill_log(settings: Settings) -> int:
    """A few worlds with grants, then many organisations: about EVENTS events."""
    app = build_grants_application(settings)
    try:
        world = build_world(app)
        app.grants.request_grant(
            world.platform, world.employer, world.advisor, "edit", world.employer_actor()
        )
        app.reference.withdraw_licence(world.platform, world.advisor, "staff")
        while app.position() < EVENTS:
            app.reference.register_organisation(
                random_kvk(), "Organisatie", "o@example.org", "staff"
            )
        return app.position()
    finally:
        app.close()


def env_for(settings: Settings, batch_size: int) -> dict[str, str]:
    env = {
        "TOEGANG_DATA_DIR": str(settings.data_dir),
        "TOEGANG_API_TOKENS": json.dumps(TOKENS),
        "TOEGANG_PROJECTION_BATCH_SIZE": str(batch_size),
    }
    if settings.database_url:
        env["TOEGANG_DATABASE_URL"] = settings.database_url
    return env


def tracked(settings: Settings, name: str) -> tuple[int, int, int]:
    database = ViewDatabase(settings)
    try:
        with database.transaction() as cursor:
            cursor.execute(tables.TRACKING)
            return tables.tracking(cursor, name)
    finally:
        database.close()


def kill_midway(process: subprocess.Popen[str], settings: Settings, name: str, head: int) -> int:
    """SIGKILL the process once its tracked position is strictly between 0 and the head."""
    position = wait_until(
        lambda: 0 < (at := tracked(settings, name)[0]) < head and at, timeout=60, interval=0.005
    )
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    return int(position)


def assert_views_equal_replay(settings: Settings, head: int) -> None:
    log, database = open_event_log(settings), ViewDatabase(settings)
    try:
        stored = AccessProjection(log, database)
        stored.load()
        assert stored.position == head
        assert snapshot(stored.state) == snapshot(replay(settings))
        assert tracked(settings, "access")[2] == count_events(settings, head)
    finally:
        log.close()
        database.close()


def started(cwd: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """The toegang command running in the background, its output dropped."""
    return subprocess.Popen(
        [TOEGANG, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def finished(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The toegang command run to its end (two minutes at the most), its output captured."""
    return subprocess.run(
        [TOEGANG, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_sigkill_during_live_processing_then_restart(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    head = fill_log(fresh_settings)
    env = env_for(fresh_settings, batch_size=2)
    process = started(tmp_path, clean_env(**env), "serve", "projections", "--port", "0")
    killed_at = kill_midway(process, fresh_settings, "access", head)
    assert 0 < tracked(fresh_settings, "access")[0] < head, killed_at
    with serving(tmp_path, "projections", env=env, capture=False) as (url, _):
        wait_until(lambda: tracked(fresh_settings, "access")[0] == head, timeout=60)
        del url
    assert_views_equal_replay(fresh_settings, head)


def test_sigkill_during_rebuild_then_resume(fresh_settings: Settings, tmp_path: Path) -> None:
    head = fill_log(fresh_settings)
    env = clean_env(**env_for(fresh_settings, batch_size=1000))
    built = finished(tmp_path, env, "projections", "rebuild")
    assert built.returncode == 0, built.stderr
    generation = tracked(fresh_settings, "access")[1]
    rebuild = started(tmp_path, env, "projections", "rebuild", "--batch-size", "2")
    kill_midway(rebuild, fresh_settings, "access:rebuild", head)
    assert_views_equal_replay(fresh_settings, head)  # the live views were never touched
    resumed = finished(tmp_path, env, "projections", "rebuild", "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "swapped in" in resumed.stderr
    assert tracked(fresh_settings, "access")[1] == generation + 1
    assert tracked(fresh_settings, "access:rebuild") == (0, 0, 0)
    assert_views_equal_replay(fresh_settings, head)
