"""Access views: projections of the event log, login evaluation and the access API."""
