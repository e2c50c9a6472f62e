"""A lean route for the hottest endpoints: the same endpoint, called without FastAPI's
generic per-request machinery.

FastAPI resolves an endpoint's parameters by walking its dependency tree and validates the
returned value against the response model on every request; on the access check that costs
more than the decision. A `LeanRoute` keeps the route as it is declared (its path, OpenAPI
description, middleware, exception handlers and problems) but wires the call by hand:

1. the scope gates (`Requires`) run first, before the body is read;
2. the other dependencies, each a function of the request only, are awaited;
3. the path parameters are validated by their declared types, the body in one call; a bad
   one is decoded and validated again exactly as FastAPI does, so it gets the same errors
   (under `path` and `body`, path first, all of them in one answer);
4. the endpoint's dict is written as JSON bytes; it is built by our code, so it is not
   validated again (the equivalence tests compare it with the response model).

It accepts only endpoints of that shape (`str` path parameters, constrained or not, one body
model, the request, request-only dependencies) and says so at start-up.

`HotPaths` goes one step further: a middleware that hands a request for a lean route straight
to its handler, without FastAPI's router (which on a large app matches every router twice),
mapping failures with the app's own exception handlers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine, Sequence
from typing import Annotated, Any

from fastapi import FastAPI, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import to_json
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from services.http.auth import Requires, ScopedRoute

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class LeanRoute(ScopedRoute):
    """A route whose handler calls its endpoint directly (see the module docstring)."""

    lean: Handler

    def get_route_handler(self) -> Handler:
        self.lean = lean_handler(self.dependant)  # HotPaths calls the same one
        return self.lean


class HotPaths:
    """Serve `routes` (lean routes `owner` includes) before its router; the rest passes on."""

    def __init__(self, app: ASGIApp, owner: FastAPI, routes: Sequence[BaseRoute]) -> None:
        self.app, self.owner = app, owner
        self.routes = [r for r in routes if isinstance(r, LeanRoute)]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        for route in self.routes if scope["type"] == "http" else ():
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope.update(child)
                await self._serve(route.lean, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _serve(self, handler: Handler, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        try:
            response = await handler(request)
        except Exception as error:
            answer = self._handler_for(error)
            if answer is None:
                raise
            response = await answer(request, error)
        await response(scope, receive, send)

    def _handler_for(self, error: Exception) -> Any:
        handlers = self.owner.exception_handlers
        return next((handlers[k] for k in type(error).__mro__ if k in handlers), None)


def lean_handler(dependant: Dependant) -> Handler:
    """The request handler for an endpoint of the supported shape."""
    endpoint, body_name, model = _shape(dependant)
    gates = [d for d in dependant.dependencies if isinstance(d.call, Requires)]
    others = [d for d in dependant.dependencies if not isinstance(d.call, Requires)]
    paths = {p.name: path_adapter(p.field_info) for p in dependant.path_params}
    request_name = dependant.request_param_name

    async def handle(request: Request) -> Response:
        values: dict[str, Any] = {}
        for gate in gates:
            values[str(gate.name)] = await gate.call(request)  # type: ignore[misc]
        for dependency in others:
            values[str(dependency.name)] = await dependency.call(request)  # type: ignore[misc]
        errors: list[Any] = []
        for name, adapter in paths.items():
            try:
                values[name] = adapter.validate_python(request.path_params[name])
            except ValidationError as error:
                errors += [{**e, "loc": ("path", name, *e["loc"])} for e in error.errors()]
        try:
            values[body_name] = await parsed_body(request, model)
        except RequestValidationError as error:
            errors += list(error.errors())
        if errors:
            raise RequestValidationError(errors, body=await request.body())  # (read: cached)
        if request_name:
            values[request_name] = request
        result = await endpoint(**values)
        return Response(to_json(result), media_type="application/json")

    return handle


async def parsed_body(request: Request, model: type[BaseModel]) -> BaseModel:
    """The body validated as FastAPI validates it: JSON only for a JSON content type, the
    same `json_invalid` error, every error located under `body`."""
    raw = await request.body()
    is_json = _is_json(request.headers.get("content-type", ""))
    if raw and is_json:
        try:
            return model.model_validate_json(raw)  # one call for a good body
        except ValidationError:
            pass  # said again below in FastAPI's words
    if not raw:
        missing = {"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}
        raise RequestValidationError([missing])
    content: Any = raw
    if is_json:
        try:
            content = json.loads(raw)
        except json.JSONDecodeError as error:
            raise RequestValidationError([_json_error(error)], body=error.doc) from error
        except UnicodeDecodeError as error:  # JSON is UTF-8 (RFC 8259 §8.1)
            raise RequestValidationError([_json_error(error)]) from error
    try:
        return model.model_validate(content, from_attributes=True)  # as FastAPI does
    except ValidationError as error:
        located = [{**e, "loc": ("body", *e["loc"])} for e in error.errors()]
        raise RequestValidationError(located, body=content) from error


def _is_json(content_type: str) -> bool:
    kind, _, subtype = content_type.partition(";")[0].strip().lower().partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def _json_error(error: json.JSONDecodeError | UnicodeDecodeError) -> dict[str, Any]:
    """FastAPI's error for a body that is not JSON (at the character, or the byte, where it
    stops being JSON)."""
    position = error.pos if isinstance(error, json.JSONDecodeError) else error.start
    reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
    return {
        "type": "json_invalid",
        "loc": ("body", position),
        "msg": "JSON decode error",
        "input": {},
        "ctx": {"error": reason},
    }


def path_adapter(field_info: FieldInfo) -> TypeAdapter[Any]:
    """Validates a path parameter as FastAPI would: its type with its constraints."""
    hint: Any = Annotated[(field_info.annotation, *field_info.metadata)]
    return TypeAdapter(hint)


def _shape(dependant: Dependant) -> tuple[Any, str, type[BaseModel]]:
    """The endpoint, its body parameter and model; TypeError for any other shape."""
    body = dependant.body_params
    plain_paths = all(p.field_info.annotation is str for p in dependant.path_params)
    # (an Annotated str keeps `str` as its annotation; its validators are in the metadata)
    plain_deps = all(
        d.request_param_name and not (d.dependencies or d.path_params or d.query_params)
        for d in dependant.dependencies
    )
    model = body[0].field_info.annotation if len(body) == 1 else None
    is_model = isinstance(model, type) and issubclass(model, BaseModel)
    if not (plain_paths and plain_deps and is_model) or dependant.query_params:
        raise TypeError(f"{dependant.call} does not have the shape a LeanRoute serves")
    return dependant.call, body[0].name, model  # type: ignore[return-value]
