"""A pension contract held by an employer, covering one or more organisation numbers."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor, stable_id


class Contract(Aggregate):
    """A contract on one platform; the holder is always among the covered organisations."""

    @staticmethod
    def create_id(platform: str, contract: str) -> UUID:
        return stable_id("contract", platform, contract)

    @event("Registered")
    def __init__(
        self,
        platform: str,
        contract: str,
        holder: str,
        covered: list[str],
        name: str,
        actor: Actor,
    ) -> None:
        self.platform = platform
        self.contract = contract
        self._apply(holder, covered, name)

    @event("Amended")
    def amend(self, holder: str, covered: list[str], name: str, actor: Actor) -> None:
        """Record a new holder, coverage or name."""
        self._apply(holder, covered, name)

    def _apply(self, holder: str, covered: list[str], name: str) -> None:
        self.holder = holder
        self.covered = list(covered)
        self.name = name

    def differs_from(self, holder: str, covered: list[str], name: str) -> bool:
        return (holder, covered, name) != (self.holder, self.covered, self.name)


def coverage_list(holder: str, covered: list[str]) -> list[str]:
    """The holder first, then each other covered organisation once, in the given order."""
    ordered = [holder]
    for organisation in covered:
        if organisation not in ordered:
            ordered.append(organisation)
    return ordered
