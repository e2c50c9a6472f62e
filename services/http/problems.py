"""RFC 9457 problem responses with stable codes and localised texts."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import OperationalError, PersistenceError
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from services.messages import negotiate, texts

log = logging.getLogger("toegang.http")
Handler = Callable[[Request, Exception], Awaitable[JSONResponse]]

STATUS = {
    "invalid_request": 422,
    "invalid_identifier": 422,
    "unauthenticated": 401,
    "insufficient_scope": 403,
    "actor_not_authorised": 403,
    "loa_too_low": 403,
    "service_not_linked": 403,
    "chain_not_accepted": 403,
    "organisation_unknown": 422,
    "organisation_not_in_contract": 422,
    "advisor_unknown": 422,
    "advisor_not_licensed": 422,
    "grantee_is_grantor": 422,
    "grant_exists": 409,
    "grant_not_open": 409,
    "not_found": 404,
    "confirmation_invalid": 404,
    "confirmation_expired": 410,
    "confirmation_used": 409,
    "method_not_allowed": 405,
    "payload_too_large": 413,
    "store_unavailable": 503,
    "internal_error": 500,
    "no_agreement": 409,
    "agreement_conflict": 409,
    "invalid_fiche": 422,
    "not_master_user": 403,
    "user_revoked": 409,
    "user_expired": 409,
    "subject_erased": 409,
    "access_code_invalid": 404,
    "access_code_expired": 410,
    "platform_mismatch": 422,
    "contract_out_of_scope": 422,
    "master_user_protected": 409,
    "view_not_caught_up": 503,
    "login_method_not_accepted": 403,
}
EXTRA_HEADERS = {
    "unauthenticated": {"WWW-Authenticate": "Bearer"},
    "store_unavailable": {"Retry-After": "1"},
    "view_not_caught_up": {"Retry-After": "1"},
    # the rest of the body stays unread, so the connection cannot carry another request
    "payload_too_large": {"Connection": "close"},
}
HTTP_CODES = {
    401: "unauthenticated",
    403: "insufficient_scope",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


class Problem(Exception):
    """Raised by routes and dependencies to answer a problem directly."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        status: int | None = None,
        text_key: str = "",
        **extra: Any,
    ) -> None:
        super().__init__(code)
        self.code, self.detail, self.extra = code, detail, extra
        self.status, self.text_key = status, text_key


def problem_response(request: Request, code: str, detail: str = "", **options: Any) -> JSONResponse:
    """A problem+json answer in the caller's language (specific detail for English); `options`
    are those of `problem_body`."""
    body, language = problem_body(request, code, detail, **options)
    headers = {"Content-Language": language}
    headers.update(EXTRA_HEADERS.get(code, {}))
    return JSONResponse(
        body, status_code=body["status"], headers=headers, media_type="application/problem+json"
    )


def problem_body(
    request: Request,
    code: str,
    detail: str = "",
    *,
    status: int | None = None,
    text_key: str = "",
    **extra: Any,
) -> tuple[dict[str, Any], str]:
    """The problem document (counted in the metrics) and its language."""
    language = negotiate(
        request.headers.get("accept-language"), getattr(request.app.state, "locale", "nl")
    )
    entry = texts(text_key or code, language)
    body = {
        "type": f"urn:toegang:problem:{code}",
        "code": code,
        "status": status or STATUS.get(code, 400),
        "title": entry["title"],
        "detail": detail if detail and language == "en" else entry["detail"],
        "remedy": entry["remedy"],
        **extra,
    }
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.problems.labels(code).inc()
    return body, language


async def _problem(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Problem)
    return problem_response(
        request,
        error.code,
        error.detail,
        status=error.status,
        text_key=error.text_key,
        **error.extra,
    )


async def _refused(request: Request, error: Exception) -> JSONResponse:
    """A command a rule refused: the error's class names its stable `code`; the fields of the
    body it refused (`fields` among its facts) are listed in `errors`."""
    code, detail = getattr(error, "code", "invalid_request"), getattr(error, "detail", "")
    fields = getattr(error, "facts", {}).get("fields") or []
    errors = [{"location": ["body", str(field)], "message": str(detail)} for field in fields]
    return problem_response(
        request, str(code), str(detail), **({"errors": errors} if errors else {})
    )


async def _invalid(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    code, errors = validation_problem(error.errors())
    return problem_response(request, code, "", errors=errors)


def validation_problem(found: Sequence[Any]) -> tuple[str, list[dict[str, Any]]]:
    """The stable code and the listed errors for pydantic's validation errors."""
    errors = [{"location": [str(p) for p in e["loc"]], "message": e["msg"]} for e in found]
    kinds = {e["type"] for e in found}
    return "invalid_identifier" if kinds == {"invalid_identifier"} else "invalid_request", errors


async def _http(request: Request, error: Exception) -> JSONResponse:
    """Starlette's own refusals (no route, a method the route lacks), with their headers: a
    405 says in `Allow` which methods the path takes."""
    assert isinstance(error, HTTPException)
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
