"""The access state: what the log says about platforms, coverage, advisors and grants.

Events are applied here, in memory; the runner then writes the rows that changed (and its
position) to the view tables in one transaction. Queries read this state, never the database.
"""

from __future__ import annotations

import logging
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from services.projections.changes import AccessChange, holders_of, tell
from services.projections.credential_handlers import CREDENTIAL_HANDLERS
from services.projections.handlers import ACCESS_HANDLERS
from services.projections.natural_keys import NaturalKeys
from services.projections.records import ContractRow, GrantRow, UserRow

log = logging.getLogger("toegang.projections")
HANDLERS = {**ACCESS_HANDLERS.by_class, **CREDENTIAL_HANDLERS.by_class}

TABLES = (
    "keys",
    "platforms",
    "organisations",
    "contracts",
    "coverage",
    "advisors",
    "grants",
    "agreements",
    "users",
    "told",
)


Ids = str | set[str]
"""An index entry: most organisations have one grant, so one id; a set from the second on."""
ByGrantor = str | dict[str, str]
"""A grantor's grants: one id, or from the second on its grantees' ids by grantee."""


@dataclass
class AccessState:
    """Everything the access views hold, with the indexes the queries need."""

    platforms: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    contracts: dict[tuple[str, str], ContractRow] = field(default_factory=dict)
    coverage: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    advisors: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    grants: dict[str, GrantRow] = field(default_factory=dict)
    by_grantee: dict[tuple[str, str], Ids] = field(default_factory=dict)
    by_grantor: dict[tuple[str, str], ByGrantor] = field(default_factory=dict)
    agreements: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    users: dict[str, UserRow] = field(default_factory=dict)
    users_of: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    keys: NaturalKeys = field(default_factory=NaturalKeys)
    told: dict[str, str] = field(default_factory=dict)
    """The rights last told per grant or user id (no entry: none); keyed by the row's own id
    string, so an entry costs its slot only."""
    changes: list[AccessChange] = field(default_factory=list)
    """The access changes since the runner last took them (it writes them with the rows)."""
    position: int = 0
    dirty: dict[str, set[Any]] = field(default_factory=lambda: {t: set() for t in TABLES})

    def add_grant(self, row: GrantRow) -> None:
        """Index a grant row (when it is created or loaded)."""
        self.grants[row.grant_id] = row
        grantee = (row.platform, row.grantee)
        ids = self.by_grantee.get(grantee)
        if ids is None:
            self.by_grantee[grantee] = row.grant_id
        elif isinstance(ids, str):
            self.by_grantee[grantee] = {ids, row.grant_id}
        else:
            ids.add(row.grant_id)
        grantor = (row.platform, row.grantor)
        given = self.by_grantor.get(grantor)
        if given is None:
            self.by_grantor[grantor] = row.grant_id
        elif isinstance(given, str):
            self.by_grantor[grantor] = {
                self.grants[given].grantee: given,
                row.grantee: row.grant_id,
            }
        else:
            given[row.grantee] = row.grant_id

    def grants_to(self, platform: str, grantee: str) -> Iterable[GrantRow]:
        ids = self.by_grantee.get((platform, grantee), ())
        return (self.grants[i] for i in ((ids,) if isinstance(ids, str) else ids))

    def grants_from(self, platform: str, grantor: str) -> Iterable[GrantRow]:
        ids = self.by_grantor.get((platform, grantor), {})
        return (self.grants[i] for i in ((ids,) if isinstance(ids, str) else ids.values()))

    def add_user(self, row: UserRow) -> None:
        """Index a user row (when it is created or loaded)."""
        self.users[row.user_id] = row
        self.users_of[(row.platform, row.organisation)].add(row.user_id)

    def pair(self, platform: str, grantor: str, grantee: str) -> GrantRow | None:
        given = self.by_grantor.get((platform, grantor))
        if isinstance(given, str):
            row = self.grants[given]
            return row if row.grantee == grantee else None
        grant_id = given.get(grantee) if given else None
        return self.grants[grant_id] if grant_id else None

    def is_covered(self, platform: str, organisation: str) -> bool:
        return bool(self.coverage.get((platform, organisation)))

    def cover(self, platform: str, organisation: str, contract: str, covered: bool) -> None:
        """Add a contract to (or remove it from) an organisation's coverage on a platform."""
        key = (sys.intern(platform), sys.intern(organisation))
        contracts = tuple(c for c in self.coverage.get(key, ()) if c != contract)
        contracts += (sys.intern(contract),) if covered else ()
        if contracts:
            self.coverage[key] = contracts
        else:
            self.coverage.pop(key, None)

    def take_dirty(self) -> dict[str, set[Any]]:
        """The keys changed since the last call, per table."""
        dirty, self.dirty = self.dirty, {t: set() for t in TABLES}
        return dirty

    def apply(self, event: Any, position: int) -> None:
        """Apply one domain event recorded at `position`, and tell the access it changed."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            try:
                touched = list(holders_of(self, event.originator_id))
                handler(self, event, position)
                tell(self, event, position, touched + list(holders_of(self, event.originator_id)))
            except KeyError as missing:
                # Only an altered log gets here (an aggregate's first event is gone): keep
                # serving, say where; `toegang audit verify` names what happened.
                log.warning(
                    "event at position %s refers to %s, which the log never introduced; skipped",
                    position,
                    missing,
                )
        self.position = position

    def told_changed(self, row_id: str, rights: str | None) -> None:
        """Remember the rights the holder behind a grant or user was told to have now."""
        if rights is None:
            self.told.pop(row_id, None)
        else:
            self.told[row_id] = sys.intern(rights)
        self.dirty["told"].add(row_id)

    def take_changes(self) -> list[AccessChange]:
        """The access changes told since the last call."""
        changes, self.changes = self.changes, []
        return changes

    def remember(self, originator_id: UUID, key: Any) -> None:
        """Learn an aggregate's natural key from its first event (later events lack it)."""
        if originator_id not in self.keys:
            self.keys[originator_id] = key
            self.dirty["keys"].add(originator_id)

    def key_of(self, originator_id: UUID) -> Any:
        """The natural key (slug, ref, (platform, contract), …) of an aggregate seen before."""
        return self.keys[originator_id]
