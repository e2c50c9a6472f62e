"""The keys of data subjects (crypto-shredding): one AES-256 key per person, beside the log.

A destroyed key leaves its row with the erasure time, so nothing can be sealed for that
person again. Keys are read from the database on every use (or once per decoded batch):
another process may destroy one at any moment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.grants.domain.base import DomainError


class SubjectErased(DomainError):
    code = "subject_erased"


class SubjectKeys:
    """The keys of data subjects, in the event store's database (SQLite or PostgreSQL)."""

    def __init__(self, datastore: Callable[[], Any], postgres: bool) -> None:
        self._datastore, self._postgres = datastore, postgres
        self._erased_subjects: set[str] = set()  # a destroyed key never comes back
        self._local = threading.local()
        self._lock = threading.Lock()
        self._created = False

    def key_for_sealing(self, subject: str) -> bytes:
        """The subject's key, created on first use; refused once the subject was forgotten."""
        key = self.key(subject)
        if key is None and self._erased(subject):
            raise SubjectErased("this person's data was erased; nothing is recorded for them")
        if key is None:
            new = AESGCM.generate_key(bit_length=256).hex()
            self._execute(
                "INSERT INTO subject_keys (subject, key, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (subject) DO NOTHING",
                (subject, new, _now()),
            )
            key = self.key(subject)
        if key is None:
            raise SubjectErased("this person's data was erased; nothing is recorded for them")
        return key

    def key(self, subject: str) -> bytes | None:
        """The subject's key, or None when there is none (never created, or destroyed)."""
        # Read every time (a primary-key lookup), or once per decoded batch: another process
        # may destroy it any moment.
        if subject in self._erased_subjects:
            return None
        batch: dict[str, bytes | None] | None = getattr(self._local, "batch", None)
        if batch is not None and subject in batch:
            return batch[subject]
        rows = self._execute("SELECT key FROM subject_keys WHERE subject = ?", (subject,))
        if rows and rows[0][0] is None:
            self._erased_subjects.add(subject)
        return bytes.fromhex(rows[0][0]) if rows and rows[0][0] else None

    @contextmanager
    def prefetched(self, subjects: set[str]) -> Iterator[None]:
        """Read the keys of `subjects` in one query for the duration of the block (a batch
        of events being decoded, in this thread)."""
        if not subjects:
            yield
            return
        marks = ", ".join("?" * len(subjects))
        rows = self._execute(
            f"SELECT subject, key FROM subject_keys WHERE subject IN ({marks})",  # noqa: S608
            tuple(subjects),
        )
        found = {subject: bytes.fromhex(key) if key else None for subject, key in rows}
        self._local.batch = {subject: found.get(subject) for subject in subjects}
        try:
            yield
        finally:
            self._local.batch = None

    def forget(self, subject: str) -> None:
        """Destroy the subject's key for good (and refuse new data for them)."""
        self._execute(
            "INSERT INTO subject_keys (subject, key, created_at, erased_at) VALUES (?, NULL, ?, ?) "
            "ON CONFLICT (subject) DO UPDATE SET key = NULL, erased_at = excluded.erased_at",
            (subject, _now(), _now()),
        )
        self._erased_subjects.add(subject)

    def _erased(self, subject: str) -> bool:
        rows = self._execute("SELECT erased_at FROM subject_keys WHERE subject = ?", (subject,))
        return bool(rows and rows[0][0])

    def _execute(self, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if not self._created:
            self._create_table()
        reading = statement.startswith("SELECT")
        if self._postgres:
            statement = statement.replace("?", "%s")
        with self._datastore().transaction(commit=not reading) as cursor:
            cursor.execute(statement, params)
            rows = cursor.fetchall() if reading else []
        return [tuple(row.values()) if isinstance(row, dict) else tuple(row) for row in rows]

    def _create_table(self) -> None:
        for attempt in range(3):
            try:
                with self._lock, self._datastore().transaction(commit=True) as cursor:
                    cursor.execute(
                        "CREATE TABLE IF NOT EXISTS subject_keys (subject TEXT PRIMARY KEY, "
                        "key TEXT, created_at TEXT NOT NULL, erased_at TEXT)"
                    )
                self._created = True
                return
            except Exception:  # PostgreSQL: two processes creating it at once; one wins
                if attempt == 2:
                    raise
                time.sleep(0.1)


class MemorySubjectKeys(SubjectKeys):
    """Subject keys of an in-memory store (fast domain tests): a dict instead of a table."""

    def __init__(self) -> None:
        super().__init__(lambda: None, postgres=False)
        self._rows: dict[str, tuple[str | None, str | None]] = {}

    def _execute(self, statement: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if statement.startswith("SELECT subject, key"):
            return [(s, self._rows[s][0]) for s in params if s in self._rows]
        subject = params[0]
        if statement.startswith("SELECT key"):
            row = self._rows.get(subject)
            return [(row[0],)] if row else []
        if statement.startswith("SELECT erased_at"):
            row = self._rows.get(subject)
            return [(row[1],)] if row else []
        if "DO NOTHING" in statement:
            self._rows.setdefault(subject, (params[1], None))
        else:
            self._rows[subject] = (None, params[2])
        return []


def _now() -> str:
    return datetime.now(UTC).isoformat()
