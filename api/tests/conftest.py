from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from api.services import token_create


def token_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    _token, key = token_create(user=user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api_as():  # type: ignore[no-untyped-def]
    """api_as(user) → a client that authenticates with a fresh personal token of that user."""
    return token_client
