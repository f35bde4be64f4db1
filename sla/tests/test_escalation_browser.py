"""A customer escalates in Chromium, sees the mark, and gets the confirmation at a real SMTP server."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tests.factories import TicketFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def test_a_customer_escalates_sees_the_mark_and_the_button_is_gone(page, world, smtp):
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, severity=2, summary="Feed late")
    world.alice.language = "es"
    world.alice.save(update_fields=["language"])
    sign_in(page, "alice@alpha.example")
    page.goto(f"/portal/tickets/{ticket.number}/")
    page.click("#ticket-actions a")
    page.fill("[name=description]", "Orders stuck since 09:10")
    page.fill("[name=environment]", "live1")
    page.fill("[name=justification]", "Revenue is lost every hour")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/portal/tickets/{ticket.number}/")
    mark = page.locator("#escalated")
    assert mark.get_by_text("Revenue is lost every hour").is_visible()
    assert mark.get_by_text("Lee Lead").is_visible()
    assert page.locator(".head-badges .badge.escalated").is_visible()
    assert page.locator(f"a[href$='/tickets/{ticket.number}/escalate/']").count() == 0
    assert "ya está escalada" in page.locator("#ticket-actions").inner_text()  # alice reads Spanish
    screenshot(page, "portal-ticket-escalated")
    screenshot(page, "portal-ticket-escalated", phone=True)

    messages = smtp.wait_for(2)
    [confirmation] = [m for m in messages if m.envelope_to == ["alice@alpha.example"]]
    assert confirmation["Subject"].strip() == f"[{ticket.reference}] Tu escalamiento llegó a un líder de soporte"  # in her language
    assert confirmation["Content-Language"] == "es"
    assert "Lee Lead" in confirmation.text and "Revenue is lost every hour" in confirmation.text
    assert f"/portal/tickets/{ticket.number}/" in confirmation.text
    assert [m for m in messages if m.envelope_to == ["lee@vendor.example"]]
