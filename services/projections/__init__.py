"""Access views: projections of the event log, login evaluation and the access API."""

from services.projections import credential_handlers, handlers  # register the event handlers

__all__ = ["credential_handlers", "handlers"]
