"""Auto-replies, bounces and loops: noted or marked, never a comment, never a notification, never a reopening."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from mail.models import InboundMessage
from mail.selectors import inbound_for_desk
from mail.tests.messages import mail, reply_to_ticket
from notifications.models import OutboundEmail
from tickets.models import Comment, Ticket, TicketEvent
from tickets.workflow import ticket_assign, ticket_status_change

pytestmark = pytest.mark.django_db

DSN = b"""From: Mail Delivery System <MAILER-DAEMON@mx.alpha.example>
To: support@supportdesk.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.alpha.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.alpha.example

Final-Recipient: rfc822; emergency@alpha.example
Original-Recipient: rfc822;emergency@alpha.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--B
Content-Type: message/rfc822

From: support@supportdesk.example
Subject: [SD-1001] New reply

Hello
--B--
"""


def _resolved_with_assignee(world) -> Ticket:  # type: ignore[no-untyped-def]
    ticket = world.alice_ticket
    ticket_assign(ticket=ticket, actor=world.agent, assignee=world.agent)
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    return ticket


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"X-Autorespond": "Out of office"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
    ],
)
def test_an_auto_reply_is_noted_for_support_and_does_nothing_else(world, deliver, headers):
    ticket = _resolved_with_assignee(world)
    mails_before = OutboundEmail.objects.count()
    raw = mail(
        sender=world.alice.email,
        to=reply_to_ticket(ticket.number, world.alice.email),
        subject="I am away",
        text="I am out until Monday.",
        headers=headers,
    )
    row = deliver(raw)
    assert (row.outcome, row.ticket) == ("auto_reply", ticket)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert not Comment.objects.filter(ticket=ticket).exists()
    assert OutboundEmail.objects.count() == mails_before
    note = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.NOTIFIED).last()
    assert note.is_public is False and "Auto-reply received" in note.reason


@pytest.mark.parametrize(
    "subject",
    [
        "Automatic reply: [SD-1001] New reply",
        "Out of Office: back Monday",
        "Respuesta automática: Re: pedido",
        "Resposta automática: ausente",
    ],
)
def test_out_of_office_subjects_are_auto_replies(world, deliver, subject):
    row = deliver(mail(sender=world.alice.email, to=reply_to_ticket(world.alice_ticket.number, world.alice.email), subject=subject))
    assert row.outcome == "auto_reply"
    assert not Comment.objects.filter(ticket=world.alice_ticket).exists()


def test_an_auto_reply_to_the_support_address_opens_no_ticket(world, deliver):
    tickets = Ticket.objects.count()
    row = deliver(mail(sender=world.alice.email, subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    assert row.outcome == "auto_reply" and Ticket.objects.count() == tickets


def test_a_bounce_marks_the_contact_failing_and_is_never_a_comment(world, deliver):
    row = deliver(DSN)
    assert row.outcome == "bounce" and "emergency@alpha.example" in row.reason
    contact = world.alpha.registered_emergency_contact
    contact.refresh_from_db()
    assert contact.delivery_failing_since is not None and "5.1.1" in contact.delivery_failure
    assert not Comment.objects.exists()
    assert OutboundEmail.objects.filter(recipient__icontains="mailer-daemon").count() == 0


def test_a_sender_over_the_hourly_limit_is_held_and_shown_on_the_desk(world, deliver, settings):
    settings.INBOUND_HOURLY_LIMIT = 3
    address = reply_to_ticket(world.alice_ticket.number, world.alice.email)
    outcomes = [deliver(mail(sender=world.alice.email, to=address, text=f"Message {n}")).outcome for n in range(5)]
    assert outcomes == ["attached", "attached", "attached", "held", "held"]
    assert Comment.objects.filter(ticket=world.alice_ticket).count() == 3
    assert OutboundEmail.objects.filter(recipient=world.alice.email, event_key__startswith="inbound").count() == 0
    held = list(inbound_for_desk(user=world.agent))
    assert [row.outcome for row in held] == ["held", "held"]
    assert list(inbound_for_desk(user=world.alice)) == []
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert deliver(mail(sender=world.alice.email, to=address, text="Next day")).outcome == "attached"


def test_a_thread_over_the_hourly_limit_is_held_whoever_writes(world, deliver, settings):
    settings.INBOUND_HOURLY_LIMIT = 2
    ticket = world.alice_ticket
    senders = [world.alice.email, world.alan.email, world.alpha.registered_emergency_contact.email]
    outcomes = [
        deliver(mail(sender=sender, to=reply_to_ticket(ticket.number, sender), text=f"From {sender}")).outcome for sender in senders
    ]
    assert outcomes == ["attached", "attached", "held"]


def test_mail_from_our_own_address_is_refused_as_a_loop(world, deliver):
    row = deliver(mail(sender="support@supportdesk.example", subject="[SD-1001] Copy"))
    assert row.outcome == "refused"
    assert InboundMessage.objects.count() == 1 and not Comment.objects.exists()
