"""The customer's side of the conversation in Chromium: reopen by comment, resolve, rate, files alone."""

from __future__ import annotations

import pytest

from tests.browser import screenshot, sign_in
from tickets.models import SatisfactionRating, Ticket
from tickets.workflow import ticket_status_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]


def test_a_comment_reopens_a_resolved_request_and_the_customer_resolves_and_rates_it(page, world, smtp, settings):
    settings.SUPPORT_TEAM_EMAIL = "team@vendor.example"
    ticket = world.alice_ticket
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    smtp.wait_for(1)  # the resolution mail
    sign_in(page, "alice@alpha.example")
    page.goto(f"/portal/tickets/{ticket.number}/")
    assert page.get_by_text("This request is resolved. A comment reopens it.").is_visible()
    screenshot(page, "portal-ticket-resolved")
    screenshot(page, "portal-ticket-resolved", phone=True)

    page.fill("textarea[name=body]", "Still broken, please reopen")
    page.click("#comment button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(
        "Your comment was added and the request is open again. Nobody has taken it yet, so the support team has been told."
    ).is_visible()
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    [team] = [m for m in smtp.wait_for(2) if m.envelope_to == ["team@vendor.example"]]
    assert "Still broken, please reopen" in team.text

    page.click("button:has-text('Mark resolved')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(f"{ticket.reference} is marked resolved.").is_visible()
    page.fill("#rating textarea[name=comment]", "Quick and clear.")
    screenshot(page, "portal-ticket-rating")
    screenshot(page, "portal-ticket-rating", phone=True)
    page.click("button:has-text('Good, I')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(f"Thank you for rating {ticket.reference}.").is_visible()
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.score, rating.comment, rating.rated_by_id) == ("good", "Quick and clear.", world.alice.pk)
    assert page.get_by_text("You rated it: Good, I'm satisfied.").is_visible()

    page.click("button:has-text('Close the request')")
    page.wait_for_load_state("networkidle")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert page.get_by_text("This request is closed. A comment opens a new request linked to this one.").is_visible()


def test_a_file_alone_is_a_comment(page, world):
    ticket = world.alice_ticket
    sign_in(page, "alice@alpha.example")
    page.goto(f"/portal/tickets/{ticket.number}/")
    page.set_input_files("#comment input[name=attachments]", [
        {"name": "trace.log", "mimeType": "text/plain", "buffer": b"trace 42\n"},
    ])
    page.click("#comment button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Your comment was added.").is_visible()
    assert page.locator(".timeline a", has_text="trace.log").count() == 1
    assert [a.original_name for a in ticket.comments.get().attachments.all()] == ["trace.log"]
