"""The API documentation pages work offline: Swagger UI and ReDoc load their scripts and
styles from this service (installed with it), never from a CDN."""

from __future__ import annotations

import re
from importlib import metadata

import httpx
import pytest

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
