"""A mail to the escalation address (seed 003's support.escalate@…): a customer escalation, as the portal's."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mail import parsing
from mail.handling import inbound_finish, person_on_ticket
from mail.models import InboundMessage
from mail.quotes import reply_new_text
from tickets.models import Ticket

Outcome = InboundMessage.Outcome


def _named_ticket(subject: str) -> Ticket | None:
    match = re.search(rf"\b{re.escape(settings.TICKET_PREFIX)}-(\d{{1,10}})\b", subject, re.IGNORECASE)
    return Ticket.objects.filter(number=int(match[1])).first() if match else None


def mail_escalate(row: InboundMessage, mail: parsing.ParsedMail, ticket: Ticket | None) -> None:
    """Escalate the ticket the mail names, if the sender may see it and says why. Refused otherwise."""
    from sla.escalations import escalation_raise

    ticket = ticket or _named_ticket(mail.subject)
    person = person_on_ticket(ticket=ticket, address=mail.from_address) if ticket else None
    if ticket is None or person is None:
        inbound_finish(row, Outcome.REFUSED, _("An escalation must name a ticket of the sender's (SD-… in the subject)."))
        return
    user = person.user or (person.contact.user if person.contact and person.contact.user_id else None)
    if user is not None and user.is_support_staff:
        inbound_finish(row, Outcome.REFUSED, _("Support staff do not escalate by mail."), ticket=ticket)
        return
    contact = person.contact if user is None else None
    justification = reply_new_text(text=mail.text, html=mail.html, subject=mail.subject)
    try:
        escalation_raise(
            ticket=ticket,
            user=user,
            contact=contact,
            description=ticket.summary,
            justification=justification,
            environment=ticket.environment.name if ticket.environment is not None else _("not stated"),
        )
    except ValidationError as exc:
        inbound_finish(row, Outcome.REFUSED, " ".join(exc.messages), ticket=ticket)
        return
    inbound_finish(row, Outcome.ESCALATION, ticket=ticket)
