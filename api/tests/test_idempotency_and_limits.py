"""Retries are safe with an Idempotency-Key; each token has its own rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import IdempotencyKey
from api.services import idempotency_purge
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

BODY = {"type": "development-question", "summary": "How do I page results?",
        "details": {"integration_logic": "Page through orders.", "pipeline_name": "orders-sync"}}


def test_the_same_key_and_body_replays_the_first_answer(world, api_as) -> None:
    client = api_as(world.alice)
    before = Ticket.objects.count()

    first = client.post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="abc-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == before + 1


def test_the_same_key_with_another_body_is_422(world, api_as) -> None:
    client = api_as(world.alice)
    client.post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="abc-2")
    before = Ticket.objects.count()

    response = client.post("/api/v1/tickets/", {**BODY, "summary": "Something else"}, HTTP_IDEMPOTENCY_KEY="abc-2")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == before


def test_keys_belong_to_their_user_and_expire(world, api_as) -> None:
    api_as(world.alice).post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="shared")
    response = api_as(world.alan).post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response

    with time_machine.travel(timezone.now() + timedelta(days=2), tick=False):
        response = api_as(world.alice).post("/api/v1/tickets/", BODY, HTTP_IDEMPOTENCY_KEY="shared")
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response
        IdempotencyKey.objects.update(expires_at=timezone.now())
        assert idempotency_purge() == 2


def test_a_failed_request_is_not_remembered(world, api_as) -> None:
    client = api_as(world.alice)
    assert client.post("/api/v1/tickets/", {"type": "nope", "summary": "x"}, HTTP_IDEMPOTENCY_KEY="k").status_code == 400
    assert not IdempotencyKey.objects.exists()


def test_each_token_has_its_own_rate_limit_with_retry_after(world, api_as, settings) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "3/minute"}}
    first, second = api_as(world.alice), api_as(world.alice)
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            assert first.get("/api/v1/tickets/").status_code == 200
        response = first.get("/api/v1/tickets/")
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert int(response["Retry-After"]) > 0
        assert second.get("/api/v1/tickets/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        assert first.get("/api/v1/tickets/").status_code == 200
