"""Every portal page at laptop (1280 px) and phone (390 px) widths, saved for a person to look at;
the desk queue and the status page too, since they share the header and the stylesheet.

PORTAL_SHOTS=/tmp/shots/portal pytest portal/tests/test_screenshots.py
"""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ROOT, sign_in
from tests.factories import AccessGrantFactory, AttachmentFactory, TicketFactory, UserFactory
from tickets.workflow import comment_add, ticket_assign, ticket_send_back

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shipped_defaults")]

WIDTHS = {"laptop": 1280, "phone": 390}


def shots_dir() -> Path:
    path = Path(os.environ.get("PORTAL_SHOTS", ROOT / "test-artifacts" / "screenshots" / "portal"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def real_png(width: int = 160, height: int = 100) -> bytes:
    """A small picture a browser really draws (a blue-to-green gradient), so the thumbnail is seen, not a broken image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"".join(bytes((40, 80 + x * 150 // width, 200 - y)) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def shoot_phone(page: Any, name: str) -> None:
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    page.screenshot(path=str(shots_dir() / f"{name}-phone.png"))


def shoot(page: Any, name: str) -> None:
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots_dir() / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["laptop"], "height": 900})


def test_screenshots_of_every_portal_page(page, world):
    # Customers far from UTC, so that "your time" beside the UTC fields shows something.
    world.alice.timezone = "America/Sao_Paulo"
    world.alice.save(update_fields=["timezone"])
    world.alan.timezone = "Europe/Madrid"
    world.alan.save(update_fields=["timezone"])
    for n, (slug, severity, summary) in enumerate(
        [
            ("production-issue", 1, "Orders stuck in CREATED since this morning"),
            ("sandbox-issue", 3, "GraphQL mutation rejects a valid fulfilment location"),
            ("incident", 2, "wms-export pipeline fails with a timeout"),
            ("development-question", None, "How do I retry a failed pipeline step?"),
        ]
    ):
        TicketFactory(
            organisation=world.alpha,
            requester_user=world.alice,
            summary=summary,
            type_slug=slug,
            severity=severity,
            environment=world.alpha.environments.get(name="live1" if n != 1 else "test1"),
        )
    ticket = TicketFactory(
        organisation=world.alpha,
        requester_user=world.alice,
        summary="Inventory feed delayed by about two hours",
        type_slug="production-issue",
        severity=2,
        environment=world.alpha.environments.get(name="live1"),
        description="The nightly inventory batch finished at 04:50 instead of 02:45.\nStores opened with stale stock.",
        details={
            "impacted_orders": {"orders": ["CO-1", "CO-2"], "scope": "examples", "estimated_total": 300},
            "issue_end": "2026-11-20T11:00:00+00:00",
            "steps_to_reproduce": "Run the batch.",
        },
    )
    ticket.cc_contacts.add(world.alpha.contacts.first())
    AttachmentFactory(ticket=ticket, uploaded_by=world.alice, name="stock-report.png", content=real_png())
    AttachmentFactory(ticket=ticket, uploaded_by=world.alice, name="batch.log", content=b"04:50 done\n")
    ticket_assign(ticket=ticket, actor=world.agent, assignee=world.agent)
    comment_add(ticket=ticket, author=world.agent, body="Internal: check the job queue", is_internal=True)
    comment_add(ticket=ticket, author=world.agent, body="We see the batch queued behind a re-index. Looking into it.")
    comment_add(ticket=ticket, author=world.alice, body="Thanks. It happened again today at 03:00.")
    ticket_send_back(ticket=ticket, actor=world.agent, message="Could you attach today's batch log?")
    AccessGrantFactory(organisation=world.alpha, granted_by=world.alan, reason="Fix the pick workflow (SD-1002)")
    UserFactory(email="newbie@alpha.example", full_name="Nia New", organisation=world.alpha)

    page.goto("/accounts/login/")
    shoot(page, "01-login")
    page.goto("/accounts/password/reset/")
    shoot(page, "01b-password-reset")
    page.fill("input[name=email]", "alice@alpha.example")
    page.click("button[type=submit]")
    shoot(page, "01c-password-reset-sent")
    page.goto("/help/")
    shoot(page, "02-help-public")

    sign_in(page, "newbie@alpha.example")
    shoot(page, "03-my-requests-empty")
    page.click("text=Sign out")

    sign_in(page, "alan@alpha.example")
    page.goto("/portal/?scope=organisation")
    shoot(page, "04-organisation-requests")
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    page.click("label.menu-button")
    shoot_phone(page, "04b-menu-open")
    page.set_viewport_size({"width": WIDTHS["laptop"], "height": 900})
    page.goto("/portal/?scope=organisation&status=new&severity=2")
    shoot(page, "04c-filtered-requests")
    page.goto("/portal/?q=nothing-like-this")
    shoot(page, "05-my-requests-no-match")
    page.goto("/portal/new/")
    shoot(page, "06-new-request-types")
    page.goto("/portal/new/?type=production-issue")
    shoot(page, "07-new-production-issue")
    page.fill("input[name=summary]", "Half-filled")
    page.fill("input[name=detail_retailer_ids]", "NOT-OURS")
    page.fill("input[name=detail_issue_start]", "2026-11-20T09:10")
    page.click("button:has-text('Create')")
    shoot(page, "08-new-production-issue-errors")
    page.click("details.helper summary")
    page.check("input[name=helper-impact][value=total]")
    page.click("button[name=suggest]")
    page.wait_for_timeout(300)
    shoot(page, "09-severity-helper")
    page.goto("/portal/new/?type=incident")
    shoot(page, "10-new-incident")
    for slug in ("sandbox-issue", "development-question", "new-support-user", "information-security", "data-privacy"):
        page.goto(f"/portal/new/?type={slug}")
        shoot(page, f"10-new-{slug}")
    page.goto(f"/portal/tickets/{ticket.number}/")
    shoot(page, "11-ticket")
    page.click("text=Escalate")
    shoot(page, "11b-escalate")
    page.click("button:has-text('Escalate to a support lead')")
    shoot(page, "11c-escalate-errors")
    page.goto("/portal/organisation/")
    shoot(page, "12-organisation")
    page.goto("/portal/organisation/contacts/")
    shoot(page, "13-contacts")
    page.goto("/portal/organisation/contacts/new/")
    page.fill("input[name=name]", "Second on-call")
    page.fill("input[name=email]", "oncall2@alpha.example")
    page.select_option("select[name=emergency_role]", "registered")
    page.click("button:has-text('Save')")
    shoot(page, "14-contact-form-error")
    page.goto("/portal/organisation/access/")
    shoot(page, "15-access")
    page.goto("/portal/")
    page.click("text=Sign out")
    sign_in(page, "alice@alpha.example")
    page.goto(f"/portal/tickets/{ticket.number}/")
    page.click("button:has-text('Add')")
    shoot(page, "16-ticket-comment-error")
    page.fill("textarea[name=body]", "Here is the log.")
    page.click("button:has-text('Add')")
    shoot(page, "17-ticket-comment-added")
    page.goto("/portal/")
    shoot(page, "18-my-requests")
    page.click("text=Sign out")

    # The desk and the status page share the header and the stylesheet.
    sign_in(page, "sam@vendor.example")
    page.goto("/desk/")
    shoot(page, "19-desk-queue")
    page.goto("/status/")
    shoot(page, "20-status-signed-in")
    page.click("text=Sign out")
    page.goto("/status/")
    shoot(page, "21-status-public")
