"""`toegang projections status|rebuild` over both views on both stores, a quiet and truthful
first start, and what `toegang demo` tells a new user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from services.eventlog.database import ViewDatabase
from services.projections import tables
from services.settings import Settings
from tests.e2e.cli import run, serving


def store_env(settings: Settings) -> dict[str, str]:
    env = {"TOEGANG_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["TOEGANG_DATABASE_URL"] = settings.database_url
    return env


def status_rows(settings: Settings) -> dict[str, list[str]]:
    done = run(["projections", "status"], settings.data_dir, **store_env(settings))
    assert done.returncode == 0, done.stderr
    rows = [line.strip("│┃ ").split("│") for line in done.stdout.splitlines() if "│" in line]
    return {cells[0].strip(): [cell.strip() for cell in cells[1:]] for cells in rows}


def test_status_and_rebuild_cover_access_and_audit(fresh_settings: Settings) -> None:
    env = store_env(fresh_settings)
    assert run(["demo"], fresh_settings.data_dir, **env).returncode == 0
    before = status_rows(fresh_settings)
    assert set(before) == {"access", "audit"}, before
    assert before["access"][0] == "0" and "not built yet" in before["access"][4]
    for view, says in (("audit", "in place"), ("access", "and swapped in")):
        done = run(["projections", "rebuild", view], fresh_settings.data_dir, **env)
        assert done.returncode == 0, done.stderr
        assert f"{view}: rebuilt to position" in done.stderr and says in done.stderr
    after = status_rows(fresh_settings)
    head = int(after["access"][0]) + int(after["access"][1])
    for view in ("access", "audit"):
        position, lag, applied = (int(cell) for cell in after[view][:3])
        assert position == head > 0 and lag == 0 and applied == head, after
    again = run(["projections", "rebuild", "audit"], fresh_settings.data_dir, **env)
    assert again.returncode == 0 and status_rows(fresh_settings)["audit"][:2] == [str(head), "0"]


def test_audit_queries_answer_after_an_audit_rebuild(tmp_path: Path) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    assert run(["projections", "rebuild", "audit"], tmp_path).returncode == 0
    done = run(["audit", "history", "--organisation", "kvk:12345678", "--format", "json"], tmp_path)
    assert done.returncode == 0 and '"OrganisationRegistered"' in done.stdout, done.stderr


def first_start_output(cwd: Path) -> str:
    with serving(cwd) as (_, process):
        process.terminate()
        return process.communicate(timeout=15)[0]


def test_a_first_start_on_an_empty_store_drops_nothing_and_says_nothing_of_it(
    tmp_path: Path,
) -> None:
    output = first_start_output(tmp_path)
    assert "Admin token for var" in output
    assert "dropped" not in output and "another version" not in output, output


def test_views_of_another_version_are_rebuilt_from_the_log_and_said_so(tmp_path: Path) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    first_start_output(tmp_path)
    with sqlite3.connect(tmp_path / "var" / "toegang.sqlite") as store:
        store.execute("UPDATE view_tracking SET version = 'access-0'")
        store.execute("UPDATE audit_tracking SET version = 'audit-0'")
    output = first_start_output(tmp_path)
    assert "dropped" not in output, output
    for view in ("access views", "audit view"):
        assert (
            f"{view} of another version found; rebuilding" in output
            and "the event log (the log itself is untouched)" in output
        ), output


def test_demo_says_what_it_loaded_and_where_mail_goes(tmp_path: Path) -> None:
    done = run(["demo"], tmp_path)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    for loaded in (
        "befrank-werkgeversportaal",
        "ethias-connect",
        "Van Dijk Pensioenadvies",
        "PC-1001",
        "G-2024-002",
        "advisor: kvk:87654321",
        "grants: the demo makes",
    ):
        assert loaded in done.stdout, done.stdout  # fmt: skip
    assert "curl -s -X POST http://127.0.0.1:8000/v1/platforms/" in done.stdout
    assert "is written to var/outbox/" in done.stdout and "SMTP" not in done.stdout
    assert not any(line.startswith("{") for line in done.stdout.splitlines())
    smtp = run(["demo"], tmp_path, TOEGANG_SMTP_URL="smtp://user:pw@mail.example:2525")
    assert smtp.returncode == 0 and smtp.stderr == "", smtp.stderr
    assert "goes to the SMTP server mail.example:2525." in smtp.stdout
    assert "outbox" not in smtp.stdout and "pw" not in smtp.stdout.replace("pwd", "")


def test_only_tables_of_another_layout_are_dropped(fresh_settings: Settings) -> None:
    database = ViewDatabase(fresh_settings)
    try:
        with database.transaction() as cursor:
            assert not tables.drop_if_outdated(cursor)  # an empty store: nothing to drop
            tables.create_tables(cursor, "view_")
            assert not tables.drop_if_outdated(cursor)  # current tables, no rows yet
            cursor.execute("DROP TABLE view_tracking")
            cursor.execute("CREATE TABLE view_tracking (name TEXT PRIMARY KEY)")
            assert tables.drop_if_outdated(cursor)  # an older tracking layout
            assert cursor.fetch_if_present("SELECT 1 FROM view_grants") is None
    finally:
        database.close()
