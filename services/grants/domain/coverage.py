"""Which contracts cover an organisation on a platform (an index kept by events)."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, stable_id


class Coverage(Aggregate):
    """The contracts that cover one organisation on one platform."""

    @staticmethod
    def create_id(platform: str, organisation: str) -> UUID:
        return stable_id("coverage", platform, organisation)

    @event("Opened")
    def __init__(self, platform: str, organisation: str, actor: Actor) -> None:
        self.platform = platform
        self.organisation = organisation
        self.contracts: list[str] = []

    @event("ContractAdded")
    def add_contract(self, contract: str, actor: Actor) -> None:
        """The organisation became covered by `contract`."""
        self.contracts.append(contract)

    @event("ContractRemoved")
    def remove_contract(self, contract: str, actor: Actor) -> None:
        """`contract` no longer covers the organisation."""
        self.contracts.remove(contract)

    def shares_contract_with(self, other: Coverage | None) -> bool:
        return other is not None and bool(set(self.contracts) & set(other.contracts))
