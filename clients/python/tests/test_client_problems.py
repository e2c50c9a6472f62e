"""Problems become exceptions: one class per stable code, with the problem's fields."""

from __future__ import annotations

import httpx
import pytest
from client_support import Service, build_world
from toegang_client import Client, ToegangError, errors

from services.http.problems import STATUS


def test_the_client_knows_every_code_the_service_answers() -> None:
    assert set(errors.REGISTRY) == set(STATUS)
    for code, cls in errors.REGISTRY.items():
        assert code == cls.CODE and issubclass(cls, ToegangError)
        assert (cls.__doc__ or "").startswith(f"{STATUS[code]} `{code}`")


def test_an_invalid_identifier_raises_with_its_errors(service: Service, toegang: Client) -> None:
    world, _ = build_world(toegang)
    with pytest.raises(errors.InvalidIdentifier) as raised:
        toegang.check(world.platform, world.employer_login, "kvk:1234", "view")
    error = raised.value
    assert (error.code, error.status) == ("invalid_identifier", 422)
    assert error.title and error.detail and error.remedy
    assert error.errors and error.errors[0]["location"][-1] == "organisation"
    assert error.body["code"] == "invalid_identifier"


def test_without_a_token_unauthenticated(service: Service) -> None:
    with Client(service.url) as anonymous, pytest.raises(errors.Unauthenticated) as raised:
        anonymous.verify()
    assert raised.value.status == 401


def test_problems_in_the_language_asked(service: Service) -> None:
    with service.client(accept_language="en") as english:
        world, _ = build_world(english)
        unknown = "00000000-0000-4000-8000-000000000000"
        with pytest.raises(errors.NotFound, match="404 not_found") as raised:
            english.change_rights(unknown, world.employer_login, "edit")
    assert raised.value.title == "Not found"


def test_an_unknown_code_raises_the_base_class() -> None:
    answer = httpx.Response(418, json={"code": "teapot", "title": "I'm a teapot"})
    fake = Client("http://toegang.test", transport=httpx.MockTransport(lambda _: answer))
    with fake, pytest.raises(ToegangError) as raised:
        fake.verify()
    assert type(raised.value) is ToegangError
    assert (raised.value.code, raised.value.status) == ("teapot", 418)
