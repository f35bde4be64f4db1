"""People create, see and revoke their own tokens in the portal or the desk."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who, area", [("alice", "portal"), ("agent", "desk")])
def test_a_token_is_shown_once_stored_hashed_and_works(client, world, who, area) -> None:
    user = getattr(world, who)
    client.force_login(user)

    response = client.post(f"/{area}/tokens/", {"name": "Monitoring", "expires_in": "90"})

    assert response.status_code == 302
    message = str(next(iter(get_messages(response.wsgi_request))))
    key = re.search(r"sdk_\S+", message).group(0)
    token = ApiToken.objects.get(user=user)
    assert key not in token.secret_hash and token.prefix in key and token.expires_at is not None
    assert key in client.get(f"/{area}/tokens/").content.decode()  # the flash message, once
    page = client.get(f"/{area}/tokens/").content.decode()
    assert "Monitoring" in page and key not in page

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/tickets/").status_code == 200

    client.post(f"/{area}/tokens/{token.pk}/revoke/")
    assert api.get("/api/v1/tickets/").status_code == 401


def test_nobody_revokes_another_persons_token(client, world) -> None:
    theirs, _key = token_create(user=world.charlie, name="theirs")
    client.force_login(world.alan)

    assert client.post(f"/portal/tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert "theirs" not in client.get("/portal/tokens/").content.decode()


def test_customers_cannot_use_the_desk_page_nor_agents_the_portal_page(client, world) -> None:
    client.force_login(world.alice)
    assert client.get("/desk/tokens/").status_code == 403
    client.force_login(world.agent)
    assert client.get("/portal/tokens/").status_code == 403


def test_a_token_needs_a_name(client, world) -> None:
    client.force_login(world.alice)
    response = client.post("/portal/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
