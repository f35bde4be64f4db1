"""The agent's day in a real browser: the customer in view, the next ticket, filing for a customer."""

from __future__ import annotations

import pytest

from tests.browser import SCREENSHOTS, sign_in
from tests.factories import AccessGrantFactory, TicketFactory
from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP_1280 = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """The page at laptop and at phone width, full length, for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for suffix, size in (("", LAPTOP_1280), ("-phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
    page.set_viewport_size(LAPTOP_1280)


def test_from_a_ticket_to_its_organisation_and_back_through_the_list(shipped_defaults, page, world):
    sev1 = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue", summary="Checkout down in live1")
    TicketFactory(organisation=world.alpha, severity=3, type_slug="production-issue", summary="Slow console export")
    AccessGrantFactory(organisation=world.alpha, granted_by=world.alan, reason="Carrier debugging, INC-7")

    sign_in(page, world.agent.email)
    page.goto(f"/desk/tickets/{sev1.number}/")
    page.locator(".ticket-head .crumbs").get_by_role("link", name="Alpha Shop").click()
    page.wait_for_url(f"**/desk/organisations/{world.alpha.pk}/")
    head = page.locator(".page-head").inner_text()
    assert "Premium" in head and "Contract active" in head
    assert "opens" in head or "Open now" in head
    rows = page.locator("#open-tickets tbody tr")
    assert rows.count() == 3 and sev1.reference in rows.nth(0).inner_text()
    assert "Carrier debugging, INC-7" in page.locator("#grants").inner_text()
    assert "Registered emergency contact" in page.locator("#contacts").inner_text()
    shots(page, "desk-organisation")

    page.get_by_role("link", name="Organisations").first.click()
    page.fill("#org-q", "outsi")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=outsi**")
    listed = page.locator("table.organisations tbody tr")
    assert listed.count() == 1 and "Outsider Corp" in listed.inner_text()
    page.goto("/desk/organisations/")
    shots(page, "desk-organisations")
    page.get_by_role("link", name="Alpha Shop").click()
    page.wait_for_url(f"**/desk/organisations/{world.alpha.pk}/")


def test_take_next_opens_the_most_urgent_unassigned_ticket_as_mine(shipped_defaults, page, world):
    TicketFactory(organisation=world.alpha, severity=3, type_slug="production-issue", summary="Slow console export")
    sev1 = TicketFactory(
        organisation=world.outsider, severity=1, type_slug="production-issue", summary="Labels fail for every carrier"
    )

    sign_in(page, world.agent.email)
    page.goto("/desk/")
    shots(page, "desk-queue-take-next")
    page.get_by_role("button", name="Take next").click()
    page.wait_for_url(f"**/desk/tickets/{sev1.number}/")
    page.get_by_text(f"{sev1.reference} is yours").wait_for()
    assert "Sam Agent" in page.locator("#id_assignee option:checked").inner_text()
    shots(page, "desk-take-next-landed")


def test_an_agent_files_a_ticket_for_a_caller_who_is_mailed_its_number(shipped_defaults, page, world, smtp):
    contact = world.alpha.contacts.get(emergency_role="registered")

    sign_in(page, world.agent.email)
    page.goto(f"/desk/organisations/{world.alpha.pk}/")
    page.get_by_role("link", name="File a ticket for them").click()
    shots(page, "desk-file-types")
    page.get_by_role("link", name="Development question").click()
    page.select_option("#id_requester_contact", str(contact.pk))
    page.select_option("#id_via", "phone")
    page.fill("#id_received_at", "2026-11-24T08:40")
    page.fill("#id_summary", "How do we paginate the orders API?")
    page.fill("#id_description", "Asked on the phone; they page by offset today.")
    page.select_option("#id_environment", label="test1 (Sandbox / test)")
    for field in page.locator(".request-form .field.required input[type=text], .request-form .field.required textarea").all():
        if not field.input_value():
            field.fill("Answered on the call")
    shots(page, "desk-file-on-behalf")
    page.get_by_role("button", name="File the ticket").click()
    page.get_by_text("was filed for").wait_for()
    ticket = Ticket.objects.get(summary="How do we paginate the orders API?")
    assert page.url.endswith(f"/desk/tickets/{ticket.number}/")
    assert "Filed by Sam Agent for" in page.locator("ol.timeline").inner_text()
    smtp.wait_for(1)
    mail = smtp.to(contact.email)[0]
    assert ticket.reference in mail["Subject"] and ticket.reference in mail.text


def test_an_agent_tags_follows_and_copies_then_finds_the_ticket_by_its_tag(shipped_defaults, page, world):
    ops = world.alpha.contacts.get(kind="list")
    sign_in(page, world.agent.email)
    page.goto(f"/desk/tickets/{world.alice_ticket.number}/")
    page.fill("#id_tags", "Carrier DHL, refunds")
    page.get_by_role("button", name="Save tags").click()
    page.get_by_text("Tags saved.").wait_for()
    assert page.locator(".tags").inner_text().split() == ["carrier", "dhl", "refunds"]
    page.get_by_role("button", name="Follow").click()
    page.get_by_text("You follow this ticket").wait_for()
    page.select_option("#cc-contact", str(ops.pk))
    page.get_by_role("button", name="Add to copy").click()
    page.get_by_text(f"{ops.name} is now in copy.").wait_for()
    assert ops.email in page.locator(".cc-list").inner_text()
    assert "tagged carrier, dhl, refunds" in page.locator("ol.timeline").inner_text()
    shots(page, "desk-ticket-housekeeping")

    page.locator(".tags").get_by_role("link", name="refunds").click()
    page.wait_for_url("**tag=refunds**")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and world.alice_ticket.reference in rows.inner_text()


def test_an_agent_merges_a_duplicate_and_the_old_number_leads_to_the_kept_ticket(shipped_defaults, page, world):
    from tickets.workflow import comment_add

    duplicate = TicketFactory(organisation=world.alpha, requester_user=world.alan, summary="Checkout slow again")
    comment_add(ticket=duplicate, author=world.alan, body="Slow on the basket page too.")

    sign_in(page, world.agent.email)
    page.goto(f"/desk/tickets/{duplicate.number}/")
    page.fill("#merge input[name=other]", world.outsider_ticket.reference)
    page.get_by_role("button", name="Merge into it").click()
    page.get_by_text("Only tickets of the same organisation can be merged.").wait_for()
    page.fill("#merge input[name=other]", world.alice_ticket.reference)
    page.get_by_role("button", name="Merge into it").click()
    page.get_by_text(f"Merged into {world.alice_ticket.reference}.", exact=True).wait_for()
    page.goto(f"/desk/tickets/{duplicate.number}/")
    page.wait_for_url(f"**/desk/tickets/{world.alice_ticket.number}/")
    assert "Slow on the basket page too." in page.locator("ol.timeline").inner_text()
    shots(page, "desk-ticket-merged")

    page.context.clear_cookies()
    sign_in(page, world.alan.email)
    page.goto(f"/portal/tickets/{duplicate.number}/")
    page.wait_for_url(f"**/portal/tickets/{world.alice_ticket.number}/")
    assert "Slow on the basket page too." in page.content()


def test_an_agent_applies_a_macro_in_one_click(shipped_defaults, page, world):
    from desk.models import Macro

    Macro.objects.create(
        title="Waiting on the carrier",
        reply="The carrier confirmed an outage; we follow it.",
        status="waiting_vendor",
        assign=Macro.Assign.ME,
        tags="carrier-outage",
    )
    ticket = TicketFactory(organisation=world.alpha, severity=2, type_slug="production-issue", summary="Labels fail")

    sign_in(page, world.agent.email)
    page.goto(f"/desk/tickets/{ticket.number}/")
    page.select_option(".macro-form select", label="Waiting on the carrier")
    page.get_by_role("button", name="Apply macro").click()
    page.get_by_text("Applied “Waiting on the carrier”.").wait_for()
    timeline = page.locator("ol.timeline").inner_text()
    assert "The carrier confirmed an outage" in timeline and "Waiting on vendor" in timeline
    assert "tagged carrier-outage" in timeline and "Sam Agent" in page.locator("#id_assignee option:checked").inner_text()
    shots(page, "desk-ticket-macro")


def test_a_mention_arrives_live_in_the_header_and_by_mail(shipped_defaults, page, world, smtp):
    from tickets.workflow import comment_add

    sign_in(page, world.agent.email)
    page.goto("/desk/")
    page.locator("#notification-count .count").wait_for()
    assert page.locator("#notification-count .count").inner_text() == "0"

    comment_add(ticket=world.alice_ticket, author=world.lead, body="@sam the gateway again, can you look?", is_internal=True)
    page.locator("#notification-count .count.hot").wait_for(timeout=30_000)  # the header polls every 15 s
    assert page.locator("#notification-count .count").inner_text() == "1"
    smtp.wait_for(1)
    mail = smtp.to(world.agent.email)[0]
    assert mail["Subject"] == f"[{world.alice_ticket.reference}] Lee Lead mentioned you on {world.alice_ticket.reference}"
    assert f"/desk/tickets/{world.alice_ticket.number}/" in mail.text

    page.locator("#notification-count").click()
    page.wait_for_url("**/desk/notifications/")
    shots(page, "desk-notifications")
    page.get_by_role("button", name="Mark all read").click()
    page.get_by_role("link", name=f"Lee Lead mentioned you on {world.alice_ticket.reference}").click()
    page.wait_for_url(f"**/desk/tickets/{world.alice_ticket.number}/")

    page.goto("/desk/notifications/settings/")
    page.select_option("#id_assigned", "desk")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: this is how you will be told.").wait_for()
    page.select_option("#watches select[name=severity]", "1")
    page.get_by_role("button", name="Watch").click()
    page.get_by_text("You will hear of new tickets like these.").wait_for()
    assert "S1 Critical" in page.locator("#watches").inner_text()
    shots(page, "desk-notification-settings")


def test_keyboard_shortcuts_for_the_queue_and_the_ticket_listed_under_question_mark(shipped_defaults, page, world):
    sev1 = TicketFactory(organisation=world.alpha, severity=1, type_slug="production-issue", summary="Checkout down")
    sev3 = TicketFactory(organisation=world.alpha, severity=3, type_slug="production-issue", summary="Slow export")

    sign_in(page, world.agent.email)
    page.goto("/desk/")
    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    dialog.wait_for()
    assert "Assign to me" in dialog.inner_text() and "Acknowledge" in dialog.inner_text()
    shots(page, "desk-shortcuts")
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert sev1.reference in page.locator("tr.kbd-current").inner_text()
    page.keyboard.press("j")
    page.keyboard.press("k")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/desk/tickets/{sev1.number}/")

    page.keyboard.press("a")
    page.get_by_text("Acknowledged.").wait_for()
    page.keyboard.press("m")
    page.get_by_text("Assigned to Sam Agent.").wait_for()
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.keyboard.type("j and k typed here stay text")
    assert page.input_value("#id_body") == "j and k typed here stay text"
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "id_note-body"
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.wait_for_url(f"**/desk/tickets/{sev3.number}/")
    page.keyboard.press("k")
    page.wait_for_url(f"**/desk/tickets/{sev1.number}/")
    sev1.refresh_from_db()
    assert sev1.acknowledged_at is not None and sev1.assignee == world.agent
