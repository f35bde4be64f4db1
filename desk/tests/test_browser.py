"""The agent's day in a real browser: triage a new Sev1 from the queue to a reply the customer reads."""

from __future__ import annotations

import importlib.util
import re
import struct
import zlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from desk.models import CannedReply
from tests.browser import screenshot, sign_in
from tests.factories import AttachmentFactory, OrganisationFactory, TicketFactory, UserFactory
from tickets.models import Ticket
from tickets.workflow import ticket_acknowledge, ticket_assign, ticket_status_change

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_busy_desk(world):  # type: ignore[no-untyped-def]
    """A queue that looks like a Monday: several organisations, severities, owners and states."""
    beta = OrganisationFactory(name="Beta Retail", account_id="BETA")
    gamma = OrganisationFactory(name="Gamma Logistics", account_id="GAMMA")
    priya = UserFactory(email="priya@vendor.example", full_name="Priya Patel", role="agent")
    rows = [
        (beta, 2, "Carrier labels fail for DHL Express in DE", "production-issue", priya, Ticket.Status.OPEN),
        (gamma, 3, "Webhook retries pile up after deploy", "production-issue", world.lead, Ticket.Status.WAITING_ON_VENDOR),
        (world.alpha, 4, "Console export misses the retailer column", "sandbox-issue", None, Ticket.Status.NEW),
        (beta, None, "How do we paginate the orders API?", "development-question", priya, Ticket.Status.WAITING_ON_CUSTOMER),
        (gamma, 5, "Typo in the returns e-mail template", "sandbox-issue", None, Ticket.Status.NEW),
    ]
    for organisation, severity, summary, slug, assignee, status in rows:
        ticket = TicketFactory(organisation=organisation, severity=severity, summary=summary, type_slug=slug)
        if assignee:
            ticket_assign(ticket=ticket, actor=world.lead, assignee=assignee)
        if status != Ticket.Status.NEW:
            ticket_status_change(ticket=ticket, actor=world.lead, status=status)
    CannedReply.objects.create(title="Need order ids", body="Could you send two or three affected order ids?")
    return priya


def tiny_png(width: int = 48, height: int = 32, rgb: tuple[int, int, int] = (36, 84, 214)) -> bytes:
    """A real PNG (one colour), so that the browser draws the preview."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def older_tickets(world):  # type: ignore[no-untyped-def]
    """Filed earlier: an oldest-first queue would list them above the new Sev1, a severity-first one
    would list the acknowledged Critical above it. The acknowledgement clocks put the new Sev1 first."""
    now = timezone.now()
    with time_machine.travel(now - timedelta(hours=1), tick=False):
        older_high = TicketFactory(
            organisation=world.alpha,
            severity=2,
            type_slug="production-issue",
            summary="Refunds slow for one retailer",
        )
    with time_machine.travel(now - timedelta(hours=3), tick=False):
        acked_critical = TicketFactory(
            organisation=world.alpha,
            severity=1,
            type_slug="production-issue",
            summary="Label printing down",
        )
    with time_machine.travel(now - timedelta(hours=2, minutes=50), tick=False):
        ticket_acknowledge(ticket=acked_critical, actor=world.lead)
    return older_high, acked_critical


def test_an_agent_triages_a_new_sev1_and_the_customer_sees_only_the_reply(shipped_defaults, page, world, smtp):
    a_busy_desk(world)
    older_high, acked_critical = older_tickets(world)
    sev1 = TicketFactory(
        organisation=world.alpha,
        requester_user=world.alice,
        severity=1,
        type_slug="production-issue",
        summary="Checkout down in live1 for every shopper",
        description="Since 09:12 UTC every checkout fails with 502.",
    )
    AttachmentFactory(ticket=sev1, uploaded_by=world.alice, name="checkout-502.png", content=tiny_png())
    AttachmentFactory(ticket=sev1, uploaded_by=world.alice, name="gateway.log", content=b"502 Bad Gateway\n" * 40)

    sign_in(page, world.agent.email)
    page.goto("/desk/")
    rows = page.locator("table.queue tbody tr")
    first, second = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    # Premium: Critical 2 h, High 4 h, around the clock. The new Sev1 is due first, and says so.
    assert sev1.reference in first and "Critical" in first
    assert re.search(r"1h \d\dm left", first), first
    assert older_high.reference in second and re.search(r"2h \d\dm left", second), second
    acked_row = page.locator("table.queue tbody tr", has_text=acked_critical.reference).inner_text()
    assert "acked in 10m" in acked_row
    assert "sla-ok" in (rows.nth(0).get_attribute("class") or "")
    screenshot(page, "desk-queue")
    screenshot(page, "desk-queue", phone=True)

    rows.nth(0).get_by_role("link", name=sev1.reference).click()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_text("Acknowledged.").wait_for()
    sev1.refresh_from_db()
    assert sev1.acknowledged_at is not None and sev1.status == Ticket.Status.OPEN
    assert sev1.sla_clocks.get(metric="ack").state == "stopped"
    assert "Stopped" in page.locator(".sla-panel").inner_text()
    assert "target met" in page.locator(".ticket-head").inner_text()
    files = page.locator("#attachments")
    assert "gateway.log" in files.inner_text() and "Alice Alpha" in files.inner_text()
    # The preview came through the permission-checked download view and is a drawn image.
    # The preview is lazy: it loads once it is in view, so wait for it rather than catch it mid-load.
    preview = files.locator("img")
    preview.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('#attachments img').complete")
    assert preview.evaluate("img => img.naturalWidth") == 48

    page.select_option("#id_severity", "2")
    page.fill("#id_reason", "One market only; a workaround exists")
    page.get_by_role("button", name="Change severity").click()
    page.get_by_text("Severity set to").wait_for()

    page.select_option("#canned", label="Need order ids")  # desk.js fills the reply box
    assert "order ids" in page.input_value("#id_body")
    page.fill("#id_body", "We found the failing gateway and are rolling back now.")
    page.get_by_role("button", name="Send reply").click()
    page.get_by_text("Reply sent to the customer.").wait_for()
    page.fill("#id_note-body", "Rollback ticket OPS-77; Priya is on the gateway.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Internal note added.").wait_for()
    assert "Internal" in page.locator("ol.timeline li.internal").last.inner_text()
    page.wait_for_function("() => [...document.querySelectorAll('#attachments img')].every(i => i.complete && i.naturalWidth)")
    screenshot(page, "desk-ticket")
    screenshot(page, "desk-ticket", phone=True)

    page.goto("/desk/")
    assert sev1.reference not in page.locator("table.queue tbody tr").first.inner_text()  # off the top once acknowledged
    page.goto("/desk/dashboard/")
    screenshot(page, "desk-dashboard")
    screenshot(page, "desk-dashboard", phone=True)

    page.context.clear_cookies()
    sign_in(page, world.alice.email)
    page.goto(f"/portal/tickets/{sev1.number}/")
    body = page.content()
    assert "We found the failing gateway and are rolling back now." in body
    assert "Rollback ticket OPS-77" not in body
    events = list(sev1.events.values_list("kind", "actor__email", "reason"))
    assert ("severity", world.agent.email, "One market only; a workaround exists") in events
    assert ("acknowledged", world.agent.email, "") in events
    if importlib.util.find_spec("tickets.emails") is not None:  # reply mail arrives with the portal work
        smtp.wait_for(1)
        mails = [mail for mail in smtp.to(world.alice.email) if "rolling back" in mail.text]
        assert mails and all("OPS-77" not in mail.text for mail in smtp.to(world.alice.email))
