"""A provider's world written straight into view tables with COPY, for bench.scale.

Employer `n` is registered, has contract `C{n}` covered on the chain platform and one grant
to an advisor: advisor 0 has up to 10,000 clients, the others 1,000 each. One grant in 20 is
revoked, one pending, one expired and one pending past its link's expiry; the last advisor's
licence is withdrawn. One employer in 10 also has an agreement and a user fiche on the
credential platform (one fiche in 5 of those revoked).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import psycopg

from services.eventlog.database import ViewDatabase
from services.projections.tables import SCHEMA, create_tables, drop_tables
from services.settings import Settings
from tests.support import platform_settings

CHAIN, CREDENTIALS = "scale-chain", "scale-credentials"
FIRST_ADVISOR_CLIENTS, ADVISOR_CLIENTS = 10_000, 1_000
FUTURE, PAST = "2027-01-01T12:00:00.250000+00:00", "2026-11-08T12:00:00.250000+00:00"
Row = tuple[Any, ...]


def at(number: int) -> str:
    """A distinct timestamp per employer, as events record them (microseconds, UTC)."""
    hours, rest = divmod(number % 86_400, 3600)
    return f"2026-11-01T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{number % 10**6:06d}+00:00"


def employer(number: int) -> str:
    return f"kvk:{10_000_000 + number:08d}"


def advisor_of(number: int) -> int:
    if number < FIRST_ADVISOR_CLIENTS:
        return 0
    return 1 + (number - FIRST_ADVISOR_CLIENTS) // ADVISOR_CLIENTS


def advisor(index: int) -> str:
    return f"kvk:{90_000_000 + index:08d}"


def grant_id(number: int) -> str:
    return str(UUID(int=(1 << 100) + number))


def user_id(number: int) -> str:
    return str(UUID(int=(5 << 96) + number))


def advisors(employers: int) -> int:
    return advisor_of(employers - 1) + 1


def _key(kind: int, number: int, natural: Any) -> Row:
    return (str(UUID(int=(kind << 96) + number)), json.dumps(natural))


def _grant(number: int) -> Row:
    kind = number % 20
    status = {1: "revoked", 2: "pending", 3: "expired", 4: "pending"}.get(kind, "active")
    confirmed = status in ("active", "revoked")
    return (
        grant_id(number), CHAIN, employer(number), advisor(advisor_of(number)),
        "edit" if number % 3 == 0 else "view", status, "advisor", at(number),
        PAST if kind in (3, 4) else FUTURE,
        at(number) if confirmed else None,
        at(number) if status in ("revoked", "expired") else None,
        {"revoked": "einde opdracht", "expired": "confirmation_expired"}.get(status),
        number + 1,
    )  # fmt: skip


def _employer_rows(number: int) -> Iterator[tuple[str, Row]]:
    ref, contract = employer(number), f"C{number}"
    yield "organisations", (ref, f"Werkgever {number}")
    yield "contracts", (CHAIN, contract, ref, json.dumps([ref]), "Pensioen")
    yield "coverage", (CHAIN, ref, contract)
    yield "grants", _grant(number)
    yield "keys", _key(1, number, ref)
    yield "keys", _key(2, number, [CHAIN, contract])
    yield "keys", _key(3, number, [CHAIN, ref])
    yield "keys", (grant_id(number), json.dumps(grant_id(number)))
    if number % 10 == 0:
        yield from _credential_rows(number, ref)


def _credential_rows(number: int, ref: str) -> Iterator[tuple[str, Row]]:
    user = user_id(number)
    revoked = number % 50 == 0
    yield "agreements", (CREDENTIALS, ref, f"OV-{number}", "2026-01-01", "hr@example.org", user)
    yield "users", (
        user, CREDENTIALS, ref, f"login{number}", f"OV-{number}", 1, "Naam", "n@example.org",
        "edit", '"all"', 0, None, None, "revoked" if revoked else "active",
        "user_revoked" if revoked else None, at(number), at(number) if revoked else None,
        at(number), at(number), number + 1,
    )  # fmt: skip
    yield "keys", _key(4, number, [CREDENTIALS, ref])
    yield "keys", (user, json.dumps(user))


def _world_rows(employers: int) -> Iterator[tuple[str, Row]]:
    chain = platform_settings(chain="requires_grant")
    credentials = {**chain, "login": ["credentials"], "chain_authorisation": "not_accepted"}
    for slug, settings in ((CHAIN, chain), (CREDENTIALS, credentials)):
        yield "platforms", (slug, json.dumps(settings, sort_keys=True))
    last = advisors(employers) - 1
    for index in range(last + 1):
        licensed = index != last or last == 0
        yield "organisations", (advisor(index), f"Adviseur {index}")
        yield "advisors", (CHAIN, advisor(index), int(licensed), "AFM-1", at(index))
    for number in range(employers):
        yield from _employer_rows(number)


def build(url: str, prefix: str, employers: int) -> None:
    """Create the tables under `prefix` and fill them with `employers` employers."""
    views = ViewDatabase(Settings(database_url=url))
    with views.transaction() as cursor:
        drop_tables(cursor, prefix)
        create_tables(cursor, prefix)
    views.close()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        buffered: dict[str, list[Row]] = {table: [] for table in SCHEMA}
        for table, row in _world_rows(employers):
            buffered[table].append(row)
            if len(buffered[table]) >= 50_000:
                _copy(cursor, prefix, table, buffered[table])
        for table, rows in buffered.items():
            _copy(cursor, prefix, table, rows)
        cursor.execute("ANALYZE")


def _copy(cursor: psycopg.Cursor[Any], prefix: str, table: str, rows: list[Row]) -> None:
    with cursor.copy(f"COPY {prefix}{table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    rows.clear()


def drop(url: str, prefix: str) -> None:
    views = ViewDatabase(Settings(database_url=url))
    with views.transaction() as cursor:
        drop_tables(cursor, prefix)
    views.close()
