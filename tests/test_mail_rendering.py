"""Each kind of mail, opened in Chromium as a webmail would show it: readable on a phone, without
sideways scrolling, in the one layout. The pictures land in test-artifacts/screenshots/mail-*."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from customers.contact_accounts import contact_account_offers_queue
from customers.invitations import user_invite
from customers.models import Contact
from customers.services import contact_make_registered
from incidents import publishing
from incidents.models import Subscriber
from incidents.subscriptions import subscriber_subscribe
from incidents.tests.factories import component
from notices.models import ProductArea
from notices.services import notice_raise, notice_update_post
from notifications.models import OutboundEmail
from sla.escalations import escalation_raise
from tests.browser import SCREENSHOTS
from tests.factories import TicketFactory
from tickets.emails import ticket_created_emails_queue
from tickets.models import Ticket
from tickets.workflow import comment_add, ticket_status_change

pytestmark = pytest.mark.django_db

WIDTHS = {"laptop": 600, "phone": 390}


def _every_kind_of_mail(world: Any) -> dict[str, OutboundEmail]:
    """One mail of each kind, as the outbox stores it, keyed by the first part of its event key."""
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Checkout down", severity=1)
    ticket_created_emails_queue(ticket=ticket)
    comment_add(ticket=ticket, author=world.agent, body="Looking now. Which warehouse sends the orders?")
    Ticket.objects.filter(pk=ticket.pk).update(assignee=world.agent)
    ticket.refresh_from_db()
    comment_add(ticket=ticket, author=world.alice, body="The one in Valencia, since this morning.")
    escalation_raise(
        ticket=ticket, user=world.alice, description="Down", environment="live1", justification="Every order of the day is stuck."
    )
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    user_invite(organisation=world.alpha, email="newcomer@alpha.example", full_name="Nia Newcomer", invited_by=world.alan)
    Client().post(reverse("password_reset"), {"email": "alice@alpha.example"})
    area = ProductArea.objects.get_or_create(name="Query API")[0]
    notice, _created = notice_raise(
        organisation=world.alpha,
        kind="alert",
        area=area,
        title="Query API answers 503 to your calls",
        description="Since 09:40 UTC 4% of your calls to /v2/query answer 503.",
        call_to_action="Roll back the index change you deployed at 09:35.",
        actor_label="Monitoring",
    )
    notice_update_post(notice=notice, body="The error rate is back to normal since the rollback.", actor=world.agent)
    subscriber = subscriber_subscribe(email="watcher@shop.example")
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=subscriber.created_at)
    publishing.incident_create(
        title="Correos (Spain): labels fail",
        message="Labels for Correos fail.",
        components={component("Correos"): "partial_outage"},
        publish_now=True,
    )
    nadia = Contact.objects.create(organisation=world.alpha, name="Nadia Nuñez", email="nadia@alpha.example")
    contact_make_registered(contact=nadia)
    contact_account_offers_queue(email="nadia@alpha.example")
    kinds: dict[str, OutboundEmail] = {}
    for row in OutboundEmail.objects.exclude(body_html="").order_by("pk"):
        kinds.setdefault(row.event_key.split(":")[0], row)
    return kinds


def test_every_kind_of_mail_reads_on_a_phone_without_sideways_scrolling(need_chromium, chromium, world) -> None:
    kinds = _every_kind_of_mail(world)
    assert {
        "ticket-created",
        "ticket-reply",
        "ticket-comment",
        "escalation-confirmed",
        "ticket-resolved",
        "invitation",
        "password-reset",
        "notice",
        "status-subscribe",
        "status-update",
        "registered-contact",
        "contact-account-offer",
    } <= {kind.split("-update")[0] if kind.startswith("notice") else kind for kind in kinds}, sorted(kinds)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for kind, row in kinds.items():
        for name, width in WIDTHS.items():
            context = chromium.new_context(viewport={"width": width, "height": 800})
            try:
                page = context.new_page()
                page.set_content(row.body_html, wait_until="load")
                figures = page.evaluate("""() => {
                    const body = document.body;
                    const text = [...body.querySelectorAll('p, td, li, blockquote')].filter(e => e.innerText.trim());
                    const sizes = text.map(e => parseFloat(getComputedStyle(e).fontSize));
                    const fonts = new Set(text.map(e => getComputedStyle(e).fontFamily));
                    return {overflow: document.documentElement.scrollWidth - window.innerWidth,
                            smallest: Math.min(...sizes), serif: [...fonts].some(f => f.startsWith('"Times') || f === 'serif'),
                            brand: body.innerText.trim().split('\\n')[0]};
                }""")
                page.screenshot(path=str(SCREENSHOTS / f"mail-{kind}-{name}.png"), full_page=True)
            finally:
                context.close()
            if figures["overflow"] > 0:
                problems.append(f"{kind} at {width} px scrolls sideways by {figures['overflow']} px")
            if figures["smallest"] < 13:
                problems.append(f"{kind} at {width} px has {figures['smallest']} px text")
            if figures["serif"]:
                problems.append(f"{kind} falls back to the reader's serif font")
            if not figures["brand"].startswith("Supportdesk"):
                problems.append(f"{kind} does not start with the vendor's name: {figures['brand']!r}")
    assert not problems, "\n".join(problems)
