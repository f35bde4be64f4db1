"""Monitoring raises notices through POST /api/v1/notices/ with a service key; agents with their token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from api.tests.conftest import token_client
from monitoring.models import ServiceKey, service_key_hash
from notices.models import Notice
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


@pytest.fixture
def api_as():  # type: ignore[no-untyped-def]
    return token_client


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "account_id": "ALPHA",
        "kind": "alert",
        "area": "Query API",
        "environment": "live1",
        "title": "Increased error rate",
        "description": "503s on published endpoints.",
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
    """The API's one rule: the same key and body get the stored first answer, another body 422."""

    def send(**changes: Any) -> Any:
        if where == "header":
            return post(client, body(**changes), key, **{"Idempotency-Key": "mon-42"})
        return post(client, body(idempotency_key="mon-42", **changes), key)

    first = send()
    again = send()
    changed = send(title="The same key, another alert")

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert changed.status_code == 422 and changed.json()["error"]["code"] == "idempotency_key_reused"
    assert Notice.objects.count() == 1 and OutboundEmail.objects.count() == 2


def test_the_idempotency_key_belongs_to_its_service_key(client, world, area, key) -> None:
    other = ServiceKey(name="Other monitor")
    other_secret = other.generate()
    other.save()

    first = post(client, body(), key, **{"Idempotency-Key": "k1"})
    second = post(client, body(), other_secret, **{"Idempotency-Key": "k1"})

    assert first.status_code == second.status_code == 201
    assert Notice.objects.count() == 2


@pytest.mark.parametrize(
    "data, field, words",
    [
        (body(account_id="NOPE"), "account_id", "account id “NOPE”"),
        (body(account_id="OUTSIDER", environment="live9"), "environment", "has no environment “live9”"),
        (body(kind="incident"), "kind", "valid choice"),
        (body(area="Billing"), "area", "use one of: Query API"),
        (body(title=""), "title", "may not be blank"),
        (body(description=None), "description", "may not be null"),
        (body(title=["a list"]), "title", "Not a valid string"),
        (body(severity="1"), "severity", "Unknown field"),
        (body(title="x" * 201), "title", "no more than 200"),
    ],
)
def test_bad_input_is_a_400_that_says_why_and_creates_nothing(client, world, area, key, data, field, words) -> None:
    tickets = Ticket.objects.count()

    response = post(client, data, key)

    assert response.status_code == 400
    answer = response.json()["error"]
    assert answer["code"] == "validation_error"
    assert words in " ".join(answer["fields"][field]), answer
    assert Ticket.objects.count() == tickets and not Notice.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize(
    "raw, code",
    [
        ("{not json", "parse_error"),
        ("[1, 2]", "validation_error"),
        ("", "validation_error"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, world, area, key, raw, code) -> None:
    response = post(client, raw, key)

    assert response.status_code == 400 and response.json()["error"]["code"] == code
    assert not Notice.objects.exists()


def test_differing_idempotency_keys_are_refused(client, world, area, key) -> None:
    response = post(client, body(idempotency_key="a"), key, **{"Idempotency-Key": "b"})
    assert response.status_code == 400 and "differ" in response.json()["error"]["fields"]["idempotency_key"][0]
    assert not Notice.objects.exists()


def test_an_organisation_without_a_registered_contact_is_a_400(client, world, area, key) -> None:
    world.alpha.contacts.update(emergency_role="")
    response = post(client, body(), key)
    assert response.status_code == 400
    assert "no registered emergency contact" in response.json()["error"]["fields"]["non_field_errors"][0]
    assert not Ticket.objects.filter(organisation=world.alpha, ticket_type__slug="proactive-alert").exists()


@pytest.mark.parametrize("authorization", [None, "Bearer sdk_wrong", "Basic dXNlcjpwYXNz", "Bearer "])
def test_without_a_valid_key_the_answer_is_401(client, world, area, key, authorization) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post(URL, json.dumps(body()), content_type="application/json", headers=headers)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] in ("not_authenticated", "authentication_failed")
    assert not Notice.objects.exists()


def test_an_inactive_key_is_refused(client, world, area, key) -> None:
    ServiceKey.objects.update(active=False)
    assert post(client, body(), key).status_code == 401
    assert not Notice.objects.exists()


def test_an_agent_raises_a_notice_with_their_session_or_token(world, area, api_as) -> None:
    response = api_as(world.agent).post(URL, body(), format="json", headers={"Idempotency-Key": "desk-7"})

    assert response.status_code == 201, response.content
    notice = Notice.objects.get()
    assert notice.raised_by == world.agent and notice.service_key is None
    assert response.json()["raised_by"] == "Sam Agent"
    again = api_as(world.agent).post(URL, body(), format="json", headers={"Idempotency-Key": "desk-7"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and Notice.objects.count() == 1


def test_customers_may_not_raise_notices(world, area, api_as) -> None:
    response = api_as(world.alan).post(URL, body(), format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert not Notice.objects.exists()


def test_a_service_key_reads_back_only_the_notices_it_raised(client, world, area, key, api_as) -> None:
    mine = post(client, body(), key).json()
    by_agent = api_as(world.agent).post(URL, body(title="Raised in the desk"), format="json").json()
    headers = {"Authorization": f"Bearer {key}"}

    listed = client.get(URL, headers=headers).json()
    assert [notice["id"] for notice in listed["results"]] == [mine["id"]]
    assert client.get(f"{URL}{mine['id']}/", headers=headers).json()["emails"] == {"pending": 2}
    assert client.get(f"{URL}{by_agent['id']}/", headers=headers).status_code == 404
    assert api_as(world.agent).get(f"{URL}{mine['id']}/").status_code == 200


def test_a_service_key_cannot_post_updates_but_an_agent_can(
    client, world, area, key, api_as, smtp, django_capture_on_commit_callbacks
) -> None:
    notice = post(client, body(), key).json()
    url = f"{URL}{notice['id']}/updates/"

    refused = client.post(url, {"body": "Fixed"}, content_type="application/json", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        posted = api_as(world.agent).post(url, {"body": "The index change was rolled back."}, format="json")
    assert posted.status_code == 201, posted.content
    ticket = Notice.objects.get().ticket
    assert ticket.comments.get().body.startswith("The index change was rolled back.")
    assert len(smtp.messages) == 2
    assert api_as(world.agent).post(url, {"body": "  "}, format="json").status_code == 400


def test_only_the_hash_of_a_key_is_stored_and_the_admin_shows_it_once(client, world) -> None:
    client.force_login(world.admin)
    response = client.post("/admin/monitoring/servicekey/add/", {"name": "Datadog", "active": "on"}, follow=True)

    [message] = [str(m) for m in response.context["messages"] if "Copy it now" in str(m)]
    secret = message.split(" is ")[1].split(".")[0]
    stored = ServiceKey.objects.get(name="Datadog")
    assert secret.startswith("sdk_") and secret not in stored.key_hash
    assert stored.key_hash == service_key_hash(secret)
    page = client.get(f"/admin/monitoring/servicekey/{stored.pk}/change/").content.decode()
    assert secret not in page


def test_last_used_is_recorded(client, world, area, key) -> None:
    before = timezone.now()
    post(client, body(), key)
    assert ServiceKey.objects.get().last_used_at >= before
