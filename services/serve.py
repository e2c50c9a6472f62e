"""ASGI factories for running a role under any ASGI server (`uvicorn --factory …`)."""

from __future__ import annotations

from fastapi import FastAPI

from services import keys
from services.bootstrap import create_app
from services.settings import load_settings


def embedded_app() -> FastAPI:
    """Everything in one process, as `toegang serve`."""
    settings = load_settings()
    return create_app(settings, keys.api_tokens(settings)[0])


def projections_app() -> FastAPI:
    """The access views and queries, as `toegang serve projections`."""
    settings = load_settings()
    return create_app(settings, keys.api_tokens(settings)[0], roles=("projections",))


def grants_app() -> FastAPI:
    """The grants commands, as `toegang serve grants`."""
    settings = load_settings()
    return create_app(settings, keys.api_tokens(settings)[0], roles=("grants",))
