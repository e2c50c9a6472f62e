"""eHerkenning actors: assurance levels and whether an actor represents an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.grants.domain.base import Actor, DomainError

LOA_LEVELS = {
    "urn:etoegang:core:assurance-class:loa2": 2.0,
    "urn:etoegang:core:assurance-class:loa2plus": 2.5,
    "urn:etoegang:core:assurance-class:loa3": 3.0,
    "urn:etoegang:core:assurance-class:loa4": 4.0,
    "http://eidas.europa.eu/LoA/substantial": 3.0,
    "http://eidas.europa.eu/LoA/high": 4.0,
}
LOA_NAMES = {"EH2": 2.0, "EH2+": 2.5, "EH3": 3.0, "EH4": 4.0}
CAPABILITIES = ("employer_view", "employer_edit", "advisor")


class LoaTooLow(DomainError):
    code = "loa_too_low"


class ServiceNotLinked(DomainError):
    code = "service_not_linked"


class ActorNotAuthorised(DomainError):
    code = "actor_not_authorised"


class ChainNotAccepted(DomainError):
    code = "chain_not_accepted"


@dataclass(frozen=True)
class EHerkenningActor:
    """A verified eHerkenning assertion forwarded by a portal."""

    legal_subject: str
    acting_subject: str
    intermediary: str | None
    service_id: str
    loa: str

    @classmethod
    def from_dict(cls, actor: Actor) -> EHerkenningActor:
        """Read an actor as it arrives in a request (already schema-checked)."""
        if actor.get("method") != "eherkenning":
            raise ActorNotAuthorised("this command needs an eHerkenning actor", variant="method")
        return cls(
            legal_subject=actor["legal_subject"],
            acting_subject=actor["acting_subject"],
            intermediary=actor.get("intermediary"),
            service_id=actor["service_id"],
            loa=actor["loa"],
        )

    def as_record(self) -> dict[str, Any]:
        """The actor as stored in events: the person is the pair, never the pseudonym alone."""
        return {
            "method": "eherkenning",
            "legal_subject": self.legal_subject,
            "acting_subject": self.acting_subject,
            "intermediary": self.intermediary,
            "service_id": self.service_id,
            "loa": self.loa,
        }

    @property
    def loa_level(self) -> float:
        return LOA_LEVELS.get(self.loa, 0.0)


def service_actor(client: str) -> Actor:
    """The identity recorded for provider staff or a calling service."""
    return {"method": "service", "client": client}
