"""Seed 001's publication rules, travelling in time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from incidents import publishing, selectors
from incidents.models import Incident, IncidentEvent
from incidents.tasks import status_page_sweep
from incidents.tests.factories import component

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def public_ids() -> set[int]:
    return set(selectors.incidents_public().values_list("pk", flat=True))


def raise_from_monitoring(**kwargs: object) -> Incident:
    labels = component()
    defaults: dict[str, object] = {
        "title": "DHL (Spain): labels cannot be created",
        "message": "Creating DHL labels fails for Spanish shops.",
        "components": {labels: "partial_outage"},
        "market": "Spain",
        "cause": Incident.Cause.CARRIER,
    }
    return publishing.incident_create(**{**defaults, **kwargs})  # type: ignore[arg-type]


def test_a_monitoring_incident_is_published_at_minute_30_and_not_at_29() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring()
    assert incident.pk not in public_ids()

    with time_machine.travel(T0 + timedelta(minutes=29, seconds=59), tick=False):
        status_page_sweep()
    assert incident.pk not in public_ids()

    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        status_page_sweep()
    assert incident.pk in public_ids()
    incident.refresh_from_db()
    assert incident.published_at == T0 + timedelta(minutes=30)
    published = incident.events.get(kind=IncidentEvent.Kind.PUBLISHED)
    assert published.actor_label == publishing.RULES and "30 minutes" in published.reason


def test_publication_counts_from_detection_not_from_creation() -> None:
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        incident = raise_from_monitoring(detected_at=T0)
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        status_page_sweep()
    assert incident.pk in public_ids()


def test_a_code_change_incident_is_published_at_once() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring(cause=Incident.Cause.CODE_CHANGE)
    assert incident.pk in public_ids()
    assert incident.published_at == T0
    assert "code change" in incident.events.get(kind=IncidentEvent.Kind.PUBLISHED).reason


def test_an_incident_resolved_within_30_minutes_never_reaches_the_page() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring()
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        publishing.incident_resolve(incident=incident, message="Recovered by itself.")
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        status_page_sweep()
    assert incident.pk not in public_ids()


def test_an_agent_may_publish_earlier_and_the_sweep_then_leaves_it_alone() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring()
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert publishing.incident_publish(incident=incident) is True
        assert publishing.incident_publish(incident=incident) is False
    with time_machine.travel(T0 + timedelta(minutes=31), tick=False):
        assert status_page_sweep()["published"] == []
    incident.refresh_from_db()
    assert incident.published_at == T0 + timedelta(minutes=5)
    assert incident.events.filter(kind=IncidentEvent.Kind.PUBLISHED).count() == 1


def test_monitoring_becomes_resolved_after_10_quiet_minutes_and_not_after_9() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring(cause=Incident.Cause.CODE_CHANGE)
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        publishing.incident_update_post(incident=incident, status="monitoring", message="A fix is deployed; watching.")

    with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
        status_page_sweep()
    incident.refresh_from_db()
    assert incident.status == "monitoring"

    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        status_page_sweep()
    incident.refresh_from_db()
    assert incident.status == "resolved" and incident.resolved_at == T0 + timedelta(minutes=30)
    assert incident.updates.first().status == "resolved"
    resolved = incident.events.get(kind=IncidentEvent.Kind.RESOLVED)
    assert resolved.actor_label == publishing.RULES and "10 minutes" in resolved.reason


def test_a_relapse_restarts_the_10_minutes() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring(cause=Incident.Cause.CODE_CHANGE)
        publishing.incident_update_post(incident=incident, status="monitoring", message="Fix deployed.")
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        publishing.incident_update_post(incident=incident, status="identified", message="Errors are back.")
    with time_machine.travel(T0 + timedelta(minutes=8), tick=False):
        publishing.incident_update_post(incident=incident, status="monitoring", message="Second fix deployed.")
    with time_machine.travel(T0 + timedelta(minutes=17), tick=False):
        status_page_sweep()
    incident.refresh_from_db()
    assert incident.status == "monitoring"
    with time_machine.travel(T0 + timedelta(minutes=18), tick=False):
        status_page_sweep()
    incident.refresh_from_db()
    assert incident.status == "resolved"


def test_two_sweeps_at_once_act_once() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring()
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        first = publishing.incidents_publish_due()
        second = publishing.incidents_publish_due()
    assert first == [incident.pk] and second == []
    assert incident.events.filter(kind=IncidentEvent.Kind.PUBLISHED).count() == 1


def test_updates_carry_component_changes_and_recompute_the_impact() -> None:
    with time_machine.travel(T0, tick=False):
        incident = raise_from_monitoring(cause=Incident.Cause.CODE_CHANGE)
    assert incident.impact == "major"
    labels = incident.components.get()
    update = publishing.incident_update_post(
        incident=incident,
        status="identified",
        message="Worse than thought.",
        components={labels: "major_outage"},
    )
    incident.refresh_from_db()
    assert incident.impact == "critical"
    assert update.affected_components == [
        {"code": labels.public_id, "name": labels.name, "old_status": "partial_outage", "new_status": "major_outage"},
    ]
    assert incident.events.filter(kind=IncidentEvent.Kind.COMPONENTS).exists()


def test_an_update_with_a_maintenance_status_or_no_message_changes_nothing() -> None:
    incident = raise_from_monitoring()
    with pytest.raises(ValidationError):
        publishing.incident_update_post(incident=incident, status="in_progress", message="x")
    with pytest.raises(ValidationError):
        publishing.incident_update_post(incident=incident, status="identified", message="  ")
    incident.refresh_from_db()
    assert incident.status == "investigating" and incident.updates.count() == 1


def test_a_maintenance_window_starts_and_completes_on_time() -> None:
    db = component("Database")
    with time_machine.travel(T0, tick=False):
        window = publishing.maintenance_schedule(
            title="Database upgrade",
            message="Short read-only periods.",
            components=[db],
            scheduled_for=T0 + timedelta(hours=2),
            scheduled_until=T0 + timedelta(hours=3),
        )
    assert window.pk in public_ids() and window.status == "scheduled"
    assert list(selectors.maintenances_upcoming()) == [window]

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        status_page_sweep()
    window.refresh_from_db()
    assert window.status == "in_progress"
    assert list(selectors.maintenances_active()) == [window]

    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        status_page_sweep()
    window.refresh_from_db()
    assert window.status == "completed" and window.resolved_at == T0 + timedelta(hours=3)
    assert [u.status for u in window.updates.all()] == ["completed", "in_progress", "scheduled"]


def test_a_window_must_end_after_it_starts() -> None:
    with pytest.raises(ValidationError):
        publishing.maintenance_schedule(title="x", message="y", components=[], scheduled_for=T0, scheduled_until=T0)
