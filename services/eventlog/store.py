"""The event store: eventsourcing environment from settings, and positions of stored events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, JSONTranscoder, Mapper, Transcoding
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.sqlite import SQLiteApplicationRecorder

from services.eventlog import postgres
from services.eventlog.privacy import PrivacyMapper, SealedPaths
from services.eventlog.subject_keys import MemorySubjectKeys, SubjectKeys
from services.settings import Settings


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing persistence settings for SQLite or PostgreSQL."""
    if not settings.uses_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "10",
            "APPLICATION_RECORDER_TOPIC": "services.eventlog.chain:ChainedSQLiteRecorder",
        }
    url = urlsplit(settings.database_url or "")
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
        "POSTGRES_MAX_OVERFLOW": str(settings.postgres_pool_size),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "POSTGRES_PRE_PING": "y",
        "APPLICATION_RECORDER_TOPIC": "services.eventlog.chain:ChainedPostgresRecorder",
        "POSTGRES_ENABLE_DB_FUNCTIONS": "n",  # the chain seals inside the plain insert path
    }


def event_positions(recorder: ApplicationRecorder, originator_id: UUID) -> dict[int, int]:
    """Map each stored version of one aggregate to its position in the notification log."""
    # Both eventsourcing recorders have these; the table name comes from the library.
    datastore: Any = recorder.datastore  # type: ignore[attr-defined]
    table: str = recorder.events_table_name  # type: ignore[attr-defined]
    if isinstance(recorder, SQLiteApplicationRecorder):
        location, placeholder = table, "?"
        key: object = originator_id.hex
        position_column = "rowid"
    else:
        location, placeholder = f'"{datastore.schema}"."{table}"', "%s"
        key = originator_id
        position_column = "notification_id"
    statement = (
        f"SELECT originator_version AS version, {position_column} AS position "  # noqa: S608
        f"FROM {location} WHERE originator_id = {placeholder}"
    )
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, (key,))
        rows = cursor.fetchall()
    return {int(row["version"]): int(row["position"]) for row in rows}


class DateAsISO(Transcoding):
    """Calendar dates (agreement signing, valid_until) in events, as ISO 8601 strings."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def register_transcodings(transcoder: JSONTranscoder) -> None:
    """The transcodings toegang adds to eventsourcing's defaults."""
    transcoder.register(DateAsISO())


class ToegangStore(Application[UUID]):
    """The event store as every toegang process opens it: its transcodings, and personal
    data sealed per data subject (see services.eventlog.privacy)."""

    name = "toegang"
    subject_keys: SubjectKeys
    sealed: ClassVar[SealedPaths] = {}
    """What a writing application seals per data subject (readers need no list)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        postgres.cap_pool_reconnect_delay()
        super().__init__(env)
        datastore = getattr(self.recorder, "datastore", None)
        if isinstance(datastore, PostgresDatastore):
            postgres.purge_on_failed_check(datastore.pool)

    def head_within(self, timeout: float = 1.0) -> int:
        """The log's last position, giving up after `timeout` seconds when the database is
        away (readiness and metrics must answer quickly, whatever the store does)."""
        datastore: Any = getattr(self.recorder, "datastore", None)
        if not isinstance(datastore, PostgresDatastore):
            return self.recorder.max_notification_id() or 0
        table = f'"{datastore.schema}"."{self.recorder.events_table_name}"'  # type: ignore[attr-defined]
        with datastore.pool.connection(timeout=timeout) as connection:
            row = connection.execute(f"SELECT max(notification_id) FROM {table}").fetchone()  # noqa: S608
        return int(next(iter(row.values())) or 0) if row else 0

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def construct_mapper(self) -> Mapper[UUID]:
        module = self.env.get("PERSISTENCE_MODULE", "")
        if "postgres" in module or "sqlite" in module:
            datastore = lambda: self.recorder.datastore  # type: ignore[attr-defined]  # noqa: E731
            self.subject_keys = SubjectKeys(datastore, "postgres" in module)
        else:
            self.subject_keys = MemorySubjectKeys()
        return PrivacyMapper(
            transcoder=self.construct_transcoder(), keys=self.subject_keys, sealed=self.sealed
        )
