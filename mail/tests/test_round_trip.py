"""The whole way round with real processes: a notification is mailed (real worker, real SMTP server), its
recipient replies as a mail client would, the reply reaches the real SMTP intake over SMTP, and the
worker makes it the contact's comment and mails the assignee."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from accounts.models import User
from customers.models import Contact
from mail.models import InboundMessage
from mail.tests.intake_process import smtp_intake
from tests.factories import OrganisationFactory, TicketFactory, UserFactory
from tests.smtp import Received
from tests.worker import celery_worker, redis_broker
from tickets.models import Comment
from tickets.workflow import comment_add, ticket_assign

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.redis]


def reply_to(received: Received, text: str) -> EmailMessage:
    """What a mail client writes when its user hits Reply: to the Reply-To, threaded under the message."""
    reply = EmailMessage()
    reply["From"] = f"Olga On-call <{received.envelope_to[0]}>"
    reply["To"] = received["Reply-To"]
    reply["Subject"] = f"Re: {received['Subject']}"
    reply["Message-ID"] = make_msgid(domain="client.example")
    reply["In-Reply-To"] = received["Message-ID"]
    reply["References"] = f"{received['References']} {received['Message-ID']}".strip()
    quoted = "\n".join(f"> {line}" for line in received.text.splitlines())
    reply.set_content(f"{text}\n\nOn Mon, 1 Dec 2026 at 10:00, Supportdesk <support@supportdesk.example> wrote:\n{quoted}\n")
    return reply


def send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


def test_a_reply_to_a_notification_comes_back_as_the_contacts_comment_and_reaches_the_assignee(
    need_postgres,
    need_redis,
    shipped_defaults,
    smtp,
    tmp_path: Path,
) -> None:
    organisation = OrganisationFactory(name="Acme", account_id="ACME")
    contact = Contact.objects.get(organisation=organisation, emergency_role="registered")
    agent = UserFactory(email="sam@vendor.example", full_name="Sam Agent", role=User.Role.AGENT)
    ticket = TicketFactory(organisation=organisation, requester_contact=contact, summary="Orders stuck")
    log = tmp_path / "worker.log"
    with (
        redis_broker() as broker,
        celery_worker(smtp_port=smtp.port, broker=broker, log_path=log),
        smtp_intake(broker=broker, log_path=tmp_path / "intake.log") as intake_port,
    ):
        ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        comment_add(ticket=ticket, author=agent, body="Could you try again now?")
        [notification] = smtp.wait_for(1, timeout=60)
        assert notification.envelope_to == [contact.email], log.read_text()
        assert notification["Reply-To"].startswith(f"support+{ticket.number}-")
        assert notification["Message-ID"] and "Auto-Submitted" not in notification.message

        reply = reply_to(notification, "It works again, thank you.")
        send(intake_port, reply)
        received = smtp.wait_for(2, timeout=60)
        assert len(received) == 2, log.read_text()
        to_agent = received[1]
        assert to_agent.envelope_to == [agent.email]
        assert "It works again, thank you." in to_agent.text
        assert to_agent["Auto-Submitted"] == "auto-generated"
        comment = Comment.objects.get(ticket=ticket, author_contact=contact)
        assert (comment.body, comment.via, comment.author) == ("It works again, thank you.", "email", None)

        send(intake_port, reply)  # the sending MTA retries: the same Message-ID again
        assert InboundMessage.objects.count() == 1
    assert Comment.objects.filter(ticket=ticket, author_contact=contact).count() == 1
    assert len(smtp.messages) == 2
