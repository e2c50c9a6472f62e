"""A typed client of toegang, the event-sourced access-rights service: `Client` (sync) and
`AsyncClient` (asyncio), frozen-dataclass answers, one exception class per problem code
(in `toegang_client.errors`)."""

from toegang_client import models
from toegang_client.async_client import AsyncClient
from toegang_client.client import Client
from toegang_client.errors import REGISTRY, ToegangError
from toegang_client.models import *  # noqa: F403  (the answers, listed once in models.__all__)

__all__ = ["REGISTRY", "AsyncClient", "Client", "ToegangError", *models.__all__]
__version__ = "0.1.0"
