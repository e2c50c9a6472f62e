"""Every event the domain records, described once (services/grants/domain/event_kind.py).

A new event gets its entry in the table of its context; a test fails while one is missing.
"""

from __future__ import annotations

from services.grants.domain.catalogue_access import ACCESS_KINDS
from services.grants.domain.catalogue_credentials import CREDENTIAL_KINDS
from services.grants.domain.event_kind import Catalogue

CATALOGUE = Catalogue(ACCESS_KINDS + CREDENTIAL_KINDS)
