"""What the OpenAPI snapshot says an operation answers: the tests hold every problem to it.

`tests/client.problem` asks here for each problem answer a test expects, so each refusal the
tests provoke is one the operation's document lists (its status and its code).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import httpx

SNAPSHOT = Path(__file__).parent.parent / "schemas" / "openapi.json"
Operation = tuple[re.Pattern[str], str, dict[str, Any]]


@functools.cache
def operations() -> list[Operation]:
    """Each operation of the snapshot as (path pattern, method, responses), literal paths
    first (`/v1/grants/confirm` before `/v1/grants/{grant_id}`)."""
    paths = json.loads(SNAPSHOT.read_text())["paths"]
    found = [
        (re.compile(re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), method.upper(), operation)
        for path, methods in sorted(paths.items(), key=lambda item: item[0].count("{"))
        for method, operation in methods.items()
    ]
    return [(pattern, method, operation["responses"]) for pattern, method, operation in found]


def codes_of(answer: dict[str, Any]) -> set[str]:
    """The problem codes a documented answer lists in its schema's `code` enum."""
    schema = answer.get("content", {}).get("application/problem+json", {}).get("schema", {})
    return {
        code
        for part in schema.get("allOf", [])
        for code in part.get("properties", {}).get("code", {}).get("enum", [])
    }


def assert_documented(response: httpx.Response, code: str) -> None:
    """The operation that answered documents this status with this code (answers of no
    operation, such as an unknown path or method, have nothing to be held to)."""
    request = response.request
    if code == "method_not_allowed":
        return  # an answer of the path, not of an operation: its `Allow` says the methods
    for pattern, method, responses in operations():
        if method == request.method and pattern.match(request.url.path):
            documented = responses.get(str(response.status_code))
            assert documented is not None, (
                f"{method} {request.url.path}: {response.status_code} is not documented"
            )
            assert code in codes_of(documented), (
                f"{method} {request.url.path}: {code} is not documented at {response.status_code}"
            )
            return
