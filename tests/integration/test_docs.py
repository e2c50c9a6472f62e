"""The API documentation pages work offline: Swagger UI and ReDoc load their scripts and
styles from this service (installed with it), never from a CDN."""

from __future__ import annotations

import re
from importlib import metadata

import httpx
import pytest

from tests import client as api
from tests.support import TOKENS

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_documentation_page_loads_everything_from_this_service(
    client: httpx.Client, page: str
) -> None:
    answer = client.get(page)
    assert answer.status_code == 200
    assert "text/html" in answer.headers["content-type"]
    assets = ASSET.findall(answer.text)
    assert any(url.endswith(".js") for url in assets), answer.text
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url} from elsewhere"
        loaded = client.get(url)
        assert loaded.status_code == 200, url
        assert len(loaded.content) > 100, url
    assert "cdn." not in answer.text and "unpkg" not in answer.text


def test_the_documented_version_is_the_package_version(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    assert document["info"]["version"] == metadata.version("toegang")


def test_each_operation_documents_the_scopes_it_admits(client: httpx.Client) -> None:
    """The document's `x-toegang-scopes` are the truth: a token holding one of them gets past
    the gate, one holding none is 403, no token is 401; public operations name none."""
    document = client.get("/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for template, operations in document["paths"].items():
        path = template.format(platform="testportaal", organisation="kvk:12345678",
                               grant_id="g", user_id="u", contract="PC-1")  # fmt: skip
        for method, operation in operations.items():
            scopes = operation.get("x-toegang-scopes")
            if not template.startswith("/v1/"):
                assert scopes is None and "security" not in operation, template
                continue
            assert scopes and operation["security"] == [{"bearer": []}], template
            assert " or ".join(scopes) in operation["description"], template
            for token, held in TOKENS.items():
                answer = client.request(method, path, headers=api.bearer(token), json={})
                admitted = answer.status_code != 403
                assert admitted == bool(set(held) & set(scopes)), (method, template, token)
            assert client.request(method, path, json={}).status_code == 401, (method, template)
