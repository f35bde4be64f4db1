"""Filing a ticket for a customer who called, chatted or wrote: the agent types, the contact is the requester."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from customers.models import Contact, Environment, Organisation
from sla.models import Severity
from tickets.filing import ticket_file
from tickets.models import Comment, Ticket, TicketType
from tickets.workflow import comment_add

CHANNELS = {
    "phone": gettext_lazy("by phone"),
    "chat": gettext_lazy("by chat"),
    "email": gettext_lazy("by email"),
}
EARLIEST = timedelta(days=30)  # how far back an agent may say the customer first got in touch


def ticket_file_on_behalf(
    *,
    organisation: Organisation,
    ticket_type: TicketType,
    actor: User,
    requester_contact: Contact,
    received_at: datetime,
    via: str,
    summary: str,
    description: str = "",
    severity: Severity | None = None,
    environment: Environment | None = None,
    details: dict[str, Any] | None = None,
    cc_contacts: Iterable[Contact] = (),
) -> Ticket:
    """File a ticket for a contact of ``organisation``; the SLA clock runs from ``received_at``.

    The contact is the requester and gets the reception mail (and the contacts in copy a copy);
    an internal note on the timeline says who filed it, for whom, through which channel and when
    the customer got in touch.
    """
    if not actor.is_support_staff:
        raise PermissionError("Only support staff file tickets for a customer.")
    if requester_contact.organisation_id != organisation.pk:
        raise ValidationError({"requester_contact": _("Choose a contact of this organisation.")})
    if via not in CHANNELS:
        raise ValidationError({"via": _("Choose phone, chat or email.")})
    now = timezone.now()
    if received_at > now + timedelta(minutes=1):
        raise ValidationError({"received_at": _("The customer got in touch in the past: this time is still to come.")})
    if received_at < now - EARLIEST:
        raise ValidationError({"received_at": _("That is more than 30 days ago: file it as of today and say so.")})
    with transaction.atomic():
        ticket = ticket_file(
            organisation=organisation,
            ticket_type=ticket_type,
            summary=summary,
            description=description,
            requester_contact=requester_contact,
            cc_contacts=cc_contacts,
            severity=severity,
            environment=environment,
            details=details or {},
            actor=actor,
            received_at=received_at,
            via=Comment.Via.WEB,
        )
        comment_add(
            ticket=ticket,
            author=actor,
            is_internal=True,
            body=_("Filed by %(agent)s for %(contact)s (%(channel)s); the customer got in touch at %(when)s.")
            % {
                "agent": actor.get_full_name(),
                "contact": f"{requester_contact.name} <{requester_contact.email}>",
                "channel": CHANNELS[via],
                "when": timezone.localtime(received_at).strftime("%Y-%m-%d %H:%M %Z"),
            },
        )
    return ticket
