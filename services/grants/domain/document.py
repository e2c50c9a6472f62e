"""A notice that new documents are available for an organisation on a platform."""

from __future__ import annotations

from eventsourcing.domain import Aggregate, event

from services.grants.domain.base import Actor

DOCUMENT_KINDS = ("pension_fiche", "invoice", "annual_adjustment")


class DocumentNotice(Aggregate):
    """New pension fiches, invoices or the annual-adjustment file are available."""

    @event("Published")
    def __init__(
        self, platform: str, organisation: str, kind: str, title: str, actor: Actor
    ) -> None:
        self.platform, self.organisation, self.kind, self.title = (
            platform,
            organisation,
            kind,
            title,
        )
