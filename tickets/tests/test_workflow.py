from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sla.models import Severity
from tickets.models import Ticket, TicketEvent
from tickets.workflow import (
    comment_add,
    ticket_acknowledge,
    ticket_assign,
    ticket_send_back,
    ticket_severity_change,
    ticket_status_change,
)

pytestmark = pytest.mark.django_db


def kinds(ticket: Ticket) -> list[str]:
    """The workflow's own entries; the SLA clocks' entries are tested in sla/tests."""
    return list(ticket.events.exclude(kind=TicketEvent.Kind.SLA).values_list("kind", flat=True))


def test_acknowledging_opens_the_ticket_once(world):
    ticket = world.alice_ticket
    assert ticket_acknowledge(ticket=ticket, actor=world.agent) is True
    assert ticket_acknowledge(ticket=ticket, actor=world.lead) is False
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.acknowledged_at is not None
    assert kinds(ticket) == ["created", "acknowledged"]


def test_first_public_reply_acknowledges_but_a_note_does_not(world):
    ticket = world.alice_ticket
    comment_add(ticket=ticket, author=world.agent, body="Looking into it internally", is_internal=True)
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is None
    comment_add(ticket=ticket, author=world.agent, body="We are on it.")
    ticket.refresh_from_db()
    assert ticket.acknowledged_at is not None
    note = ticket.events.get(kind=TicketEvent.Kind.NOTE)
    assert note.is_public is False
    assert kinds(ticket) == ["created", "note", "replied", "acknowledged"]


def test_customers_cannot_write_internal_notes(world):
    with pytest.raises(ValidationError):
        comment_add(ticket=world.alice_ticket, author=world.alice, body="secret", is_internal=True)
    assert world.alice_ticket.comments.count() == 0


def test_an_empty_comment_is_refused_and_changes_nothing(world):
    with pytest.raises(ValidationError):
        comment_add(ticket=world.alice_ticket, author=world.alice, body="   ")
    assert kinds(world.alice_ticket) == ["created"]


def test_sending_back_waits_on_the_customer_and_their_answer_hands_it_back(world):
    ticket = world.alice_ticket
    ticket_send_back(ticket=ticket, actor=world.agent, message="Please add the order ids.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING_ON_CUSTOMER
    assert ticket.acknowledged_at is not None

    comment_add(ticket=ticket, author=world.alice, body="Orders 1001 and 1002.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    last = ticket.events.filter(kind=TicketEvent.Kind.STATUS).last()
    assert (last.before, last.after) == ({"status": "waiting_customer"}, {"status": "open"})


def test_a_system_send_back_is_not_an_acknowledgement(world):
    ticket = world.alice_ticket
    ticket_send_back(ticket=ticket, actor=None, actor_label="Supportdesk", message="Add a justification.")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.WAITING_ON_CUSTOMER
    assert ticket.acknowledged_at is None


def test_severity_change_needs_a_reason_and_records_before_and_after(world):
    ticket = world.alice_ticket
    with pytest.raises(ValidationError):
        ticket_severity_change(ticket=ticket, actor=world.agent, severity=Severity.objects.get(level=1), reason=" ")
    ticket_severity_change(
        ticket=ticket,
        actor=world.agent,
        severity=Severity.objects.get(level=1),
        reason="Checkout is down",
    )
    event = ticket.events.get(kind=TicketEvent.Kind.SEVERITY)
    assert event.after == {"severity": 1}
    assert event.reason == "Checkout is down"


def test_resolve_close_and_reopen(world):
    ticket = world.alice_ticket
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.RESOLVED)
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.CLOSED)
    ticket.refresh_from_db()
    assert ticket.resolved_at and ticket.closed_at
    ticket_status_change(ticket=ticket, actor=world.alice, status=Ticket.Status.OPEN, reason="Still broken")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN and ticket.resolved_at is None and ticket.closed_at is None


def test_an_impossible_move_is_refused(world):
    ticket = world.alice_ticket
    ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.CLOSED)
    with pytest.raises(ValidationError):
        ticket_status_change(ticket=ticket, actor=world.agent, status=Ticket.Status.WAITING_ON_VENDOR)


def test_only_support_staff_can_be_assigned(world):
    with pytest.raises(ValidationError):
        ticket_assign(ticket=world.alice_ticket, actor=world.agent, assignee=world.alice)
    ticket_assign(ticket=world.alice_ticket, actor=world.lead, assignee=world.agent)
    event = world.alice_ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert event.after == {"assignee": "Sam Agent"} and event.is_public is False
