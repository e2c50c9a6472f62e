"""Bad input before anything else: authentication before parsing, a body limit on the bytes
received, uncaught exceptions as JSON lines, lost view databases as 503 with Retry-After."""

from __future__ import annotations

import json
import logging
import select
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import psycopg
import pytest
from fastapi import FastAPI

from services.bootstrap import create_app
from services.bootstrap.app import REFUSALS
from services.http.problem_handlers import install_problem_handlers
from services.logs import configure_logging
from services.settings import Settings
from tests import client as api
from tests.support import TOKENS, ServerThread, platform_settings, random_slug

MALFORMED = b'{"actor": {"method": '
CHUNK, MEBIBYTE = 64 * 1024, 1024 * 1024
GUARDED = [  # (method, path, a token with another scope)
    ("PUT", "/v1/platforms/p1", "reader-token"),
    ("POST", "/v1/platforms/p1/grants", "admin-token"),
    ("PATCH", "/v1/grants/g1", "reader-token"),
    ("POST", "/v1/platforms/p1/access/check", "writer-token"),
    ("POST", "/v1/platforms/p1/organisations/kvk:12345678/users", "admin-token"),
    ("GET", "/v1/audit/history?from=notadate", "reader-token"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    data_dir = tmp_path_factory.mktemp("bad-input")
    settings = Settings(data_dir=data_dir, database_url=None, min_position_wait=0.1)
    with ServerThread(create_app(settings, TOKENS)) as running:
        yield running


@pytest.fixture
def http(server: ServerThread) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


@pytest.mark.parametrize(("method", "path", "other"), GUARDED)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic abc"])
def test_no_valid_token_and_a_malformed_body_is_401(
    http: httpx.Client, method: str, path: str, other: str, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/json", "Accept-Language": "en"}
    if authorization:
        headers["Authorization"] = authorization
    answer = http.request(method, path, content=MALFORMED, headers=headers)
    api.problem(answer, 401, "unauthenticated", echoes_status=False, described=False)
    assert answer.headers["www-authenticate"] == "Bearer"
    assert answer.headers["content-language"] == "en"


@pytest.mark.parametrize(
    "path",
    [
        "/v1/audit/history?from=notadate",
        "/v1/audit/access?at=notadate",
        "/v1/platforms/p1/organisations/o1/grants?min_position=-1",
        "/v1/platforms/p1/organisations/o1/users",  # the required `actor` is missing
    ],
)
def test_no_token_and_a_bad_query_is_401(http: httpx.Client, path: str) -> None:
    answer = http.get(path, headers={"Accept-Language": "fr"})
    api.problem(answer, 401, "unauthenticated", echoes_status=False, described=False)
    assert answer.headers["content-language"] == "fr"


@pytest.mark.parametrize(("method", "path", "other"), GUARDED)
def test_a_token_without_the_scope_and_a_malformed_body_is_403(
    http: httpx.Client, method: str, path: str, other: str
) -> None:
    answer = http.request(
        method, path, content=MALFORMED, headers=api.bearer(other, "application/json")
    )
    api.problem(answer, 403, "insufficient_scope", echoes_status=False, described=False)


def test_the_right_token_and_a_malformed_body_is_still_422(http: httpx.Client) -> None:
    headers = api.bearer("reader-token", "application/json")
    answer = http.post("/v1/platforms/p1/access/check", content=MALFORMED, headers=headers)
    api.problem(answer, 422, "invalid_request", echoes_status=False, described=False)
    answer = http.get(
        "/v1/audit/history?from=notadate", headers=api.bearer("auditor-token", "application/json")
    )
    api.problem(answer, 422, "invalid_request", echoes_status=False, described=False)


def test_open_endpoints_stay_open(http: httpx.Client) -> None:
    assert http.get("/healthz").status_code == 200
    assert http.get("/openapi.json").status_code == 200
    assert http.get("/confirm", params={"token": "x" * 43}).status_code != 401


def send_chunked(port: int, path: str, token: str) -> tuple[int, bytes]:
    """POST 1 MiB in 64 KiB chunks, pausing for an answer after each; (bytes sent, answer)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        )
        sent = 0
        while sent < MEBIBYTE and not select.select([conn], [], [], 0.25)[0]:
            try:
                conn.sendall(b"%x\r\n%s\r\n" % (CHUNK, b" " * CHUNK))
            except OSError:  # the server has closed: its answer is waiting
                break
            sent += CHUNK
        if sent >= MEBIBYTE:
            conn.sendall(b"0\r\n\r\n")
        return sent, read_answer(conn)


def read_answer(conn: socket.socket) -> bytes:
    answer = b""
    try:
        while chunk := conn.recv(65536):
            answer += chunk
    except ConnectionResetError:  # the unread rest of the request makes the close a reset
        pass
    return answer


def test_a_chunked_megabyte_is_413_before_it_is_all_read(server: ServerThread) -> None:
    sent, answer = send_chunked(server.port, "/v1/platforms/p1/access/check", "reader-token")
    assert sent <= 4 * CHUNK, f"the client had sent {sent} bytes before the answer"
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"connection: close" in head.lower()
    assert json.loads(body)["code"] == "payload_too_large"


def test_a_small_chunked_body_is_accepted(http: httpx.Client) -> None:
    document = json.dumps(platform_settings()).encode()

    def pieces() -> Iterator[bytes]:
        yield document[:20]
        yield document[20:]

    slug = random_slug()
    answer = http.put(
        f"/v1/platforms/{slug}",
        content=pieces(),
        headers=api.bearer("admin-token", "application/json"),
    )
    assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 200, answer.text
    assert answer.json()["platform"] == slug


def test_a_position_no_write_gave_is_refused_naming_it(http: httpx.Client) -> None:
    path = f"/v1/platforms/p1/organisations/kvk:12345678/grants?min_position={10**12}"
    answer = http.get(path, headers=api.bearer("reader-token", "application/json"))
    body = api.problem(answer, 422, "invalid_request", echoes_status=False, described=False)
    assert body["errors"][0]["location"] == ["query", "min_position"]


def test_a_lost_view_database_is_503_store_unavailable() -> None:
    app = FastAPI()
    install_problem_handlers(app, REFUSALS)

    @app.get("/lost")
    async def lost() -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    with ServerThread(app) as running:
        answer = httpx.get(running.url + "/lost", timeout=30)
    api.problem(answer, 503, "store_unavailable", echoes_status=False, described=False)
    assert answer.headers["retry-after"] == "1"


@pytest.fixture
def logging_restored(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Undo what configure_logging changes: root handlers, level, uvicorn, the hooks."""
    root, loggers = logging.getLogger(), ("uvicorn", "uvicorn.error", "uvicorn.access")
    saved = root.handlers[:], root.level
    states = [(logging.getLogger(n), logging.getLogger(n).__dict__.copy()) for n in loggers]
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    yield
    root.handlers[:], root.level = saved
    for logger, state in states:
        logger.__dict__.update(state)


def single_json_line(err: str) -> dict[str, str]:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    entry: dict[str, str] = json.loads(lines[0])
    return entry


@pytest.mark.usefixtures("logging_restored")
def test_an_exception_nothing_caught_in_a_thread_is_one_json_line(
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_logging()

    def fail() -> None:
        raise RuntimeError("worker gave up")

    worker = threading.Thread(target=fail, name="worker-7")
    worker.start()
    worker.join()
    entry = single_json_line(capfd.readouterr().err)
    assert entry["logger"] == "toegang"
    assert entry["level"] == "critical"
    assert entry["thread_name"] == "worker-7"
    assert entry["exception_class"] == "builtins.RuntimeError"
    assert "Traceback" in entry["exception"]
    assert "RuntimeError: worker gave up" in entry["exception"]


def test_an_exception_nothing_caught_in_the_main_thread_is_one_json_line() -> None:
    script = "from services.logs import configure_logging\nconfigure_logging()\n1 / 0\n"
    ended = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert ended.returncode == 1
    entry = single_json_line(ended.stderr)
    assert entry["thread_name"] == "MainThread"
    assert entry["exception_class"] == "builtins.ZeroDivisionError"
    assert "ZeroDivisionError: division by zero" in entry["exception"]
