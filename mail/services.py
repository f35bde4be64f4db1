"""What an agent does with mail the intake could not place: link it, answer it, discard it, or let it through."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact, Organisation
from mail import parsing
from mail.models import InboundMessage
from notifications.services import Email, email_queue
from tickets.models import Ticket

Outcome = InboundMessage.Outcome


def _locked(inbound: InboundMessage, *, outcomes: tuple[str, ...]) -> InboundMessage:
    row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if row.outcome not in outcomes:
        raise ValidationError(_("This message was already handled."))
    return row


def _check(actor: User) -> None:
    if not actor.is_support_staff:
        raise ValidationError(_("Only support handles inbound mail."))


@transaction.atomic
def inbound_link(*, inbound: InboundMessage, organisation: Organisation, actor: User) -> Ticket:
    """The sender becomes a contact of the organisation, and the mail its ticket."""
    from mail.routing import ticket_open_from

    _check(actor)
    row = _locked(inbound, outcomes=(Outcome.UNKNOWN_SENDER,))
    mail = parsing.mail_read(bytes(row.raw))
    contact = Contact.objects.filter(organisation=organisation, email__iexact=mail.from_address).first()
    if contact is None:
        contact = Contact.objects.create(
            organisation=organisation,
            email=mail.from_address,
            name=mail.from_name or mail.from_address,
        )
    ticket = ticket_open_from(row=row, mail=mail, organisation=organisation, user=None, contact=contact)
    row.outcome, row.handled_by = Outcome.LINKED, actor
    row.save(update_fields=["outcome", "ticket", "reason", "handled_by"])
    return ticket


@transaction.atomic
def inbound_answer(*, inbound: InboundMessage, actor: User, body: str) -> None:
    """Answer an unknown sender as a general question, in their thread; no organisation ever sees it."""
    _check(actor)
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write the answer first.")})
    row = _locked(inbound, outcomes=(Outcome.UNKNOWN_SENDER,))
    subject = row.subject if row.subject.lower().startswith("re:") else f"Re: {row.subject}"
    email_queue(
        event_key=f"inbound-answer:{row.pk}",
        email=Email(recipient=row.from_address, subject=subject, body_text=body),
        in_reply_to=row.message_id,
        references=row.message_id,
    )
    row.outcome, row.handled_by, row.reason = Outcome.ANSWERED, actor, body[:2000]
    row.save(update_fields=["outcome", "handled_by", "reason"])


@transaction.atomic
def inbound_discard(*, inbound: InboundMessage, actor: User) -> None:
    _check(actor)
    row = _locked(inbound, outcomes=(Outcome.UNKNOWN_SENDER, Outcome.HELD))
    row.outcome, row.handled_by = Outcome.DISCARDED, actor
    row.save(update_fields=["outcome", "handled_by"])


@transaction.atomic
def inbound_release(*, inbound: InboundMessage, actor: User) -> str:
    """Process a held message after all, past the hourly limit: an agent judged it no loop."""
    from mail.routing import message_route

    _check(actor)
    row = _locked(inbound, outcomes=(Outcome.HELD,))
    message_route(row, hold=False)
    row.handled_by = actor
    row.save()
    return row.outcome
