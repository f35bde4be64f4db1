"""What becomes of a message: the people who may answer, the portal's rules, escalation, files, the desk."""

from __future__ import annotations

import pytest
from django.test import Client

from customers.models import Contact
from mail.models import InboundMessage
from mail.tests.messages import mail, reply_to_ticket
from notifications.models import OutboundEmail
from sla.models import Escalation
from tests.factories import TicketFactory
from tickets.models import Attachment, Ticket
from tickets.workflow import comment_add, ticket_assign, ticket_status_change

pytestmark = pytest.mark.django_db


def test_a_cc_contact_and_another_contact_of_the_organisation_may_answer_without_a_login(world, deliver):
    ticket = world.alice_ticket
    copied = Contact.objects.create(organisation=world.alpha, name="Copied Carla", email="carla@alpha.example")
    ticket.cc_contacts.add(copied)
    other = world.alpha.contacts.get(email="ops-list@alpha.example")
    for contact in (copied, other):
        row = deliver(mail(sender=contact.email, to=reply_to_ticket(ticket.number, contact.email), text=f"{contact.name} here"))
        assert row.outcome == "attached"
        assert row.comment.author_contact == contact and row.comment.author is None
        assert row.comment.is_internal is False and row.comment.via == "email"


def test_an_agent_replying_from_their_mail_client_makes_a_public_reply(world, deliver):
    ticket = world.alice_ticket
    raw = mail(sender=world.agent.email, to=reply_to_ticket(ticket.number, world.agent.email), text="We are on it.")
    row = deliver(raw)
    assert row.outcome == "agent_reply"
    assert (row.comment.author, row.comment.is_internal, row.comment.body) == (world.agent, False, "We are on it.")
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is not None, "a public reply acknowledges, as in the desk"
    assert OutboundEmail.objects.filter(recipient=world.alice.email, event_key=f"ticket-reply:{row.comment.pk}").exists()


def _twins(world):  # type: ignore[no-untyped-def]
    """Two tickets alike: one answered in the portal, the other by mail."""
    twins = []
    for summary in ("Answered in the portal", "Answered by mail"):
        ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary=summary)
        ticket_assign(ticket=ticket, actor=world.agent, assignee=world.agent)
        comment_add(ticket=ticket, author=world.agent, body="Can you send the order id?")
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_CUSTOMER)
        twins.append(ticket)
    return twins


def _effects(ticket: Ticket) -> tuple[str, list[str], list[str]]:
    ticket.refresh_from_db()
    events = list(ticket.events.order_by("pk").values_list("kind", flat=True))
    mailed = sorted(
        OutboundEmail.objects.filter(event_key=f"ticket-comment:{ticket.comments.order_by('pk').last().pk}").values_list(
            "recipient", flat=True
        )
    )
    return ticket.status, events, mailed


@pytest.mark.parametrize("status", [Ticket.Status.WAITING_ON_CUSTOMER, Ticket.Status.RESOLVED])
def test_a_comment_by_mail_does_what_the_same_comment_in_the_portal_does(world, deliver, status):
    portal_ticket, mail_ticket = _twins(world)
    if status == Ticket.Status.RESOLVED:
        for ticket in (portal_ticket, mail_ticket):
            ticket_status_change(ticket=ticket, actor=world.agent, status=status)
    client = Client()
    client.force_login(world.alice)
    assert client.post(f"/portal/tickets/{portal_ticket.number}/", {"body": "Order 4711."}).status_code == 302
    row = deliver(mail(sender=world.alice.email, to=reply_to_ticket(mail_ticket.number, world.alice.email), text="Order 4711."))
    assert row.outcome == "attached"
    portal_effects, mail_effects = _effects(portal_ticket), _effects(mail_ticket)
    assert portal_effects == mail_effects
    assert mail_effects[2] == [world.agent.email], "the assignee is told"
    if status == Ticket.Status.WAITING_ON_CUSTOMER:
        assert mail_effects[0] == Ticket.Status.OPEN


def test_a_mail_to_the_escalation_address_escalates_as_the_portal_does(world, deliver):
    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Checkout down", severity=1)
    raw = mail(
        sender=world.alice.email,
        to="support.escalate@supportdesk.example",
        subject=f"Escalation {ticket.reference}",
        text="Every order fails since 09:00; we lose sales.",
    )
    row = deliver(raw)
    assert (row.outcome, row.ticket) == ("escalation", ticket)
    escalation = Escalation.objects.get(ticket=ticket, kind=Escalation.Kind.CUSTOMER)
    assert escalation.created_by == world.alice
    assert escalation.justification == "Every order fails since 09:00; we lose sales."
    again = deliver(
        mail(
            sender=world.alice.email,
            to="support.escalate@supportdesk.example",
            subject=f"Escalation {ticket.reference}",
            text="Again.",
        )
    )
    assert again.outcome == "refused" and "already escalated" in again.reason


def test_files_go_through_the_portals_checks_and_a_refused_one_is_named_on_the_comment(world, deliver):
    raw = mail(
        sender=world.alice.email,
        to=reply_to_ticket(world.alice_ticket.number, world.alice.email),
        text="Logs attached.",
        attachments=[
            ("checkout.log", b"GET /checkout 503\n", "text/plain"),
            ("fix.exe", b"MZ\x90\x00", "application/octet-stream"),
            ("shot.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png"),
        ],
    )
    row = deliver(raw)
    assert row.outcome == "attached"
    names = sorted(Attachment.objects.filter(comment=row.comment).values_list("original_name", flat=True))
    assert names == ["checkout.log", "shot.png"]
    assert row.comment.body.startswith("Logs attached.") and "fix.exe" in row.comment.body
    assert "fix.exe" in row.reason
    told = OutboundEmail.objects.get(recipient=world.alice.email, event_key=f"inbound-refused:{row.pk}")
    assert "fix.exe" in told.body_text and told.headers["Auto-Submitted"] == "auto-generated"


def test_an_html_only_mail_is_sanitised_into_text(world, deliver):
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<p>Checkout fails for <b>all</b> cards.</p><p>Order&nbsp;4711<br>Order 4712</p>"
        '<img src="x" onerror="alert(2)"></body></html>'
    )
    row = deliver(
        mail(sender=world.alice.email, to=reply_to_ticket(world.alice_ticket.number, world.alice.email), text=None, html=html)
    )
    assert row.comment.body == "Checkout fails for all cards.\n\nOrder 4711\nOrder 4712"


def test_the_agent_downloads_the_original_and_customers_cannot(world, deliver):
    raw = mail(sender=world.alice.email, to=reply_to_ticket(world.alice_ticket.number, world.alice.email))
    row = deliver(raw)
    agent, customer = Client(), Client()
    agent.force_login(world.agent)
    customer.force_login(world.alice)
    response = agent.get(f"/desk/mail/comments/{row.comment.pk}/original/")
    assert response.status_code == 200 and b"".join(response.streaming_content if response.streaming else [response.content]) == raw
    assert response["Content-Disposition"].startswith("attachment")
    assert customer.get(f"/desk/mail/comments/{row.comment.pk}/original/").status_code == 403
    page = agent.get(f"/desk/tickets/{world.alice_ticket.number}/")
    assert "via email" in page.content.decode()


def test_an_agent_links_an_unknown_sender_to_an_organisation(world, deliver, django_capture_on_commit_callbacks):
    row = deliver(mail(sender="Nadia New <nadia@alpha.example>", subject="Invoice question", text="Where is my invoice?"))
    assert row.outcome == "unknown_sender"
    agent = Client()
    agent.force_login(world.agent)
    assert "Invoice question" in agent.get("/desk/mail/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent.post(f"/desk/mail/{row.pk}/link/", {"organisation": world.alpha.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.outcome == "linked" and row.handled_by == world.agent
    contact = Contact.objects.get(organisation=world.alpha, email="nadia@alpha.example")
    assert contact.name == "Nadia New" and row.ticket.requester_contact == contact
    assert OutboundEmail.objects.filter(recipient="nadia@alpha.example", event_key=f"ticket-created:{row.ticket.number}").exists()
    assert "Invoice question" not in agent.get("/desk/mail/").content.decode()


def test_an_agent_answers_an_unknown_sender_or_discards_the_mail(world, deliver):
    question = deliver(mail(sender="prospect@else.example", subject="Do you support SEUR?", text="Do you?"))
    spam = deliver(mail(sender="spam@else.example", subject="Cheap pills"))
    agent = Client()
    agent.force_login(world.agent)
    agent.post(f"/desk/mail/{question.pk}/answer/", {"body": "Yes, in Spain and Portugal."})
    agent.post(f"/desk/mail/{spam.pk}/discard/")
    question.refresh_from_db()
    spam.refresh_from_db()
    assert (question.outcome, spam.outcome) == ("answered", "discarded")
    answer = OutboundEmail.objects.get(recipient="prospect@else.example")
    assert answer.subject == "Re: Do you support SEUR?" and answer.in_reply_to == question.message_id
    assert Ticket.objects.filter(summary__in=["Do you support SEUR?", "Cheap pills"]).count() == 0
    assert InboundMessage.objects.filter(outcome="unknown_sender").count() == 0


def test_an_agent_lets_a_held_message_through(world, deliver, settings):
    settings.INBOUND_HOURLY_LIMIT = 1
    address = reply_to_ticket(world.alice_ticket.number, world.alice.email)
    deliver(mail(sender=world.alice.email, to=address, text="First"))
    held = deliver(mail(sender=world.alice.email, to=address, text="Second, not a loop"))
    assert held.outcome == "held"
    agent = Client()
    agent.force_login(world.agent)
    agent.post(f"/desk/mail/{held.pk}/release/")
    held.refresh_from_db()
    assert held.outcome == "attached" and held.comment.body == "Second, not a loop"


def test_every_ticket_mail_carries_its_reply_address_its_thread_and_auto_submitted(world):
    from sla.escalations import escalation_raise
    from tickets.emails import ticket_created_emails_queue

    ticket = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Checkout down", severity=1)
    ticket_created_emails_queue(ticket=ticket)
    comment_add(ticket=ticket, author=world.agent, body="Looking now.")
    escalation_raise(ticket=ticket, user=world.alice, description="Down", environment="live1", justification="Sales lost")
    to_alice = list(
        OutboundEmail.objects.filter(recipient=world.alice.email).exclude(event_key__startswith="escalation-confirmed:").order_by("pk")
    )
    assert [row.event_key.split(":")[0] for row in to_alice] == ["ticket-created", "ticket-reply"]
    created, reply = to_alice
    assert created.headers["Reply-To"] == reply.headers["Reply-To"] == reply_to_ticket(ticket.number, world.alice.email)
    assert created.headers["Auto-Submitted"] == "auto-generated" and "Auto-Submitted" not in reply.headers
    assert (reply.in_reply_to, reply.references) == (created.message_id, created.message_id)
    assert created.message_id != reply.message_id and f"[{ticket.reference}]" in reply.subject
    to_lead = OutboundEmail.objects.get(recipient=world.lead.email, event_key__startswith="escalation:")
    assert to_lead.headers["Auto-Submitted"] == "auto-generated"
    assert to_lead.headers["Reply-To"] == reply_to_ticket(ticket.number, world.lead.email)


def test_the_emergency_contact_without_a_login_escalates_by_mail(world, deliver):
    contact = world.alpha.registered_emergency_contact
    ticket = TicketFactory(organisation=world.alpha, requester_contact=contact, summary="Labels fail", severity=1)
    row = deliver(
        mail(
            sender=contact.email,
            to="support.escalate@supportdesk.example",
            subject=f"Escalating {ticket.reference}",
            text="Every label fails; trucks wait.",
        )
    )
    assert row.outcome == "escalation"
    escalation = Escalation.objects.get(ticket=ticket)
    assert (escalation.created_by, escalation.justification) == (None, "Every label fails; trucks wait.")
    assert ticket.events.get(kind="escalated").actor_name == contact.name
    no_reason = deliver(
        mail(
            sender=contact.email,
            to="support.escalate@supportdesk.example",
            subject=f"Escalating {world.alice_ticket.reference}",
            text="",
        )
    )
    assert no_reason.outcome == "refused"


def test_an_agent_mailing_support_without_naming_a_ticket_opens_nothing(world, deliver):
    tickets = Ticket.objects.count()
    row = deliver(mail(sender=world.agent.email, subject="Lunch?"))
    assert row.outcome == "refused" and Ticket.objects.count() == tickets


def test_the_desk_list_costs_the_same_queries_for_few_or_many_messages(world, deliver):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    agent = Client()
    agent.force_login(world.agent)
    counts = []
    for batch in (2, 12):
        for i in range(batch):
            deliver(mail(sender=f"stranger{batch}-{i}@else.example", subject=f"Question {batch}-{i}"))
        with CaptureQueriesContext(connection) as queries:
            response = agent.get("/desk/mail/")
        assert response.status_code == 200 and f"Question {batch}-0" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1] and counts[1] <= 8, counts


def test_a_reply_to_a_merged_duplicates_mail_lands_on_the_kept_ticket(world, deliver):
    from tickets.merging import ticket_merge

    duplicate = TicketFactory(organisation=world.alpha, requester_user=world.alice, summary="Checkout slow, again")
    kept = world.alice_ticket
    ticket_merge(duplicate=duplicate, kept=kept, actor=world.agent)
    row = deliver(mail(sender=world.alice.email, to=reply_to_ticket(duplicate.number, world.alice.email), text="Any news?"))
    assert row.outcome == "attached"
    assert row.comment.ticket == kept
    assert not duplicate.comments.filter(body="Any news?").exists()
