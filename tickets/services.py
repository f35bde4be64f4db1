"""Changing tickets. Every change writes its timeline entry in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import F

from accounts.models import User
from customers.models import Contact, Environment, Organisation
from sla.models import Severity
from tickets.details import details_clean
from tickets.models import Ticket, TicketEvent, TicketNumberSequence, TicketType
from tickets.signals import ticket_event_recorded


def ticket_number_next() -> int:
    """Hand out the next ticket number; the row lock serialises concurrent filings."""
    sequence, _created = TicketNumberSequence.objects.select_for_update().get_or_create(pk=1)
    TicketNumberSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db()
    return sequence.last_number


def event_record(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None = None,
    actor_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    is_public: bool = True,
    comment: Any = None,
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        actor_label=actor_label,
        before=before or {},
        after=after or {},
        reason=reason,
        is_public=is_public,
        comment=comment,
    )
    # The SLA clocks follow the timeline: every entry passes by them, in this transaction.
    from sla.clocks import clocks_on_event

    clocks_on_event(event)
    # In the same transaction, so that what reacts (webhook deliveries) is recorded with the change or not at all.
    ticket_event_recorded.send(sender=TicketEvent, event=event)
    return event


@transaction.atomic
def ticket_create(
    *,
    organisation: Organisation,
    ticket_type: TicketType,
    summary: str,
    description: str = "",
    requester_user: User | None = None,
    requester_contact: Contact | None = None,
    cc_contacts: Iterable[Contact] = (),
    severity: Severity | None = None,
    environment: Environment | None = None,
    details: dict[str, Any] | None = None,
    actor: User | None = None,
    actor_label: str = "",
) -> Ticket:
    """File a ticket for an organisation. Raises ValidationError on bad details."""
    if environment is not None and environment.organisation_id != organisation.pk:
        raise ValueError("The environment belongs to another organisation.")
    cc_contacts = list(cc_contacts)
    if any(contact.organisation_id != organisation.pk for contact in cc_contacts):
        raise ValueError("A contact in copy belongs to another organisation.")
    cleaned = details_clean(fields=ticket_type.fields.all(), data=details or {})
    ticket = Ticket.objects.create(
        organisation=organisation,
        number=ticket_number_next(),
        ticket_type=ticket_type,
        requester_user=requester_user,
        requester_contact=requester_contact,
        severity=severity,
        environment=environment,
        summary=summary.strip(),
        description=description,
        details=cleaned,
    )
    if cc_contacts:
        ticket.cc_contacts.set(cc_contacts)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.CREATED,
        actor=actor if actor is not None else requester_user,
        actor_label=actor_label,
        after={
            "type": ticket_type.name,
            "severity": severity.level if severity else None,
            "status": ticket.status,
        },
    )
    return ticket
