"""The status page and the desk's status pages in a real browser, at laptop and phone sizes, for a person to look at.

STATUS_SHOTS=/tmp/shots/status pytest incidents/tests/test_status_browser.py
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from incidents import affected, publishing
from incidents.tests.factories import component
from notices.models import ProductArea
from tests.browser import LAPTOP, PHONE, SCREENSHOTS, sign_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": LAPTOP, "phone": PHONE}


def shots_dir() -> Path:
    path = Path(os.environ.get("STATUS_SHOTS", SCREENSHOTS / "status"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def picture(page: Any, name: str) -> None:
    """The current page at both sizes."""
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(shots_dir() / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(LAPTOP)


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
    # A little history for the bars: three hours on one day, whatever the hour the suite runs at.
    morning = (timezone.now() - timedelta(days=12)).replace(hour=9, minute=0, second=0, microsecond=0)
    with time_machine.travel(morning, tick=False):
        old = publishing.incident_create(
            title="Shopify: orders imported late",
            message="Orders reach us with a delay of up to 20 minutes.",
            components={made["shopify"]: "degraded_performance"},
            cause="integration",
            publish_now=True,
            source="agent",
        )
    with time_machine.travel(morning + timedelta(hours=3), tick=False):
        publishing.incident_resolve(incident=old, message="Imports are back to normal.")
    return made


def shoot(page, live_server, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/status/")
    picture(page, f"status-{name}")


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
        components={made["labels_es"]: "partial_outage"},
        market="Spain",
        cause="carrier",
        detected_at=timezone.now() - timedelta(minutes=31),
    )
    publishing.incidents_publish_due()
    publishing.incident_update_post(
        incident=incident,
        status="identified",
        message="Correos' label service answers with timeouts; we are in contact with them.",
    )
    shoot(page, live_server, "partial-outage")
    assert page.locator(".banner h1").inner_text() == "Partial system outage"
    assert page.get_by_text("Correos (Spain): labels cannot be created").count() == 1


def test_status_page_maintenance(page, live_server) -> None:
    made = build_components()
    now = timezone.now()
    publishing.maintenance_schedule(
        title="Public API database upgrade",
        message="The API answers read-only for up to 15 minutes.",
        components=[made["api"]],
        scheduled_for=now - timedelta(minutes=5),
        scheduled_until=now + timedelta(hours=1),
    )
    publishing.maintenance_schedule(
        title="Dashboard release",
        message="A new dashboard release; short interruptions are possible.",
        components=[made["dashboard"]],
        scheduled_for=now + timedelta(days=2),
        scheduled_until=now + timedelta(days=2, hours=1),
    )
    publishing.maintenances_advance()
    shoot(page, live_server, "maintenance")
    assert page.locator(".banner h1").inner_text() == "Service under maintenance"


@pytest.mark.usefixtures("shipped_defaults")
def test_desk_status_pages(page, live_server) -> None:
    made = build_components()
    UserFactory(email="sam@vendor.example", full_name="Sam Agent", role="agent")
    alpha = OrganisationFactory(name="Alpha Shop", account_id="ALPHA")
    OrganisationFactory(name="Beta Boutique", account_id="BETA")
    area = ProductArea.objects.get_or_create(name="Label creation")[0]
    incident = publishing.incident_create(
        title="Correos (Spain): labels cannot be created",
        message="Creating Correos labels fails for about a third of the requests. Retrying usually works.",
        components={made["labels_es"]: "partial_outage"},
        market="Spain",
        cause="carrier",
        source="agent",
        publish_now=True,
    )
    from accounts.models import User

    agent = User.objects.get(email="sam@vendor.example")
    publishing.incident_update_post(
        incident=incident,
        status="identified",
        actor=agent,
        message="Correos' label service answers with timeouts; we are in contact with them.",
    )
    affected.incident_organisations_link(incident=incident, organisations=[alpha], area=area, actor=agent)

    sign_in(page, "sam@vendor.example")
    page.goto("/desk/status/")
    picture(page, "desk-status-list")
    assert page.get_by_text("Correos (Spain): labels cannot be created").first.is_visible()

    page.goto(f"/desk/status/incidents/{incident.pk}/")
    picture(page, "desk-status-incident")
    assert page.locator("#organisations").get_by_text("Alpha Shop").is_visible()
    assert page.get_by_role("button", name="Post the update").is_visible()

    page.goto("/desk/status/incidents/new/")
    picture(page, "desk-status-new-incident")
    assert page.get_by_role("button", name="Open the incident").is_visible()

    page.goto("/desk/status/maintenance/new/")
    picture(page, "desk-status-maintenance")
    assert page.get_by_role("button", name="Schedule").is_visible()
