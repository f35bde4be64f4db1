"""Monitoring raises notices through POST /api/v1/notices/ with a service key."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from notices.models import Notice, ServiceKey, service_key_hash
from notifications.models import OutboundEmail
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


@pytest.fixture
def key(db) -> str:  # type: ignore[no-untyped-def]
    service_key = ServiceKey(name="Monitoring")
    secret = service_key.generate()
    service_key.save()
    return secret


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "account_id": "ALPHA", "kind": "alert", "area": "Query API", "environment": "live1",
        "title": "Increased error rate", "description": "503s on published endpoints.",
        "call_to_action": "Roll back the index change.",
    } | overrides


def post(client: Client, data: Any, key: str | None, **headers: str) -> Any:
    if key:
        headers["Authorization"] = f"Bearer {key}"
    raw = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(URL, raw, content_type="application/json", headers=headers)


def test_monitoring_raises_an_alert(client, world, area, key, django_capture_on_commit_callbacks, smtp) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body(), key)

    assert response.status_code == 201, response.content
    answer = response.json()
    notice = Notice.objects.get(pk=answer["id"])
    assert answer["ticket"] == notice.ticket.reference and answer["kind"] == "alert"
    assert notice.organisation == world.alpha and notice.environment.name == "live1"
    assert notice.service_key.name == "Monitoring" and notice.raised_by_label == "Monitoring"
    assert notice.ticket.events.first().actor_label == "Monitoring"
    assert len(smtp.messages) == 2
    assert ServiceKey.objects.get().last_used_at is not None


@pytest.mark.parametrize("where", ["header", "field"])
def test_a_repeat_with_the_same_idempotency_key_returns_the_first_notice(client, world, area, key, where) -> None:
    def send(**changes: Any) -> Any:
        if where == "header":
            return post(client, body(**changes), key, **{"Idempotency-Key": "mon-42"})
        return post(client, body(idempotency_key="mon-42", **changes), key)

    first = send()
    again = send(title="The same alert, sent again by a retrying client")

    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "Increased error rate"
    assert Notice.objects.count() == 1 and OutboundEmail.objects.count() == 2


def test_the_idempotency_key_belongs_to_its_service_key(client, world, area, key) -> None:
    other = ServiceKey(name="Other monitor")
    other_secret = other.generate()
    other.save()

    first = post(client, body(), key, **{"Idempotency-Key": "k1"})
    second = post(client, body(), other_secret, **{"Idempotency-Key": "k1"})

    assert first.status_code == second.status_code == 201
    assert Notice.objects.count() == 2


@pytest.mark.parametrize("data, field, words", [
    (body(account_id="NOPE"), "account_id", "account id “NOPE”"),
    (body(account_id="OUTSIDER", environment="live9"), "environment", "has no environment “live9”"),
    (body(kind="incident"), "kind", "valid choice"),
    (body(area="Billing"), "area", "use one of: Query API"),
    (body(title=""), "title", "required"),
    (body(description=None), "description", "required"),
    (body(title=["a list"]), "title", "Must be a string"),
    (body(severity="1"), "severity", "Unknown field"),
    (body(title="x" * 201), "title", "at most 200"),
])
def test_bad_input_is_a_400_that_says_why_and_creates_nothing(client, world, area, key, data, field, words) -> None:
    tickets = Ticket.objects.count()

    response = post(client, data, key)

    assert response.status_code == 400
    answer = response.json()
    assert words in " ".join(answer["fields"][field]), answer
    assert Ticket.objects.count() == tickets and not Notice.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("raw, words", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ("", "must be a JSON object"),
])
def test_a_body_that_is_not_a_json_object_is_a_400(client, world, area, key, raw, words) -> None:
    response = post(client, raw, key)

    assert response.status_code == 400 and words in response.json()["error"]
    assert not Notice.objects.exists()


def test_differing_idempotency_keys_are_refused(client, world, area, key) -> None:
    response = post(client, body(idempotency_key="a"), key, **{"Idempotency-Key": "b"})
    assert response.status_code == 400 and not Notice.objects.exists()


def test_an_organisation_without_a_registered_contact_is_a_400(client, world, area, key) -> None:
    world.alpha.contacts.update(emergency_role="")
    response = post(client, body(), key)
    assert response.status_code == 400 and "no registered emergency contact" in response.json()["error"]
    assert not Ticket.objects.filter(organisation=world.alpha, ticket_type__slug="proactive-alert").exists()


@pytest.mark.parametrize("authorization", [None, "Bearer sdk_wrong", "Basic dXNlcjpwYXNz", "Bearer "])
def test_without_a_valid_key_the_answer_is_401(client, world, area, key, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(URL, json.dumps(body()), content_type="application/json", headers=headers)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert not Notice.objects.exists()


def test_an_inactive_key_and_a_signed_in_session_are_refused(client, world, area, key) -> None:
    ServiceKey.objects.update(active=False)
    assert post(client, body(), key).status_code == 401
    client.force_login(world.agent)
    assert post(client, body(), None).status_code == 401, "cookies never authenticate the API"
    assert not Notice.objects.exists()


def test_get_is_not_allowed(client, world, key) -> None:
    response = client.get(URL, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 405


def test_only_the_hash_of_a_key_is_stored_and_the_admin_shows_it_once(client, world) -> None:
    client.force_login(world.admin)
    response = client.post("/admin/notices/servicekey/add/", {"name": "Datadog", "active": "on"}, follow=True)

    [message] = [str(m) for m in response.context["messages"] if "Copy it now" in str(m)]
    secret = message.split(" is ")[1].split(".")[0]
    stored = ServiceKey.objects.get(name="Datadog")
    assert secret.startswith("sdk_") and secret not in stored.key_hash
    assert stored.key_hash == service_key_hash(secret)
    page = client.get(f"/admin/notices/servicekey/{stored.pk}/change/").content.decode()
    assert secret not in page


def test_last_used_is_recorded(client, world, area, key) -> None:
    before = timezone.now()
    post(client, body(), key)
    assert ServiceKey.objects.get().last_used_at >= before
