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


class SubjectErased(Exception):
    """Nothing can be sealed for a forgotten subject (the API answers `subject_erased`)."""

    code = "subject_erased"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


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
        row = self._read({subject}).get(subject)
        if row is None:
            self._insert(subject, AESGCM.generate_key(bit_length=256).hex())
            row = self._read({subject}).get(subject)
        if row is None or row[0] is None:
            raise SubjectErased("this person's data was erased; nothing is recorded for them")
        return bytes.fromhex(row[0])

    def key(self, subject: str) -> bytes | None:
        """The subject's key, or None when there is none (never created, or destroyed)."""
        # Read every time (a primary-key lookup), or once per decoded batch: another process
        # may destroy it any moment.
        if subject in self._erased_subjects:
            return None
        batch: dict[str, bytes | None] | None = getattr(self._local, "batch", None)
        if batch is not None and subject in batch:
            return batch[subject]
        return self._keys({subject})[subject]

    @contextmanager
    def prefetched(self, subjects: set[str]) -> Iterator[None]:
        """Read the keys of `subjects` in one query for the duration of the block (a batch
        of events being decoded, in this thread)."""
        self._local.batch = self._keys(subjects) if subjects else {}
        try:
            yield
        finally:
            self._local.batch = None

    def forget(self, subject: str) -> None:
        """Destroy the subject's key for good (and refuse new data for them)."""
        self._erase(subject)
        self._erased_subjects.add(subject)

    def _keys(self, subjects: set[str]) -> dict[str, bytes | None]:
        rows = self._read(subjects)
        self._erased_subjects.update(s for s, (_, erased) in rows.items() if erased)
        return {s: _key(rows.get(s)) for s in subjects}

    # Storage: the `subject_keys` table (overridden by MemorySubjectKeys).

    def _read(self, subjects: set[str]) -> dict[str, tuple[str | None, str | None]]:
        """(key as hex or None, erased_at or None) of each subject that has a row."""
        marks = ", ".join("?" * len(subjects))
        rows = self._execute(
            f"SELECT subject, key, erased_at FROM subject_keys WHERE subject IN ({marks})",  # noqa: S608
            tuple(subjects),
        )
        return {subject: (key, erased) for subject, key, erased in rows}

    def _insert(self, subject: str, key: str) -> None:
        self._execute(
            "INSERT INTO subject_keys (subject, key, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (subject) DO NOTHING",
            (subject, key, _now()),
        )

    def _erase(self, subject: str) -> None:
        self._execute(
            "INSERT INTO subject_keys (subject, key, created_at, erased_at) VALUES (?, NULL, ?, ?) "
            "ON CONFLICT (subject) DO UPDATE SET key = NULL, erased_at = excluded.erased_at",
            (subject, _now(), _now()),
        )

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

    def _read(self, subjects: set[str]) -> dict[str, tuple[str | None, str | None]]:
        return {s: self._rows[s] for s in subjects if s in self._rows}

    def _insert(self, subject: str, key: str) -> None:
        self._rows.setdefault(subject, (key, None))

    def _erase(self, subject: str) -> None:
        self._rows[subject] = (None, _now())


def _key(row: tuple[str | None, str | None] | None) -> bytes | None:
    return bytes.fromhex(row[0]) if row and row[0] else None


def _now() -> str:
    return datetime.now(UTC).isoformat()
