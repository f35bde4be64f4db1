"""Agents run incidents from /desk/status/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from incidents.models import Component, Incident, IncidentEvent
from incidents.tests.factories import component

pytestmark = pytest.mark.django_db


def test_an_agent_opens_updates_and_resolves_an_incident(client, world) -> None:
    client.force_login(world.agent)
    labels = component("Correos", group="Carriers · Spain")
    assert client.get(reverse("desk_status:overview")).status_code == 200

    response = client.post(
        reverse("desk_status:incident_create"),
        {
            "title": "Correos (Spain): labels fail",
            "message": "Labels fail.",
            "market": "Spain",
            "cause": "carrier",
            "status": "investigating",
            "components": [labels.pk],
            "impact": "partial_outage",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.published_at is None and incident.created_by == world.agent  # not ticked: waits for the 30 minutes

    client.post(reverse("desk_status:publish", args=[incident.pk]))
    incident.refresh_from_db()
    assert incident.published_at is not None
    assert incident.events.get(kind=IncidentEvent.Kind.PUBLISHED).actor == world.agent

    detail = reverse("desk_status:incident", args=[incident.pk])
    client.post(
        detail,
        {
            "status": "monitoring",
            "message": "Fixed, watching.",
            "components": [labels.pk],
            "impact": "degraded_performance",
        },
    )
    incident.refresh_from_db()
    assert incident.status == "monitoring" and incident.impact == "minor"
    page = client.get(detail).content.decode()
    assert "Fixed, watching." in page and "Timeline" in page


def test_bad_input_changes_nothing(client, world) -> None:
    client.force_login(world.agent)
    response = client.post(reverse("desk_status:incident_create"), {"title": "", "message": ""})
    assert response.status_code == 200 and not Incident.objects.exists()


def test_an_agent_sets_a_component_status_and_schedules_maintenance(client, world) -> None:
    client.force_login(world.agent)
    api = component("Public API")
    client.post(reverse("desk_status:component_status", args=[api.pk]), {"status": "degraded_performance"})
    assert Component.objects.get(pk=api.pk).status == "degraded_performance"

    response = client.post(
        reverse("desk_status:maintenance_create"),
        {
            "title": "API upgrade",
            "message": "Read-only.",
            "components": [api.pk],
            "scheduled_for": "2030-05-01T02:00",
            "scheduled_until": "2030-05-01T01:00",
        },
    )
    assert response.status_code == 200 and "must end after it starts" in response.content.decode()
    client.post(
        reverse("desk_status:maintenance_create"),
        {
            "title": "API upgrade",
            "message": "Read-only.",
            "components": [api.pk],
            "scheduled_for": "2030-05-01T02:00",
            "scheduled_until": "2030-05-01T03:00",
        },
    )
    window = Incident.objects.get(kind="maintenance")
    assert window.status == "scheduled" and window.published_at is not None


def test_customers_cannot_run_incidents(client, world) -> None:
    client.force_login(world.alice)
    assert client.get(reverse("desk_status:overview")).status_code == 403
    assert client.post(reverse("desk_status:incident_create"), {"title": "x"}).status_code == 403
