"""The base of every error the client raises: an RFC 9457 problem answered by toegang."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import httpx


class ToegangError(Exception):
    """A problem answer (or an answer that is not one, code `http_<status>`).

    `code` is the stable problem code, `status` the HTTP status; `title`, `detail` and
    `remedy` are in the language asked for; `position` is the view's position where the
    service gives one (`view_not_caught_up`); `errors` lists validation errors; `body` is
    the whole problem document."""

    CODE: ClassVar[str] = ""
    """The problem code of a subclass (set by its `code=` class keyword)."""

    def __init_subclass__(cls, code: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.CODE = code

    def __init__(
        self,
        code: str,
        status: int,
        title: str = "",
        detail: str = "",
        remedy: str = "",
        position: int | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
        body: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail or title}")
        self.code, self.status = code, status
        self.title, self.detail, self.remedy = title, detail, remedy
        self.position, self.errors = position, tuple(errors)
        self.body: Mapping[str, Any] = body or {}


def problem_document(response: httpx.Response) -> dict[str, Any] | None:
    """The answer's JSON object when it is a problem document (has a `code`), else None."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) and isinstance(body.get("code"), str) else None


def error_fields(response: httpx.Response) -> dict[str, Any]:
    """The constructor arguments of an error for this answer."""
    body = problem_document(response)
    if body is None:
        return {
            "code": f"http_{response.status_code}",
            "status": response.status_code,
            "title": response.reason_phrase,
            "detail": response.text[:500],
        }
    position = body.get("position")
    return {
        "code": body["code"],
        "status": int(body.get("status", response.status_code)),
        "title": str(body.get("title", "")),
        "detail": str(body.get("detail", "")),
        "remedy": str(body.get("remedy", "")),
        "position": position if isinstance(position, int) else None,
        "errors": body.get("errors") or (),
        "body": body,
    }
