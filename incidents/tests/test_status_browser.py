"""The status page in a real browser, at laptop and phone widths, in three states."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from incidents import publishing
from incidents.tests.factories import component
from tests.browser import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": 1280, "phone": 390}


def build_components() -> dict[str, object]:
    with time_machine.travel(timezone.now() - timedelta(days=120), tick=False):
        made = {
            "dashboard": component("Dashboard", group="Platform"),
            "api": component("Public API", group="Platform"),
            "labels_es": component("Correos", group="Carriers · Spain"),
            "dhl_es": component("DHL Express", group="Carriers · Spain"),
            "ctt_pt": component("CTT", group="Carriers · Portugal"),
            "shopify": component("Shopify", group="Shop integrations"),
            "woo": component("WooCommerce", group="Shop integrations"),
        }
    # A little history for the bars.
    with time_machine.travel(timezone.now() - timedelta(days=12), tick=False):
        old = publishing.incident_create(
            title="Shopify: orders imported late", message="Orders reach us with a delay of up to 20 minutes.",
            components={made["shopify"]: "degraded_performance"}, cause="integration", publish_now=True, source="agent",
        )
    with time_machine.travel(timezone.now() - timedelta(days=12) + timedelta(hours=3), tick=False):
        publishing.incident_resolve(incident=old, message="Imports are back to normal.")
    return made


def shoot(page, live_server, name: str) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/status/")
        page.screenshot(path=str(SCREENSHOTS / f"status-{name}-{label}.png"), full_page=True)


def test_status_page_all_operational(page, live_server) -> None:
    build_components()
    shoot(page, live_server, "operational")
    assert page.locator(".banner h1").inner_text() == "All systems operational"
    assert page.locator(".bar.s-degraded_performance").count() == 1


def test_status_page_partial_outage(page, live_server) -> None:
    made = build_components()
    incident = publishing.incident_create(
        title="Correos (Spain): labels cannot be created",
        message="Creating Correos labels fails for about a third of the requests. Retrying usually works.",
        components={made["labels_es"]: "partial_outage"}, market="Spain", cause="carrier",
        detected_at=timezone.now() - timedelta(minutes=31),
    )
    publishing.incidents_publish_due()
    publishing.incident_update_post(
        incident=incident, status="identified", message="Correos' label service answers with timeouts; we are in contact with them.",
    )
    shoot(page, live_server, "partial-outage")
    assert page.locator(".banner h1").inner_text() == "Partial system outage"
    assert page.get_by_text("Correos (Spain): labels cannot be created").count() == 1


def test_status_page_maintenance(page, live_server) -> None:
    made = build_components()
    now = timezone.now()
    publishing.maintenance_schedule(
        title="Public API database upgrade", message="The API answers read-only for up to 15 minutes.",
        components=[made["api"]], scheduled_for=now - timedelta(minutes=5), scheduled_until=now + timedelta(hours=1),
    )
    publishing.maintenance_schedule(
        title="Dashboard release", message="A new dashboard release; short interruptions are possible.",
        components=[made["dashboard"]], scheduled_for=now + timedelta(days=2), scheduled_until=now + timedelta(days=2, hours=1),
    )
    publishing.maintenances_advance()
    shoot(page, live_server, "maintenance")
    assert page.locator(".banner h1").inner_text() == "Service under maintenance"
