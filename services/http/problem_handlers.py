"""How each failure becomes a problem answer: the app's exception handlers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

import psycopg
from eventsourcing.persistence import OperationalError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from services.http.field_errors import FieldError, from_refusal
from services.http.problems import HTTP_CODES, Problem, problem_response, validation_problem

log = logging.getLogger("toegang.http")
Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]


async def _problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Problem)
    key = error.text_key or error.code
    return problem_response(
        request,
        error.code,
        status=error.status,
        text_key=key,
        facts=error.facts,
        errors=from_refusal(request, key, error.facts),
        **error.extra,
    )


async def _refused(request: Request, error: Exception) -> JSONResponse:
    """A command a rule refused: the error's class names its stable `code`, its `key` the
    texts (filled from its facts); the fields it names (`field` or `fields` among its facts)
    are listed in `errors`. Its developer `detail` stays out of the answer."""
    code = str(getattr(error, "code", "invalid_request"))
    key, facts = str(getattr(error, "key", code)), dict(getattr(error, "facts", {}))
    errors = from_refusal(request, key, facts)
    return problem_response(request, code, text_key=key, facts=facts, errors=errors)


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    code, errors = validation_problem(error.errors(), error.body)
    kinds = {found.key for found in errors}  # one kind of identifier: its own texts
    one_kind = code == "invalid_identifier" and len(kinds) == 1
    return problem_response(
        request, code, text_key=kinds.pop() if one_kind else code, errors=errors
    )


async def _http(request: Request, error: Exception) -> JSONResponse:
    """Starlette's own refusals (no route, a method the route lacks), with their headers: a
    405 says in `Allow` which methods the path takes."""
    assert isinstance(error, HTTPException)
    if error.status_code == 400:  # FastAPI could not read the body (not UTF-8, say)
        unread = [FieldError(("body",), "json_invalid")]
        return problem_response(request, "invalid_request", errors=unread)
    response = problem_response(request, HTTP_CODES.get(error.status_code, "invalid_request"))
    response.headers.update(error.headers or {})
    if error.status_code == 405:  # Starlette names the methods of one route of the path only
        response.headers["Allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """The methods some route of the app takes for this request's path."""
    routes = request.app.router.routes
    return [
        method
        for method in METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]


METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


async def _store(request: Request, error: Exception) -> JSONResponse:
    log.warning("event store unavailable: %s", type(error).__name__)
    return problem_response(request, "store_unavailable")


async def _view_store(request: Request, error: Exception) -> JSONResponse:
    log.warning("view database unavailable: %s", type(error).__name__)
    return problem_response(request, "store_unavailable")


async def _persistence(request: Request, error: Exception) -> JSONResponse:
    log.error("event store error: %s", type(error).__name__)
    return problem_response(request, "store_unavailable")


HANDLERS: list[tuple[type[Exception], Handler]] = [
    (Problem, _problem),
    (RequestValidationError, _invalid),
    (HTTPException, _http),
    (OperationalError, _store),
    (psycopg.OperationalError, _view_store),  # a lost view-database connection
    (PersistenceError, _persistence),
]


def install_problem_handlers(app: FastAPI, refusals: Sequence[type[Exception]]) -> None:
    """Map every failure to a problem: refusals (errors with a `code`: the domain's and the
    store's), validation, HTTP errors, lost stores."""
    for refusal in refusals:
        app.add_exception_handler(refusal, _refused)
    for kind, handler in HANDLERS:
        app.add_exception_handler(kind, handler)
