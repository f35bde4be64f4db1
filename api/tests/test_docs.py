"""The schema and the documentation page are public and self-contained."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_describes_the_api_with_its_error_format(client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/tickets/" in schema["paths"]
    assert "Error" in schema["components"]["schemas"]
    assert "apiToken" in schema["components"]["securitySchemes"]
    create = schema["paths"]["/api/v1/tickets/"]["post"]
    assert {"201", "400", "401", "403", "422", "429"} <= set(create["responses"])


def test_the_docs_page_loads_scripts_from_our_origin_only(client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    sources = re.findall(r'<script src="([^"]+)"', page)
    assert sources and all(src.startswith("/") for src in sources), sources
    assert "<script>" not in page and "<style" not in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    script = client.get(sources[-1])
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
