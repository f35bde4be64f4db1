"""Chromium: the open-incident banner in the portal, managing a status subscription, confirming a contact's removal."""

from __future__ import annotations

import pytest

from customers.models import Contact
from incidents import publishing, subscriptions
from incidents.models import Subscriber
from incidents.tests.factories import component
from tests.browser import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def test_a_customer_sees_the_incidents_that_concern_them_and_follows_one_to_the_status_page(page, world, live_server):
    seur = component("SEUR", group="Carriers · Spain")
    seur.organisations.add(world.alpha)
    ctt = component("CTT", group="Carriers · Portugal")
    ctt.organisations.add(world.outsider)
    incident = publishing.incident_create(
        title="SEUR (Spain): labels cannot be created",
        message="Labels fail.",
        components={seur: "partial_outage"},
        cause="code_change",
    )
    publishing.incident_update_post(incident=incident, status="identified", message="SEUR answers with timeouts.")
    publishing.incident_create(
        title="CTT (Portugal): Outsider's carrier down", message="m", components={ctt: "major_outage"}, cause="code_change"
    )
    sign_in(page, "alice@alpha.example")
    page.goto(live_server.url + "/portal/")
    banner = page.locator(".incident-banner")
    assert "SEUR (Spain): labels cannot be created" in banner.inner_text() and "Identified" in banner.inner_text()
    assert "CTT" not in banner.inner_text()
    screenshot(page, "portal-incident-banner")
    screenshot(page, "portal-incident-banner", phone=True)
    page.goto(live_server.url + "/portal/new/")
    assert "we already know and are working on it" in page.locator(".incident-banner").inner_text()
    screenshot(page, "portal-new-request-incident-banner")
    screenshot(page, "portal-new-request-incident-banner", phone=True)
    page.click(".incident-banner a:has-text('Follow it on the status page')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/status/incidents/{incident.pk}/")
    assert "SEUR answers with timeouts." in page.content()


def test_a_subscriber_takes_a_whole_group_with_its_box_then_unsubscribes(page, live_server):
    correos, seur = component("Correos", group="Carriers · Spain"), component("SEUR", group="Carriers · Spain")
    ctt = component("CTT", group="Carriers · Portugal")
    component("Shopify", group="Shop integrations")
    page.goto(live_server.url + "/status/subscribe/")
    screenshot(page, "status-subscribe")
    screenshot(page, "status-subscribe", phone=True)
    subscriber = subscriptions.subscriber_subscribe(email="ops@shop.example", components=[ctt])
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + subscriptions.manage_path(subscriber))
    spain = page.locator("fieldset.component-group", has_text="Carriers · Spain")
    spain.locator("[data-group-toggle]").check()
    assert spain.locator("input[name=components]:checked").count() == 2, "the group's box ticks its components"
    spain.get_by_label("SEUR").uncheck()
    assert spain.locator("[data-group-toggle]").evaluate("box => box.indeterminate && !box.checked")
    spain.get_by_label("SEUR").check()
    screenshot(page, "status-manage-subscription")
    screenshot(page, "status-manage-subscription", phone=True)
    page.click("button:has-text('Save my choice')")
    page.wait_for_load_state("networkidle")
    assert "Your choice is saved." in page.locator(".messages").inner_text()
    subscriber.refresh_from_db()
    assert {c.name for c in subscriber.components.all()} == {"Correos", "SEUR", "CTT"} and subscriber.is_active
    assert correos in subscriber.components.all() and seur in subscriber.components.all()
    page.click("button:has-text('Unsubscribe from everything')")
    page.wait_for_load_state("networkidle")
    assert "You are unsubscribed" in page.locator(".messages").inner_text()
    assert not Subscriber.objects.get(pk=subscriber.pk).is_active
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_removing_an_emergency_contact_is_confirmed_on_its_own_page(page, world, live_server):
    Contact.objects.create(
        organisation=world.alpha,
        name="Night shift",
        email="night@alpha.example",
        kind="list",
        emergency_role="additional",
        emergency_order=2,
    )
    sign_in(page, "alan@alpha.example")
    page.goto(live_server.url + "/portal/organisation/contacts/")
    page.locator("tr", has_text="Night shift").get_by_role("link", name="Remove").click()
    page.wait_for_load_state("networkidle")
    assert "Remove Night shift?" in page.locator("h1").inner_text()
    screenshot(page, "portal-contact-remove-confirm")
    screenshot(page, "portal-contact-remove-confirm", phone=True)
    page.click("button:has-text('Remove Night shift')")
    page.wait_for_load_state("networkidle")
    assert "Night shift was removed." in page.locator(".messages").inner_text()
    assert not Contact.objects.filter(email="night@alpha.example").exists()
