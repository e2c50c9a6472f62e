"""View rows: the rows the access state stores, writing changed ones, loading them back."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any
from uuid import UUID

from services.eventlog.database import Cursor
from services.projections import natural_keys
from services.projections.change_rows import forget_untold, load_told, told_row
from services.projections.natural_keys import KeyTable, NaturalKeys
from services.projections.records import ContractRow, GrantRow, UserRow
from services.projections.state import TABLES, AccessState
from services.projections.tables import KEYS, tracking

Row = tuple[Any, ...]
GRANT_COLUMNS = tuple(GrantRow.__dataclass_fields__)
USER_COLUMNS = tuple(UserRow.__dataclass_fields__)


def write_changes(
    cursor: Cursor, prefix: str, state: AccessState, dirty: dict[str, set[Any]]
) -> None:
    """Upsert the rows behind the dirty keys (delete coverage rows that disappeared)."""
    for table in TABLES:
        keys = dirty[table]
        if not keys:
            continue
        rows = [row for row in (view_row(state, table, key) for key in keys) if row is not None]
        if table == "told":
            forget_untold(cursor, prefix, state, keys)
        if table == "coverage":
            gone = [
                dict(zip(KEYS[table], key, strict=True))
                for key in keys
                if key[2] not in state.coverage.get(key[:2], ())
            ]
            cursor.executemany(
                f"DELETE FROM {prefix}coverage WHERE platform = :platform "  # noqa: S608
                "AND organisation = :organisation AND contract = :contract",
                gone,
            )
        cursor.upsert_many(f"{prefix}{table}", KEYS[table], rows)


def _key_row(state: AccessState, key: Any) -> dict[str, Any]:
    return {"aggregate_id": str(key), "natural_key": natural_keys.encode(state.keys[key])}


def _load_key(state: AccessState, row: Row) -> None:
    aggregate_id, natural_key = row
    state.keys[UUID(aggregate_id)] = natural_keys.decode(natural_key)


def _contract_row(state: AccessState, key: Any) -> dict[str, Any]:
    contract = state.contracts[key]
    return {
        "platform": key[0],
        "contract": key[1],
        "holder": contract.holder,
        "covered": json.dumps(list(contract.covered)),
        "name": contract.name,
    }


def _load_contract(state: AccessState, row: Row) -> None:
    platform, contract, holder, covered, name = row
    holder = sys.intern(holder)
    if covered == f'["{holder}"]' and holder.isascii() and '"' not in holder and "\\" not in holder:
        refs: tuple[str, ...] = (holder,)
    else:
        refs = tuple(sys.intern(ref) for ref in json.loads(covered))
    key = (sys.intern(platform), sys.intern(contract))
    state.contracts[key] = ContractRow(holder, refs, name)


def _coverage_row(state: AccessState, key: Any) -> dict[str, Any] | None:
    present = key[2] in state.coverage.get(key[:2], ())
    return dict(zip(KEYS["coverage"], key, strict=True)) if present else None


def _advisor_row(state: AccessState, key: Any) -> dict[str, Any]:
    advisor = state.advisors[key]
    return {
        "platform": key[0],
        "organisation": key[1],
        "licensed": int(advisor["licensed"]),
        "licence": advisor["licence"],
        "changed_at": advisor["changed_at"],
    }


def _load_advisor(state: AccessState, row: Row) -> None:
    platform, organisation, licensed, licence, changed_at = row
    state.advisors[(platform, organisation)] = {
        "licensed": bool(licensed),
        "licence": licence,
        "changed_at": changed_at,
    }


def _user_row(state: AccessState, key: Any) -> dict[str, Any]:
    user = state.users[key]
    row = {column: getattr(user, column) for column in USER_COLUMNS}
    row.update(
        contracts=json.dumps(row["contracts"]),
        is_master=int(row["is_master"]),
        external=int(row["external"]),
    )
    return row


def _load_user(state: AccessState, row: Row) -> None:
    user = UserRow(*row)
    user.contracts = json.loads(str(user.contracts))
    user.is_master, user.external = bool(user.is_master), bool(user.external)
    state.add_user(user)


def _load_agreement(state: AccessState, row: Row) -> None:
    columns = CODECS["agreements"][0]
    state.agreements[(row[0], row[1])] = dict(zip(columns[2:], row[2:], strict=True))


def _set_platform(state: AccessState, row: Row) -> None:
    state.platforms[row[0]] = json.loads(row[1])


def _set_organisation(state: AccessState, row: Row) -> None:
    state.organisations[sys.intern(row[0])] = row[1]


def _add_coverage(state: AccessState, row: Row) -> None:
    platform, organisation, contract = row
    state.cover(platform, organisation, contract, covered=True)


Writer = Callable[[AccessState, Any], "dict[str, Any] | None"]
Loader = Callable[[AccessState, Row], None]
CODECS: dict[str, tuple[tuple[str, ...], Writer, Loader]] = {
    "keys": (("aggregate_id", "natural_key"), _key_row, _load_key),
    "platforms": (
        ("platform", "settings"),
        lambda state, key: {
            "platform": key,
            "settings": json.dumps(state.platforms[key], sort_keys=True),
        },
        _set_platform,
    ),
    "organisations": (
        ("organisation", "name"),
        lambda state, key: {"organisation": key, "name": state.organisations[key]},
        _set_organisation,
    ),
    "contracts": (
        ("platform", "contract", "holder", "covered", "name"),
        _contract_row,
        _load_contract,
    ),
    "coverage": (("platform", "organisation", "contract"), _coverage_row, _add_coverage),
    "advisors": (
        ("platform", "organisation", "licensed", "licence", "changed_at"),
        _advisor_row,
        _load_advisor,
    ),
    "grants": (
        GRANT_COLUMNS,
        lambda state, key: {c: getattr(state.grants[key], c) for c in GRANT_COLUMNS},
        lambda state, row: state.add_grant(GrantRow(*row)),
    ),
    "agreements": (
        (
            "platform",
            "organisation",
            "reference",
            "signed_on",
            "notification_email",
            "master_user_id",
        ),
        lambda state, key: {"platform": key[0], "organisation": key[1], **state.agreements[key]},
        _load_agreement,
    ),
    "users": (USER_COLUMNS, _user_row, _load_user),
    "told": (
        ("row_id", "rights"),
        told_row,
        load_told,
    ),
}


def view_row(state: AccessState, table: str, key: Any) -> dict[str, Any] | None:
    """The row `key` of `table` as the state holds it (None: the row no longer exists)."""
    return CODECS[table][1](state, key)


def load_state(
    cursor: Cursor, prefix: str, name: str, keys: KeyTable | None = None
) -> tuple[AccessState, int]:
    """The state stored in the tables, with its position; and the tracking generation.

    With `keys`, the natural keys stay in that table (looked up when a batch needs them)."""
    state = AccessState(keys=NaturalKeys(keys))
    for table, (columns, _, load) in CODECS.items():
        if table == "keys" and keys is not None:
            continue
        statement = f"SELECT {', '.join(columns)} FROM {prefix}{table}"  # noqa: S608
        for row in cursor.execute(statement).stream():
            load(state, row)
    state.position, generation, _ = tracking(cursor, name)
    return state, generation
