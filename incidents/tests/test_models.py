from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from incidents.models import Incident, IncidentEvent

pytestmark = pytest.mark.django_db


def test_a_maintenance_needs_a_window_and_its_own_statuses() -> None:
    now = timezone.now()
    with pytest.raises(IntegrityError):
        Incident.objects.create(kind="maintenance", title="Upgrade", message="m", detected_at=now, status="scheduled")


def test_an_incident_cannot_take_a_maintenance_status() -> None:
    with pytest.raises(IntegrityError):
        Incident.objects.create(title="Down", message="m", detected_at=timezone.now(), status="in_progress")


def test_a_window_ends_after_it_starts() -> None:
    now = timezone.now()
    with pytest.raises(IntegrityError):
        Incident.objects.create(
            kind="maintenance",
            title="Upgrade",
            message="m",
            detected_at=now,
            status="scheduled",
            scheduled_for=now,
            scheduled_until=now - timedelta(hours=1),
        )


def test_the_timeline_is_append_only() -> None:
    incident = Incident.objects.create(title="Down", message="m", detected_at=timezone.now())
    event = IncidentEvent.objects.create(incident=incident, kind="created", reason="test")
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        IncidentEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(TypeError):
        event.delete()
