"""The OpenAPI document's examples as they are written.

FastAPI drops every `null` from the document it generates, the examples' included
(fastapi/fastapi#5559): an answer's example would lose its required `null` fields (a grant
not ended, a list on its last page). `keep_examples` puts the examples back from where they
were given: the models' `json_schema_extra` and the routes' `responses`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import TypeAdapter
from starlette.routing import BaseRoute


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    """The API routes, those of included routers too (newer FastAPI versions keep an included
    router as one branch holding it, `original_router`, instead of copying its routes)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from api_routes(included.routes)


def keep_examples(app: FastAPI) -> None:
    """Have `app.openapi()` show the examples with their `null` values."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        routes = list(api_routes(app.routes))
        restore_models(document, routes)
        restore_responses(document, routes)
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def body_model(route: APIRoute) -> Any:
    """The model of the route's JSON body, or None."""
    body = route.dependant.body_params
    return body[0].field_info.annotation if len(body) == 1 else None


def model_examples(schema: dict[str, Any]) -> Iterator[tuple[str, list[Any]]]:
    """(title, examples) of a pydantic JSON schema and of each schema it defines."""
    for part in (schema, *schema.get("$defs", {}).values()):
        if "examples" in part and "title" in part:
            yield part["title"], part["examples"]


def restore_models(document: dict[str, Any], routes: list[APIRoute]) -> None:
    """The component schemas' examples, as their models give them."""
    given: dict[str, list[Any]] = {}
    for route in routes:
        if (body := body_model(route)) is not None:
            given.update(model_examples(TypeAdapter(body).json_schema(mode="validation")))
        if route.response_model is not None:
            answer = TypeAdapter(route.response_model).json_schema(mode="serialization")
            given.update(model_examples(answer))
    for schema in document.get("components", {}).get("schemas", {}).values():
        if "examples" in schema and schema.get("title") in given:
            schema["examples"] = given[schema["title"]]


def restore_responses(document: dict[str, Any], routes: list[APIRoute]) -> None:
    """The answers' examples a route gives in its `responses`."""
    for route in routes:
        operations = document["paths"].get(route.path_format, {})
        for status, answer in (route.responses or {}).items():
            for media_type, content in answer.get("content", {}).items():
                if "example" not in content:
                    continue
                for method in route.methods or ():
                    operation = operations.get(method.lower())
                    if operation is not None:
                        documented = operation["responses"][str(status)]["content"][media_type]
                        documented["example"] = content["example"]
