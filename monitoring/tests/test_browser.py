"""An agent follows monitoring's alerts in a real browser; pictures at 1280 and 390 px."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from monitoring.models import Alert
from monitoring.tests.conftest import AM_URL, am_alert, am_payload
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pictures(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, name)
    screenshot(page, name, phone=True)


def test_an_agent_finds_the_unmatched_alert_and_the_alerts_behind_a_notice(shipped_defaults, page, world, rule) -> None:
    monitor = APIClient()
    from monitoring.tests.factories import ServiceKeyFactory

    monitor.credentials(HTTP_AUTHORIZATION=f"Bearer {ServiceKeyFactory(name='Prometheus').secret}")
    monitor.post(AM_URL, am_payload(am_alert("4f1c9e2ab37d", instance="checkout-eu-1")), format="json")
    monitor.post(AM_URL, am_payload(am_alert("9ab0c3d4e5f6", team="search", shard="eu-7")), format="json")
    sign_in(page, "sam@vendor.example")

    page.goto("/desk/")
    page.click("nav >> text=Alerts")
    assert page.get_by_text("No routing rule matches these labels.").is_visible()
    assert page.get_by_text("shard=eu-7").is_visible()
    pictures(page, "monitoring-alerts")

    notice = Alert.objects.get(key="4f1c9e2ab37d").notice
    page.goto(f"/desk/notices/{notice.pk}/")
    assert page.get_by_text("4f1c9e2ab37d").is_visible()
    pictures(page, "monitoring-notice")
