"""The JSON API speaks Statuspage v2: field names, enum values, shapes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incidents import publishing, rollup
from incidents.models import Incident
from incidents.tests.factories import component

pytestmark = pytest.mark.django_db

PAGE_FIELDS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_FIELDS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
}
INCIDENT_FIELDS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "impact",
    "shortlink",
    "started_at",
    "page_id",
    "incident_updates",
    "components",
}
UPDATE_FIELDS = {"id", "status", "body", "incident_id", "created_at", "updated_at", "display_at", "affected_components"}
COMPONENT_STATUSES = {"operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"}
INCIDENT_STATUSES = {"investigating", "identified", "monitoring", "resolved", "postmortem"}
MAINTENANCE_STATUSES = {"scheduled", "in_progress", "verifying", "completed"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
BASE = "/status/api/v2/"


def fetch(client: Client, path: str) -> dict:
    response = client.get(BASE + path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert set(data["page"]) == PAGE_FIELDS
    return data


@pytest.fixture
def world_of_incidents():  # type: ignore[no-untyped-def]
    labels = component("Correos", group="Carriers · Spain")
    api = component("Public API", group="Platform", description="REST API")
    dashboard = component("Dashboard", group="Platform")
    ungrouped = component("Docs", group="Platform")
    ungrouped.group = None
    ungrouped.save()
    outage = publishing.incident_create(
        title="Correos (Spain): labels fail",
        message="Labels fail.",
        components={labels: "partial_outage"},
        cause="code_change",
        market="Spain",
    )
    publishing.incident_update_post(incident=outage, status="identified", message="Found it.", components={labels: "major_outage"})
    hidden = publishing.incident_create(title="CANARY hidden", message="x", components={dashboard: "major_outage"})
    now = timezone.now()
    active = publishing.maintenance_schedule(
        title="API upgrade",
        message="Read-only.",
        components=[api],
        scheduled_for=now - timedelta(minutes=1),
        scheduled_until=now + timedelta(hours=1),
    )
    publishing.maintenances_advance()
    upcoming = publishing.maintenance_schedule(
        title="Dashboard release",
        message="Short blips.",
        components=[dashboard],
        scheduled_for=now + timedelta(days=1),
        scheduled_until=now + timedelta(days=1, hours=1),
    )
    return {
        "labels": labels,
        "api": api,
        "dashboard": dashboard,
        "outage": outage,
        "hidden": hidden,
        "active": active,
        "upcoming": upcoming,
    }


def check_incident(incident: dict, *, maintenance: bool = False) -> None:
    expected = INCIDENT_FIELDS | ({"scheduled_for", "scheduled_until"} if maintenance else set())
    assert set(incident) == expected
    assert incident["status"] in (MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES)
    assert incident["impact"] in IMPACTS
    assert isinstance(incident["id"], str)
    for update in incident["incident_updates"]:
        assert set(update) >= UPDATE_FIELDS
        assert update["incident_id"] == incident["id"]
        assert update["status"] in (MAINTENANCE_STATUSES if maintenance else INCIDENT_STATUSES)
    for item in incident["components"]:
        assert set(item) >= COMPONENT_FIELDS and item["status"] in COMPONENT_STATUSES


def test_status_json(client, world_of_incidents) -> None:
    data = fetch(client, "status.json")
    assert set(data) == {"page", "status"}
    assert data["status"] == {"indicator": "critical", "description": "Major Service Outage"}


def test_status_json_all_operational(client) -> None:
    component("Dashboard")
    assert fetch(client, "status.json")["status"] == {"indicator": "none", "description": "All Systems Operational"}


def test_summary_json_has_every_part_with_statuspage_names(client, world_of_incidents) -> None:
    w = world_of_incidents
    data = fetch(client, "summary.json")

    assert set(data) == {"page", "components", "incidents", "scheduled_maintenances", "status"}
    assert data["status"]["indicator"] in set(rollup.INDICATORS)
    by_name = {c["name"]: c for c in data["components"]}
    assert by_name["Correos"]["status"] == "major_outage"
    assert by_name["Public API"]["status"] == "under_maintenance"
    assert by_name["Dashboard"]["status"] == "operational"  # the unpublished incident counts for nothing
    assert by_name["Public API"]["description"] == "REST API" and by_name["Dashboard"]["description"] is None
    platform = by_name["Platform"]
    assert platform["group"] is True and set(platform["components"]) == {w["api"].public_id, w["dashboard"].public_id}
    assert platform["status"] == "under_maintenance"
    assert by_name["Dashboard"]["group_id"] == platform["id"] and by_name["Docs"]["group_id"] is None
    assert [c["position"] for c in data["components"]] == list(range(1, len(data["components"]) + 1))
    for item in data["components"]:
        assert set(item) >= COMPONENT_FIELDS and item["status"] in COMPONENT_STATUSES

    assert [i["name"] for i in data["incidents"]] == [w["outage"].title]
    check_incident(data["incidents"][0])
    outage = data["incidents"][0]
    assert outage["impact"] == "critical" and outage["status"] == "identified"
    assert [u["status"] for u in outage["incident_updates"]] == ["identified", "investigating"]
    assert outage["incident_updates"][0]["affected_components"] == [
        {"code": w["labels"].public_id, "name": "Correos", "old_status": "partial_outage", "new_status": "major_outage"},
    ]
    assert outage["shortlink"].endswith(f"/status/incidents/{w['outage'].pk}/")

    names = [m["name"] for m in data["scheduled_maintenances"]]
    assert names == ["API upgrade", "Dashboard release"]
    for maintenance in data["scheduled_maintenances"]:
        check_incident(maintenance, maintenance=True)
    assert "CANARY" not in str(data)


def test_components_json(client, world_of_incidents) -> None:
    data = fetch(client, "components.json")
    assert set(data) == {"page", "components"}
    assert {c["name"] for c in data["components"]} >= {"Correos", "Public API", "Platform", "Carriers · Spain"}


def test_incidents_lists_and_unresolved(client, world_of_incidents) -> None:
    w = world_of_incidents
    resolved = publishing.incident_create(title="Old one", message="m", cause="code_change")
    publishing.incident_resolve(incident=resolved)

    everything = fetch(client, "incidents.json")
    unresolved = fetch(client, "incidents/unresolved.json")

    assert {i["name"] for i in everything["incidents"]} == {w["outage"].title, "Old one"}
    assert [i["name"] for i in unresolved["incidents"]] == [w["outage"].title]
    for incident in everything["incidents"]:
        check_incident(incident)
    resolved_json = next(i for i in everything["incidents"] if i["name"] == "Old one")
    assert resolved_json["status"] == "resolved" and resolved_json["resolved_at"].endswith("Z")


def test_scheduled_maintenance_lists(client, world_of_incidents) -> None:
    assert [m["name"] for m in fetch(client, "scheduled-maintenances.json")["scheduled_maintenances"]] == [
        "Dashboard release",
        "API upgrade",
    ]
    upcoming = fetch(client, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    active = fetch(client, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    assert [m["name"] for m in upcoming] == ["Dashboard release"] and upcoming[0]["status"] == "scheduled"
    assert [m["name"] for m in active] == ["API upgrade"] and active[0]["status"] == "in_progress"
    assert active[0]["impact"] == "maintenance"
    assert active[0]["scheduled_for"] < active[0]["scheduled_until"]


def test_cors_preflight_and_no_writes(client) -> None:
    preflight = client.options(BASE + "summary.json")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Origin"] == "*"
    assert client.post(BASE + "summary.json").status_code == 405


def test_the_json_is_cached_and_a_change_shows_at_once(client, django_assert_num_queries) -> None:
    fetch(client, "summary.json")
    with django_assert_num_queries(0):
        fetch(client, "summary.json")
    publishing.incident_create(title="New outage", message="m", cause=Incident.Cause.CODE_CHANGE)
    assert [i["name"] for i in fetch(client, "summary.json")["incidents"]] == ["New outage"]
