"""A Redis outage makes the cache miss; it never makes a page fail."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.smtp import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away(settings):  # type: ignore[no-untyped-def]
    settings.CACHES = {
        "default": {
            "BACKEND": "supportdesk.cache.ForgivingRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }


def test_the_cache_misses_quietly_while_redis_is_away(redis_away):
    cache.set("k", "v")
    assert cache.get("k", "missed") == "missed"
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}


def test_sign_in_keeps_working_while_redis_is_away(client, world, redis_away):
    assert client.get("/accounts/login/").status_code == 200
    wrong = client.post("/accounts/login/", {"username": world.alice.email, "password": "not-it"})
    assert wrong.status_code == 200
    right = client.post("/accounts/login/", {"username": world.alice.email, "password": "password"})
    assert right.status_code == 302
    assert client.get("/portal/").status_code == 200
