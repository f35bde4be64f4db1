from __future__ import annotations

import pytest

from incidents import demo, page
from incidents.models import Component, Incident, IncidentUpdate

pytestmark = pytest.mark.django_db


def test_the_demo_status_page_is_idempotent_and_tells_a_story() -> None:
    demo.seed()
    counts = (Component.objects.count(), Incident.objects.count(), IncidentUpdate.objects.count())
    demo.seed()
    assert (Component.objects.count(), Incident.objects.count(), IncidentUpdate.objects.count()) == counts

    assert Component.objects.filter(group__name="Carriers · Spain").count() >= 3
    assert Component.objects.filter(name="Query API").count() == 2  # live1 and test1
    assert Incident.objects.filter(status="resolved").count() >= 15
    picture = page.picture()
    assert picture.indicator == "major"  # the open SEUR partial outage
    assert any(day.status != "operational" for group in picture.groups for view in group.components for day in view.days)
