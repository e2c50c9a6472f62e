"""The `toegang` command: first start, tokens, bad settings, demo."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.e2e.cli import run, serving


def test_first_start_prints_an_admin_token_once_and_it_works(tmp_path: Path) -> None:
    with serving(tmp_path) as (url, process):
        token = (tmp_path / "var" / "admin-token").read_text().strip()
        answer = httpx.put(
            f"{url}/v1/organisations/kvk:12345678",
            json={"name": "Bakkerij", "contact_email": "hr@bakkerij.example"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200
        assert (tmp_path / "var" / "toegang.sqlite").exists()
        process.terminate()
        first_output = process.communicate(timeout=15)[0]
    assert token in first_output
    assert (tmp_path / "var" / "admin-token").stat().st_mode & 0o077 == 0
    with serving(tmp_path) as (_, process):
        process.terminate()
        second_output = process.communicate(timeout=15)[0]
    assert token not in second_output


def test_invalid_settings_stop_start_up_with_a_clear_message(tmp_path: Path) -> None:
    result = run(["serve"], tmp_path, TOEGANG_DATABASE_URL="mysql://x", TOEGANG_CONFIRM_URL="x")
    assert result.returncode == 2
    assert "TOEGANG_DATABASE_URL" in result.stderr and "TOEGANG_CONFIRM_URL" in result.stderr
    assert "Traceback" not in result.stderr
    bad_json = run(["serve"], tmp_path, TOEGANG_API_TOKENS="{not json")
    assert bad_json.returncode == 2 and "TOEGANG_API_TOKENS" in bad_json.stderr
    assert "Traceback" not in bad_json.stderr


def test_distributed_role_refuses_without_configured_tokens(tmp_path: Path) -> None:
    result = run(["serve", "grants"], tmp_path)
    assert result.returncode == 2 and "TOEGANG_API_TOKENS" in result.stderr
    assert not (tmp_path / "var" / "admin-token").exists()


def test_demo_loads_idempotently_and_prints_curl_lines(tmp_path: Path) -> None:
    first = run(["demo"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert "curl" in first.stdout and (tmp_path / "var" / "admin-token").read_text().strip() in (
        first.stdout
    )
    again = run(["demo"], tmp_path)
    assert again.returncode == 0, again.stderr
    with serving(tmp_path) as (url, _):
        token = (tmp_path / "var" / "admin-token").read_text().strip()
        grant = httpx.get(
            f"{url}/v1/grants/00000000-0000-0000-0000-000000000000",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert grant.status_code == 404
        assert httpx.get(f"{url}/readyz").json()["checks"]["store"]["position"] > 0


def test_projections_rebuild_and_status(tmp_path: Path) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    rebuilt = run(["projections", "rebuild"], tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "events/s" in rebuilt.stderr and "swapped in" in rebuilt.stderr
    status = run(["projections", "status"], tmp_path)
    assert status.returncode == 0, status.stderr
    row = next(line for line in status.stdout.splitlines() if " access " in line)
    cells = [cell.strip() for cell in row.strip("│┃ ").split("│")]
    position, lag = int(cells[1]), int(cells[2])
    assert position > 0 and lag == 0


def test_logs_are_json_with_request_id_and_position_and_no_personal_data(
    tmp_path: Path,
) -> None:
    assert run(["demo"], tmp_path).returncode == 0
    token = (tmp_path / "var" / "admin-token").read_text().strip()
    secret = "0" * 32 + ".secret-token-value-secret-token-value-secre"
    with serving(tmp_path) as (url, process):
        answer = httpx.put(
            f"{url}/v1/organisations/kvk:11112222",
            json={"name": "Jan Jansen", "contact_email": "jan@jansen.example"},
            headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"},
        )
        assert answer.status_code == 200
        httpx.get(f"{url}/confirm", params={"token": secret})
        process.terminate()
        output = process.communicate(timeout=15)[0]
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines, output
    recorded = [line for line in lines if line.get("logger") == "toegang.commands"]
    assert recorded[-1]["request_id"] == "req-42"
    assert recorded[-1]["position"] == answer.json()["position"]
    assert any(line.get("logger") == "toegang.access" for line in lines)
    assert "jan@jansen.example" not in output
    assert "Jan Jansen" not in output
    assert secret not in output
