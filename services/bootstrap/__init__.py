"""The composition root: settings → stores → applications → processors → the HTTP app.

Every role, every CLI command and the tests build the service through here; nothing below
imports it.
"""

from services.bootstrap.app import create_app, settle_heap
from services.bootstrap.build import (
    ALL_ROLES,
    ROLES,
    build_grants_application,
    context_opener,
    embedded_roles,
)

__all__ = [
    "ALL_ROLES",
    "ROLES",
    "build_grants_application",
    "context_opener",
    "create_app",
    "embedded_roles",
    "settle_heap",
]
