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
    page.set_input_files(
        "#comment input[name=attachments]",
        [
            {"name": "trace.log", "mimeType": "text/plain", "buffer": b"trace 42\n"},
        ],
    )
    page.click("#comment button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Your comment was added.").is_visible()
    assert page.locator(".timeline a", has_text="trace.log").count() == 1
    assert [a.original_name for a in ticket.comments.get().attachments.all()] == ["trace.log"]


def test_chosen_files_survive_an_error_on_the_new_request_form_and_on_a_comment(page, world):
    sign_in(page, "alice@alpha.example")
    page.goto("/portal/new/?type=development-question")
    page.set_input_files(
        "input[name=attachments]",
        [
            {"name": "query.graphql", "mimeType": "text/plain", "buffer": b"{ orders { id } }\n"},
            {"name": "run.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"},
        ],
    )
    page.click("button:has-text('Create')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".field.has-error").count() >= 1
    kept = page.locator(".draft-files")
    assert kept.get_by_text("query.graphql").is_visible() and "run.exe" not in kept.inner_text()
    screenshot(page, "portal-new-files-kept")
    screenshot(page, "portal-new-files-kept", phone=True)
    page.fill("input[name=summary]", "How do I page orders?")
    page.fill("textarea[name=description]", "The query below returns only 50.")
    page.select_option("select[name=environment]", index=1)
    for field in page.locator(".field.required.has-error textarea, .field.required.has-error input[type=text]").all():
        if not field.input_value():
            field.fill("sample")
    page.click("button:has-text('Create')")
    page.wait_for_load_state("networkidle")
    ticket = Ticket.objects.get(summary="How do I page orders?")
    assert [a.original_name for a in ticket.attachments.all()] == ["query.graphql"]
    assert ticket.attachments.get().file.read() == b"{ orders { id } }\n"

    page.set_input_files(
        "#comment input[name=attachments]",
        [
            {"name": "more.log", "mimeType": "text/plain", "buffer": b"more\n"},
            {"name": "empty.txt", "mimeType": "text/plain", "buffer": b""},
        ],
    )
    page.click("#comment button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#comment .draft-files").get_by_text("more.log").is_visible()
    page.fill("textarea[name=body]", "And the log.")
    page.click("#comment button:has-text('Add')")
    page.wait_for_load_state("networkidle")
    assert [a.original_name for a in ticket.comments.get().attachments.all()] == ["more.log"]
