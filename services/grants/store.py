"""The event store: eventsourcing environment from settings, and positions of stored events."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, JSONTranscoder, Transcoding

from services.settings import Settings


def eventsourcing_env(settings: Settings) -> dict[str, str]:
    """The eventsourcing persistence settings for SQLite or PostgreSQL."""
    if not settings.uses_postgres:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(settings.sqlite_path),
            "SQLITE_LOCK_TIMEOUT": "10",
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
    }


def event_positions(recorder: ApplicationRecorder, originator_id: UUID) -> dict[int, int]:
    """Map each stored version of one aggregate to its position in the notification log."""
    # Both eventsourcing recorders have these; the table name comes from the library.
    datastore: Any = recorder.datastore  # type: ignore[attr-defined]
    table: str = recorder.events_table_name  # type: ignore[attr-defined]
    if type(recorder).__module__.startswith("eventsourcing.sqlite"):
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
