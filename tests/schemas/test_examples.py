"""The OpenAPI document shows an example of every request body and every success answer, and
each example is what the route really takes and gives: its own pydantic model accepts it (an
answer's model writes it back unchanged), and it validates against the document's schema.
The examples are the README walk-throughs' values (`services/*/examples.py`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from pydantic import TypeAdapter

from services.bootstrap import create_app
from services.http.docs import api_routes
from services.settings import Settings

README = Path(__file__).parents[2] / "README.md"
ORGANISATION = re.compile(r"\b(?:kvk|kbo):[0-9]+")
REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app as `toegang serve` builds it, every role (nothing connects)."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("examples")), {"t": ["admin"]})


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` names (or the schema itself)."""
    ref = schema.get("$ref")
    if ref is None:
        return schema
    assert ref.startswith(REF), ref
    return resolved(document, document["components"]["schemas"][ref.removeprefix(REF)])


def examples_of(document: dict[str, Any], media: dict[str, Any]) -> list[Any]:
    """A media type's examples: its own `example` / `examples`, then its schema's `examples`."""
    found = [media["example"]] if "example" in media else []
    found += [named["value"] for named in media.get("examples", {}).values()]
    return found + list(resolved(document, media.get("schema", {})).get("examples", []))


def check_schema(document: dict[str, Any], schema: dict[str, Any], example: Any) -> None:
    """`example` validates against `schema`, its references read from the document."""
    rooted = {**schema, "components": document["components"]}
    validator = jsonschema.Draft202012Validator(
        rooted, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(example)


Operation = tuple[str, str, dict[str, Any], APIRoute]


def operations(app: FastAPI, document: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of the document with the route that serves it."""
    routes = {
        (route.path_format, method.lower()): route
        for route in api_routes(app.routes)
        for method in route.methods or ()
    }
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method.upper(), path, operation, routes[path, method]


def json_media(operation: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The request body's JSON media type ("request") and each success answer's (its status);
    the confirmation page's form and HTML, the metrics' text and the audit exports are not
    JSON and show no example."""
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        yield "request", body["application/json"]
    for status, answer in operation["responses"].items():
        if status.startswith("2") and "application/json" in answer.get("content", {}):
            yield status, answer["content"]["application/json"]


def all_examples(app: FastAPI, document: dict[str, Any]) -> Iterator[Any]:
    for _, _, operation, _ in operations(app, document):
        for _, media in json_media(operation):
            yield from examples_of(document, media)
    for schema in document["components"]["schemas"].values():
        yield from schema.get("examples", [])


def strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in an example, with the key it is under."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key)


def test_every_body_and_every_success_answer_has_an_example(
    app: FastAPI, document: dict[str, Any]
) -> None:
    missing = [
        f"{method} {path} {part}"
        for method, path, operation, _ in operations(app, document)
        for part, media in json_media(operation)
        if not examples_of(document, media)
    ]
    assert not missing, f"no example: {missing}"


def test_each_request_example_is_taken_by_its_route(app: FastAPI, document: dict[str, Any]) -> None:
    checked = 0
    for method, path, operation, route in operations(app, document):
        body = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in body:
            continue
        (parameter,) = route.dependant.body_params
        model = parameter.field_info.annotation
        assert model is not None, (method, path)
        for example in examples_of(document, body["application/json"]):
            TypeAdapter(model).validate_python(example)  # what the route itself validates
            check_schema(document, body["application/json"]["schema"], example)
            checked += 1
    assert checked >= 20


def test_each_answer_example_is_what_its_route_answers(
    app: FastAPI, document: dict[str, Any]
) -> None:
    """Valid against the documented schema and, where the route has a response model, written
    back by that model unchanged (no field missing, misspelt or added)."""
    checked = 0
    for method, path, operation, route in operations(app, document):
        for status, media in json_media(operation):
            if status == "request":
                continue
            for example in examples_of(document, media):
                check_schema(document, media["schema"], example)
                if route.response_model is not None:
                    model = TypeAdapter(route.response_model)
                    written = model.dump_python(model.validate_python(example), mode="json")
                    assert written == example, (method, path, status)
                checked += 1
    assert checked >= 30


def test_the_component_schemas_examples_validate(document: dict[str, Any]) -> None:
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            check_schema(document, {"$ref": REF + name}, example)


def test_the_examples_are_the_readme_walk_throughs_values(
    app: FastAPI, document: dict[str, Any]
) -> None:
    """Every organisation number and platform name an example shows is one the README's
    walk-throughs use, so the examples cannot drift from them unnoticed."""
    readme = README.read_text(encoding="utf-8")
    found = [
        (key, text) for example in all_examples(app, document) for key, text in strings(example)
    ]
    organisations = {number for _, text in found for number in ORGANISATION.findall(text)}
    platforms = {text for key, text in found if key == "platform"}
    assert {"kvk:12345678", "kvk:87654321", "kbo:0403019261"} <= organisations
    assert {"befrank-werkgeversportaal", "ethias-extranet-aanvullend"} <= platforms
    assert not {value for value in organisations | platforms if value not in readme}
