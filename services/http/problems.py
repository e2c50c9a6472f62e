"""RFC 9457 problem responses with stable codes and localised texts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from services.http.field_errors import FieldError, from_validation
from services.messages import negotiate, texts

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
    """Raised by routes and dependencies to answer a problem directly: `detail` is for
    developers and logs; the answer's texts are the catalogue's for `text_key` (else `code`),
    filled from `facts`; a fact `field` or `fields` names the field(s) it is about."""

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        status: int | None = None,
        text_key: str = "",
        facts: Mapping[str, Any] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or code)
        self.code, self.detail, self.extra = code, detail, extra
        self.status, self.text_key, self.facts = status, text_key, dict(facts or {})


def problem_response(request: Request, code: str, **options: Any) -> JSONResponse:
    """A problem+json answer in the caller's language; `options` are those of
    `problem_body`."""
    body, language = problem_body(request, code, **options)
    headers = {"Content-Language": language}
    headers.update(EXTRA_HEADERS.get(code, {}))
    return JSONResponse(
        body, status_code=body["status"], headers=headers, media_type="application/problem+json"
    )


def problem_body(
    request: Request,
    code: str,
    *,
    status: int | None = None,
    text_key: str = "",
    facts: Mapping[str, Any] | None = None,
    errors: Sequence[FieldError] = (),
    **extra: Any,
) -> tuple[dict[str, Any], str]:
    """The problem document (counted in the metrics) and its language: the texts of
    `text_key` (else `code`) filled from `facts`, the `errors` said in that language."""
    language = negotiate(
        request.headers.get("accept-language"), getattr(request.app.state, "locale", "nl")
    )
    entry = texts(text_key or code, language, facts)
    body = {
        "type": f"urn:toegang:problem:{code}",
        "code": code,
        "status": status or STATUS.get(code, 400),
        "title": entry["title"],
        "detail": entry["detail"],
        "remedy": entry["remedy"],
        **extra,
    }
    if errors:
        body["errors"] = [error.said_in(language) for error in errors]
    metrics = getattr(request.app.state, "metrics", None)
    if metrics is not None:
        metrics.problems.labels(code).inc()
    return body, language


def validation_problem(found: Sequence[Any], body: Any = None) -> tuple[str, list[FieldError]]:
    """The stable code and the field errors for pydantic's validation errors."""
    kinds = {e["type"] for e in found}
    code = "invalid_identifier" if kinds == {"invalid_identifier"} else "invalid_request"
    return code, from_validation(found, body)
