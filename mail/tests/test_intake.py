from __future__ import annotations

import io
import sys

import pytest
from django.core.management import call_command

from mail.intake import MessageTooLarge, inbound_store
from mail.models import InboundMessage
from mail.tests.messages import mail, reply_to_ticket
from tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db(transaction=False)


def _stdin(monkeypatch: pytest.MonkeyPatch, raw: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))


def _contact_reply(world, text: str = "Thanks, that fixed it.", **kwargs) -> bytes:  # type: ignore[no-untyped-def]
    contact = world.alpha.registered_emergency_contact
    return mail(sender=contact.email, to=reply_to_ticket(world.alice_ticket.number, contact.email), text=text, **kwargs)


def test_a_reply_piped_to_mail_in_becomes_the_contacts_comment(world, monkeypatch, django_capture_on_commit_callbacks):
    raw = _contact_reply(world)
    _stdin(monkeypatch, raw)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mail_in", "--sender", "emergency@alpha.example", "--recipient", "support@supportdesk.example")
    comment = Comment.objects.get(ticket=world.alice_ticket)
    assert comment.author_contact == world.alpha.registered_emergency_contact
    assert comment.via == Comment.Via.EMAIL
    assert comment.author is None and comment.body == "Thanks, that fixed it."
    row = InboundMessage.objects.get()
    assert (row.outcome, row.ticket, row.comment, row.via) == ("attached", world.alice_ticket, comment, "pipe")


def test_the_same_message_id_twice_makes_one_comment(world, django_capture_on_commit_callbacks):
    raw = _contact_reply(world, message_id="<once@client.example>")
    with django_capture_on_commit_callbacks(execute=True):
        first, created = inbound_store(raw=raw, via="smtp")
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = inbound_store(raw=raw, via="imap")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Comment.objects.filter(ticket=world.alice_ticket).count() == 1


def test_a_message_over_the_size_limit_is_refused_and_not_stored(world, settings):
    settings.INBOUND_MAX_BYTES = 1000
    with pytest.raises(MessageTooLarge):
        inbound_store(raw=_contact_reply(world, text="x" * 2000), via="smtp")
    assert not InboundMessage.objects.exists()


def test_a_failed_processing_leaves_the_message_pending_and_the_sweep_takes_it_again(
    world,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    import mail.routing

    def broken(row):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(mail.routing, "message_route", broken)
    with django_capture_on_commit_callbacks(execute=True):
        row, _created = inbound_store(raw=_contact_reply(world), via="smtp")
    row.refresh_from_db()
    assert (row.state, row.attempts, row.outcome) == ("pending", 1, "")
    assert "database went away" in row.last_error
    monkeypatch.undo()
    from mail.tasks import inbound_process

    assert inbound_process(row.pk) == "attached"
    assert inbound_process(row.pk) is None  # done: a second run does nothing
    assert Comment.objects.filter(ticket=world.alice_ticket).count() == 1


def test_a_new_mail_from_a_known_contact_opens_an_email_request(world, django_capture_on_commit_callbacks):
    contact = world.alpha.registered_emergency_contact
    other = world.alpha.contacts.exclude(pk=contact.pk).first()
    raw = mail(
        sender=f"On call <{contact.email}>",
        cc=other.email,
        subject="Orders stuck in Pending",
        text="Since 10:00 UTC no order leaves Pending.\n\n-- \nOn-call desk",
    )
    with django_capture_on_commit_callbacks(execute=True):
        row, _created = inbound_store(raw=raw, via="smtp")
    row.refresh_from_db()
    ticket = Ticket.objects.get(summary="Orders stuck in Pending")
    assert (row.outcome, row.ticket) == ("new_ticket", ticket)
    assert ticket.organisation == world.alpha and ticket.ticket_type.slug == "email-request"
    assert ticket.requester_contact == contact
    assert list(ticket.cc_contacts.all()) == [other]
    assert ticket.description == "Since 10:00 UTC no order leaves Pending."


def test_a_new_mail_from_an_unknown_sender_lands_in_no_organisation(world, django_capture_on_commit_callbacks):
    tickets = Ticket.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        row, _created = inbound_store(raw=mail(sender="stranger@nowhere.example", subject="Do you support X?"), via="smtp")
    row.refresh_from_db()
    assert (row.outcome, row.ticket) == ("unknown_sender", None)
    assert Ticket.objects.count() == tickets
