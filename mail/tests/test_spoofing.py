"""Nothing is ever attached to a ticket its sender may not see, whatever the message claims."""

from __future__ import annotations

import pytest

from mail.models import ThreadMessage
from mail.tests.messages import mail, reply_to_ticket
from tickets.emails import ticket_created_emails_queue
from tickets.models import Comment, TicketEvent

pytestmark = pytest.mark.django_db


def _untouched(ticket) -> bool:  # type: ignore[no-untyped-def]
    return (
        not Comment.objects.filter(ticket=ticket).exists()
        and not TicketEvent.objects.filter(
            ticket=ticket,
            kind__in=["commented", "replied", "escalated"],
        ).exists()
    )


def test_a_forged_from_naming_another_organisations_participant_is_refused(world, deliver):
    """charlie's address in From, on a reply address made for alice: the signature is alice's alone."""
    raw = mail(sender=world.charlie.email, to=reply_to_ticket(world.alice_ticket.number, world.alice.email))
    row = deliver(raw)
    assert row.outcome == "refused" and row.ticket is None
    assert _untouched(world.alice_ticket)


def test_a_valid_token_of_another_ticket_attaches_only_to_that_ticket(world, deliver):
    """charlie's own reply address (his ticket), with alice's ticket named in the subject."""
    raw = mail(
        sender=world.charlie.email,
        to=reply_to_ticket(world.outsider_ticket.number, world.charlie.email),
        subject=f"Re: [{world.alice_ticket.reference}] Alpha checkout is slow",
    )
    row = deliver(raw)
    assert (row.outcome, row.ticket) == ("attached", world.outsider_ticket)
    assert _untouched(world.alice_ticket)


def test_a_token_with_its_number_changed_is_refused(world, deliver):
    token_for_charlie = reply_to_ticket(world.outsider_ticket.number, world.charlie.email)
    forged = token_for_charlie.replace(f"+{world.outsider_ticket.number}-", f"+{world.alice_ticket.number}-")
    row = deliver(mail(sender=world.charlie.email, to=forged))
    assert row.outcome == "refused"
    assert _untouched(world.alice_ticket) and _untouched(world.outsider_ticket)


def test_a_token_made_for_another_recipient_is_refused_even_from_the_same_organisation(world, deliver):
    made_for_alice = reply_to_ticket(world.alice_ticket.number, world.alice.email)
    for sender in (world.charlie.email, world.alan.email, "stranger@nowhere.example"):
        assert deliver(mail(sender=sender, to=made_for_alice)).outcome == "refused"
    assert _untouched(world.alice_ticket)


def test_references_to_another_organisations_thread_do_not_attach(world, deliver, django_capture_on_commit_callbacks):
    ticket_created_emails_queue(ticket=world.alice_ticket)
    alpha_thread = ThreadMessage.objects.get(ticket=world.alice_ticket, recipient=world.alice.email).message_id
    raw = mail(sender=world.charlie.email, in_reply_to=alpha_thread, references=alpha_thread, subject="Re: checkout")
    row = deliver(raw)
    assert row.ticket != world.alice_ticket
    assert row.outcome == "new_ticket" and row.ticket.organisation == world.outsider
    assert _untouched(world.alice_ticket)


def test_references_to_our_thread_from_its_participant_do_attach(world, deliver):
    ticket_created_emails_queue(ticket=world.alice_ticket)
    thread = ThreadMessage.objects.get(ticket=world.alice_ticket, recipient=world.alice.email).message_id
    row = deliver(mail(sender=world.alice.email, references=thread, text="Still slow today."))
    assert (row.outcome, row.ticket) == ("attached", world.alice_ticket)
    assert Comment.objects.get(ticket=world.alice_ticket).author == world.alice


def test_a_subject_naming_another_organisations_ticket_opens_nothing_on_it(world, deliver):
    subject = f"Re: [{world.alice_ticket.reference}] Alpha checkout is slow"
    row = deliver(mail(sender=world.charlie.email, subject=subject))
    assert row.outcome == "new_ticket" and row.ticket.organisation == world.outsider
    assert _untouched(world.alice_ticket)
    escalation = deliver(
        mail(sender=world.charlie.email, to="support.escalate@supportdesk.example", subject=subject, text="It is urgent.")
    )
    assert escalation.outcome == "refused"
    assert _untouched(world.alice_ticket)


def test_an_unknown_sender_with_a_ticket_number_lands_in_no_organisation(world, deliver):
    row = deliver(mail(sender="mallory@evil.example", subject=f"Re: [{world.outsider_ticket.reference}] hello"))
    assert (row.outcome, row.ticket) == ("unknown_sender", None)
    assert _untouched(world.outsider_ticket)
