"""Monitoring and agents run status-page incidents through the API; a service key can do nothing else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from incidents import publishing
from incidents.models import Incident
from incidents.tests.factories import component
from monitoring.models import ServiceKey
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitoring(db) -> APIClient:  # type: ignore[no-untyped-def]
    """A client holding the service key of “Datadog monitors”."""
    service_key = ServiceKey(name="Datadog monitors")
    key = service_key.generate()
    service_key.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def labels(db):  # type: ignore[no-untyped-def]
    return component("Label creation", group="Carriers · Spain")


def incident_body(labels: Any, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "SEUR labels fail in Spain",
        "message": "Label requests to SEUR time out.",
        "market": "Spain",
        "cause": "carrier",
        "components": [{"id": labels.pk, "impact": "major_outage"}],
    } | overrides


def test_monitoring_opens_an_incident_published_after_30_minutes(monitoring, labels) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = monitoring.post("/api/v1/incidents/", incident_body(labels), format="json")

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["source"] == "monitoring" and answer["status"] == "investigating"
    assert answer["published"] is False and answer["impact"] == "critical"
    assert answer["components"] == [{"id": labels.pk, "name": "Label creation", "impact": "major_outage"}]
    assert response["Location"] == f"/api/v1/incidents/{answer['id']}/"
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert publishing.incidents_publish_due() == [answer["id"]]
    assert monitoring.get(f"/api/v1/incidents/{answer['id']}/").json()["published"] is True


def test_a_code_change_is_published_at_once_but_monitoring_may_not_ask_to_publish(monitoring, labels) -> None:
    refused = monitoring.post("/api/v1/incidents/", incident_body(labels, publish_now=True), format="json")
    assert refused.status_code == 400 and "publish_now" in refused.json()["error"]["fields"]
    assert not Incident.objects.exists()

    response = monitoring.post("/api/v1/incidents/", incident_body(labels, cause="code_change"), format="json")
    assert response.status_code == 201 and response.json()["published"] is True


def test_monitoring_posts_updates_until_resolved_under_its_own_name(monitoring, labels) -> None:
    incident = monitoring.post("/api/v1/incidents/", incident_body(labels), format="json").json()
    url = f"/api/v1/incidents/{incident['id']}/updates/"

    monitoring_update = {
        "status": "monitoring",
        "message": "Fix deployed.",
        "components": [{"id": labels.pk, "impact": "degraded_performance"}],
    }
    assert monitoring.post(url, monitoring_update, format="json").status_code == 201
    assert monitoring.post(url, {"status": "resolved", "message": "Labels flow again."}, format="json").status_code == 201

    stored = Incident.objects.get(pk=incident["id"])
    assert stored.status == "resolved" and stored.resolved_at is not None
    assert stored.events.filter(kind="resolved").get().actor_label == "Datadog monitors"
    updates = monitoring.get(url).json()["results"]
    assert [u["status"] for u in updates] == ["resolved", "monitoring", "investigating"]
    closed = monitoring.post(url, {"status": "identified", "message": "Again?"}, format="json")
    assert closed.status_code == 400 and "closed" in closed.json()["error"]["fields"]["non_field_errors"][0]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"components": [{"id": 999999, "impact": "major_outage"}]}, "components"),
        ({"components": [{"id": 1, "impact": "on_fire"}]}, "components"),
        ({"status": "resolved"}, "status"),
        ({"title": "   "}, "title"),
        ({"detected_at": "2999-01-01T00:00:00Z"}, "non_field_errors"),
        ({"severity": 1}, "severity"),
    ],
)
def test_bad_incidents_are_a_400_that_names_the_field_and_open_nothing(monitoring, labels, change, field) -> None:
    response = monitoring.post("/api/v1/incidents/", incident_body(labels, **change), format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"], response.json()
    assert not Incident.objects.exists()


def test_an_agent_opens_and_publishes_an_incident(world, api_as, labels) -> None:
    agent = api_as(world.agent)
    incident = agent.post("/api/v1/incidents/", incident_body(labels), format="json").json()
    assert incident["source"] == "agent" and incident["published"] is False

    published = agent.post(f"/api/v1/incidents/{incident['id']}/publish/")
    assert published.status_code == 200 and published.json()["published"] is True
    assert Incident.objects.get().created_by == world.agent


def test_components_are_listed_for_monitoring(monitoring, labels) -> None:
    answer = monitoring.get("/api/v1/components/").json()
    assert answer["results"] == [
        {"id": labels.pk, "name": "Label creation", "group": "Carriers · Spain", "status": "operational", "description": ""},
    ]


@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/api/v1/tickets/"),
        ("post", "/api/v1/tickets/"),
        ("get", "/api/v1/contacts/"),
        ("post", "/api/v1/incidents/1/publish/"),
        ("post", "/api/v1/notices/1/updates/"),
    ],
)
def test_a_service_key_can_do_nothing_else(monitoring, world, method, url) -> None:
    tickets = Ticket.objects.count()

    response = getattr(monitoring, method)(url, {"summary": "x", "type": "development-question"}, format="json")

    assert response.status_code == 403
    assert "service key may only" in response.json()["error"]["message"]
    assert Ticket.objects.count() == tickets


def test_customers_never_reach_incidents_or_notices(world, api_as, labels) -> None:
    customer = api_as(world.alan)
    for url in ("/api/v1/incidents/", "/api/v1/components/", "/api/v1/notices/"):
        assert customer.get(url).status_code == 403
    assert customer.post("/api/v1/incidents/", incident_body(labels), format="json").status_code == 403
    assert not Incident.objects.exists()


def test_an_inactive_service_key_gets_401(monitoring, labels) -> None:
    ServiceKey.objects.update(active=False)
    response = monitoring.get("/api/v1/components/")
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"


def test_the_schema_documents_the_service_key_only_where_it_is_let_in(client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["serviceKey"]["scheme"] == "bearer"
    paths = schema["paths"]
    assert {"serviceKey": []} in paths["/api/v1/incidents/"]["post"]["security"]
    assert {"serviceKey": []} in paths["/api/v1/notices/"]["post"]["security"]
    assert {"serviceKey": []} not in paths["/api/v1/tickets/"]["get"]["security"]
    assert {"serviceKey": []} not in paths["/api/v1/incidents/{incident_id}/publish/"]["post"]["security"]


def test_a_retried_incident_with_the_same_idempotency_key_opens_one(monitoring, labels) -> None:
    headers = {"Idempotency-Key": "datadog-alert-881"}

    first = monitoring.post("/api/v1/incidents/", incident_body(labels), format="json", headers=headers)
    again = monitoring.post("/api/v1/incidents/", incident_body(labels), format="json", headers=headers)
    other = monitoring.post("/api/v1/incidents/", incident_body(labels, title="Other"), format="json", headers=headers)

    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert other.status_code == 422
    assert Incident.objects.count() == 1
