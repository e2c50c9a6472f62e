"""A private PostgreSQL 15 cluster the fault tests may stop, restart and kill.

The shared server on 127.0.0.1:5432 serves other runs and is never touched: this cluster has a
data directory in a temp dir of its own, listens on 127.0.0.1 on a free port only, and keeps
its unix socket in that temp dir. `initdb` and `pg_ctl` refuse to run as root, so as root they
run as the `postgres` system user (the temp dir is handed to that user).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from tests.support import free_port

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}
COMMAND_TIMEOUT = 60.0  # seconds any one initdb or pg_ctl run may take


class PrivatePostgres:
    """One throwaway PostgreSQL cluster: `start()`, `stop()`, `restart()`, `kill()`, `close()`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="toegang-pg-"))
        self.data = self.root / "data"
        self.logfile = self.root / "postgres.log"
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._initialised = False

    @property
    def url(self) -> str:
        """The `postgres` database, as the superuser `postgres` (trust auth)."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        """A database of this cluster as a URL the service understands."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> float:
        """Start the cluster (initialising it the first time); answer the monotonic time it
        accepted connections (polled every 10 ms, finer than `pg_ctl -w`)."""
        if not self._initialised:
            self._initdb()
        self._pg_ctl("start", "-l", str(self.logfile), wait=False)
        return self.wait_ready()

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster (`pg_ctl stop -m smart|fast|immediate`) and wait until it is down."""
        self._pg_ctl("stop", "-m", mode)

    def restart(self, mode: str = "fast", wait: bool = True) -> float:
        """`pg_ctl restart -m <mode>`; answers the monotonic time it accepted connections again
        (without `wait`, 0.0 as soon as the old server is down: see `wait_accepting`)."""
        self._pg_ctl("restart", "-m", mode, "-l", str(self.logfile), wait=False)
        return self.wait_ready() if wait else 0.0

    def wait_accepting(self, timeout: float = 30.0) -> float:
        """The monotonic time the postmaster declares itself ready in `postmaster.pid` (polled
        every millisecond; `pg_ctl -w` reads the same line every 100 ms)."""
        deadline = time.monotonic() + timeout
        while self._status() != "ready":
            if time.monotonic() > deadline:
                raise AssertionError(f"PostgreSQL not ready within {timeout} s:\n{self.log_tail()}")
            time.sleep(0.001)
        return time.monotonic()

    def kill(self) -> None:
        """SIGKILL the postmaster (a crash, not a shutdown) and wait until its backends are gone."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        backends = _children(pid)
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + COMMAND_TIMEOUT
        while any(_alive(process) for process in (pid, *backends)):
            assert time.monotonic() < deadline, "PostgreSQL backends outlived the postmaster"
            time.sleep(0.05)
        # An unreaped zombie still "exists" for the next postmaster's lock-file check.
        (self.data / "postmaster.pid").unlink(missing_ok=True)
        (self.root / f".s.PGSQL.{self.port}.lock").unlink(missing_ok=True)

    def is_ready(self) -> bool:
        """Whether a new connection succeeds and answers `SELECT 1`."""
        try:
            with psycopg.connect(self.url, connect_timeout=2, autocommit=True) as connection:
                return connection.execute("SELECT 1").fetchone() == (1,)
        except psycopg.Error:
            return False

    def wait_ready(self, timeout: float = 30.0, interval: float = 0.01) -> float:
        """Poll `is_ready()` every `interval` s; answer the monotonic time it first succeeded."""
        deadline = time.monotonic() + timeout
        while not self.is_ready():
            if time.monotonic() > deadline:
                raise AssertionError(f"PostgreSQL not ready within {timeout} s:\n{self.log_tail()}")
            time.sleep(interval)
        return time.monotonic()

    def ensure_running(self) -> None:
        """Start the cluster if an earlier (failed) test left it stopped or killed."""
        if not self.is_ready():
            if self.postmaster_pid() is not None:
                self.stop("immediate")
            self.start()

    def postmaster_pid(self) -> int | None:
        """The running postmaster's pid, from `postmaster.pid` (None when it is down)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None
        return pid if _alive(pid) else None

    def _status(self) -> str | None:
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
        except OSError:
            return None
        return lines[7].strip() if len(lines) > 7 else None

    def log_tail(self, lines: int = 20) -> str:
        """The last lines of the server log, for failure messages."""
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def close(self) -> None:
        """Stop the cluster however it is and remove its directory; safe to call twice."""
        try:
            if self.postmaster_pid() is not None:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def _initdb(self) -> None:
        self._run(
            ["initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"],
            "--no-sync",
            "--no-instructions",
        )
        settings = {**SETTINGS, "port": str(self.port), "unix_socket_directories": f"'{self.root}'"}
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        self._initialised = True

    def _pg_ctl(self, action: str, *options: str, wait: bool = True) -> None:
        timing = ["-w", "-t", str(int(COMMAND_TIMEOUT))] if wait else ["-W"]
        self._run(["pg_ctl", action, "-D", str(self.data), *timing, *options])

    def _run(self, command: list[str], *more: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [*prefix, *command, *more],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT + 10,
            check=False,
            cwd=self.root,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}): {done.stdout}{done.stderr}\n"
                f"{self.log_tail()}"
            )


def _children(parent: int) -> list[int]:
    """The pids whose parent is `parent` (the postmaster's backends and workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie nobody reaped does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@contextmanager
def private_postgres_cluster() -> Iterator[PrivatePostgres]:
    """A started private cluster for the duration of the block; always stopped and removed."""
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()


@contextmanager
def fresh_database(cluster: PrivatePostgres) -> Iterator[str]:
    """A new database on the cluster for the block (dropped afterwards); yields its URL."""
    name = f"toegang_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(cluster.url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield cluster.database_url(name)
    finally:
        cluster.ensure_running()
        with psycopg.connect(cluster.url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
