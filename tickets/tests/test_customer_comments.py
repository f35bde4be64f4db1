"""What a customer's comment does: reopen, follow up, and always reach a person (mail at a real SMTP server)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from customers.models import Contact
from tickets.models import Comment, Ticket, TicketEvent
from tickets.signals import customer_comment_unattended
from tickets.workflow import comment_add, ticket_assign, ticket_status_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():  # type: ignore[no-untyped-def]
    calls: list[tuple[Ticket, Comment]] = []

    def receiver(sender, ticket, comment, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((ticket, comment))

    customer_comment_unattended.connect(receiver, dispatch_uid="test-heard")
    yield calls
    customer_comment_unattended.disconnect(dispatch_uid="test-heard")


@pytest.fixture
def commits(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run what commits would run (the outbox's send task), so the mail reaches the SMTP server."""
    return django_capture_on_commit_callbacks


def resolved(world, *, assignee=None):  # type: ignore[no-untyped-def]
    ticket = world.alice_ticket
    if assignee:
        ticket_assign(ticket=ticket, actor=world.lead, assignee=assignee)
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    return ticket


def test_a_comment_within_the_window_reopens_and_tells_the_assignee(world, smtp, heard, settings, commits):
    settings.TICKET_REOPEN_WINDOW = timedelta(days=14)
    ticket = resolved(world, assignee=world.agent)
    later = time_machine.travel(timezone.now() + timedelta(days=13), tick=False)
    with later, commits(execute=True):
        comment = comment_add(ticket=ticket, author=world.alice, body="Still broken, please reopen")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.resolved_at is None
    assert comment.outcome.reopened and comment.outcome.notified == "assignee"
    assert comment.outcome.assignee_name == "Sam Agent"
    assert heard == []
    [mail] = smtp.to("sam@vendor.example")
    assert mail["Subject"] == f"[{ticket.reference}] Customer comment: {ticket.summary}"
    assert "Still broken, please reopen" in mail.text and f"/desk/tickets/{ticket.number}/" in mail.text


def test_a_comment_after_the_window_opens_a_linked_ticket_and_the_old_one_stays_resolved(world, smtp, settings, commits):
    settings.TICKET_REOPEN_WINDOW = timedelta(days=14)
    ticket = resolved(world)
    later = time_machine.travel(timezone.now() + timedelta(days=15), tick=False)
    with later, commits(execute=True):
        comment = comment_add(ticket=ticket, author=world.alice, body="It is back again")
    ticket.refresh_from_db()
    follow_up = comment.outcome.follow_up
    assert ticket.status == Ticket.Status.RESOLVED
    assert comment.ticket == follow_up and follow_up.organisation == world.alpha
    assert follow_up.requester_user == world.alice and follow_up.ticket_type == ticket.ticket_type
    assert follow_up.summary == f"Follow-up to {ticket.reference}: {ticket.summary}"
    assert ticket.events.get(kind=TicketEvent.Kind.LINKED).after["ticket"] == follow_up.reference
    assert follow_up.events.get(kind=TicketEvent.Kind.LINKED).after["ticket"] == ticket.reference
    [received] = smtp.to("alice@alpha.example")
    assert received["Subject"].startswith(f"[{follow_up.reference}] We received your request")


def test_a_comment_on_a_closed_ticket_opens_a_linked_ticket(world):
    ticket = resolved(world)
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.CLOSED)
    comment = comment_add(ticket=ticket, author=world.alice, body="One more thing")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    assert comment.outcome.follow_up is not None and comment.ticket_id == comment.outcome.follow_up.pk


def test_an_unassigned_comment_reaches_the_team_address_and_the_desk_signal(world, smtp, heard, settings, commits):
    settings.SUPPORT_TEAM_EMAIL = "team@vendor.example"
    ticket = world.alice_ticket
    with commits(execute=True):
        comment = comment_add(ticket=ticket, author=world.alice, body="Any news?")
    assert comment.outcome.notified == "team"
    assert heard == [(ticket, comment)]
    [mail] = smtp.messages
    assert mail.envelope_to == ["team@vendor.example"]
    assert "nobody is assigned to" in mail.text and f"/desk/tickets/{ticket.number}/" in mail.text
    assert mail["Subject"] == f"[{ticket.reference}] Unassigned: customer comment: {ticket.summary}"


def test_without_a_team_address_every_active_agent_hears_of_an_unassigned_comment(world, smtp, heard, settings, commits):
    settings.SUPPORT_TEAM_EMAIL = ""
    ticket = world.alice_ticket
    ticket_assign(ticket=ticket, actor=world.lead, assignee=world.agent)
    world.agent.is_active = False
    world.agent.save(update_fields=["is_active"])
    with commits(execute=True):
        comment = comment_add(ticket=ticket, author=world.alice, body="Hello?")
    assert comment.outcome.notified == "team" and len(heard) == 1
    assert smtp.messages == []  # the only agent left the company: nobody to mail, the desk signal still fires


def test_a_contact_without_a_login_reopens_a_resolved_ticket(world):
    contact = Contact.objects.create(organisation=world.alpha, email="ops@alpha.example", name="Ops list")
    ticket = resolved(world)
    comment = comment_add(ticket=ticket, author=None, author_contact=contact, body="Not fixed", via=Comment.Via.LINK)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and comment.outcome.reopened and comment.author_label == "Ops list"


def test_files_alone_are_a_comment_but_nothing_at_all_is_not(world):
    ticket = world.alice_ticket
    comment = comment_add(
        ticket=ticket,
        author=world.alice,
        body="",
        uploads=[SimpleUploadedFile("trace.log", b"trace\n")],
    )
    assert [a.original_name for a in comment.attachments.all()] == ["trace.log"]
    with pytest.raises(Exception, match="Write a message first"):
        comment_add(ticket=ticket, author=world.alice, body="  ")


def test_support_replies_on_a_resolved_ticket_do_not_reopen_it(world):
    ticket = resolved(world)
    comment_add(ticket=ticket, author=world.agent, body="Glad it works.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED


def test_resolution_mails_the_requester_and_copies_how_to_reopen_and_rate(world, smtp, settings, commits):
    settings.TICKET_REOPEN_WINDOW = timedelta(days=14)
    copied = Contact.objects.create(organisation=world.alpha, email="ops@alpha.example", name="Ops", language="es")
    ticket = world.alice_ticket
    ticket.cc_contacts.add(copied)
    with commits(execute=True):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    assert sorted(m.envelope_to[0] for m in smtp.messages) == ["alice@alpha.example", "ops@alpha.example"]
    [mail] = smtp.to("alice@alpha.example")
    assert mail["Subject"] == f"[{ticket.reference}] Resolved: {ticket.summary}"
    assert mail["Content-Language"] == "en"
    assert "add a comment within 14 days and it reopens" in mail.text
    assert f"/portal/tickets/{ticket.number}/?rate=good#rating" in mail.text
    assert smtp.to("ops@alpha.example")[0]["Content-Language"] == "es"


def test_a_customer_resolves_or_closes_their_request_but_sets_no_other_status(world, smtp, commits):
    from tickets.workflow import ticket_customer_close

    ticket = world.alice_ticket
    with commits(execute=True):
        ticket_customer_close(ticket=ticket, user=world.alice, status=Ticket.Status.RESOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.events.filter(kind=TicketEvent.Kind.STATUS).last().reason == "Marked resolved by the customer."
    assert smtp.to("alice@alpha.example") == []  # she did it herself
    ticket_customer_close(ticket=ticket, user=world.alice, status=Ticket.Status.CLOSED)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    with pytest.raises(Exception, match="mark a request resolved, or close it"):
        ticket_customer_close(ticket=world.alice_ticket, user=world.alice, status=Ticket.Status.WAITING_ON_VENDOR)


def test_a_rating_is_kept_once_per_ticket_and_only_once_resolved(world):
    from tickets.models import SatisfactionRating
    from tickets.workflow import rating_record

    ticket = world.alice_ticket
    with pytest.raises(Exception, match="once it is resolved"):
        rating_record(ticket=ticket, score="good", user=world.alice)
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    rating_record(ticket=ticket, score="bad", comment="Took a week", user=world.alice)
    rating_record(ticket=ticket, score="good", comment=" Fine after all ", user=world.alice)
    [rating] = SatisfactionRating.objects.filter(ticket=ticket)
    assert (rating.score, rating.comment, rating.rated_by) == ("good", "Fine after all", world.alice)
