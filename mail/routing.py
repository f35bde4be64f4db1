"""What becomes of a stored message: a comment, a ticket, a desk item, a note, or nothing.

A message joins a ticket only when its reply address verifies for its own sender and
that sender may see the ticket, or when its References name mail we sent on that ticket
and the sender takes part in it. A subject naming a ticket never does. Every comment goes
through ``comment_add``, so mail obeys the portal's rules for a customer's comment.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact, Organisation
from mail import parsing
from mail.filing import ticket_file_from_mail
from mail.handling import inbound_finish, person_on_ticket, user_by_address
from mail.models import InboundMessage, ThreadMessage
from mail.quotes import reply_new_text
from notifications import tokens
from notifications.services import Email
from tickets.attachments import MAX_FILES
from tickets.merging import ticket_merge_target
from tickets.models import Comment, Ticket, TicketEvent
from tickets.services import attachment_validate, attachments_add, event_record
from tickets.workflow import comment_add

Outcome = InboundMessage.Outcome


def addresses_ours(addresses: list[str]) -> set[str]:
    """Which of our addresses these are: "reply" (the support address, with or without a token), "escalate"."""
    support_local, _at, domain = settings.INBOUND_ADDRESS.lower().rpartition("@")
    kinds = set()
    for address in addresses:
        local, _at, their_domain = address.lower().rpartition("@")
        if address.lower() == settings.INBOUND_ESCALATION_ADDRESS.lower():
            kinds.add("escalate")
        elif their_domain == domain and (local == support_local or local.startswith(f"{support_local}+")):
            kinds.add("reply")
    return kinds


def _ticket_by_token(mail: parsing.ParsedMail, row: InboundMessage) -> tuple[Ticket | None, bool]:
    """The ticket of a verified reply address; (None, True) when a token was there but does not verify."""
    found = tokens.reply_tokens_in([*row.envelope_to, *mail.recipients])
    if not found:
        return None, False
    for token in found:
        number = tokens.reply_token_number(token, sender=mail.from_address)
        if number is not None:
            ticket = Ticket.objects.filter(number=number).select_related("organisation").first()
            if ticket is not None:
                return ticket, False
    return None, True


def _ticket_by_thread(mail: parsing.ParsedMail) -> Ticket | None:
    """A ticket whose mail this answers (References, In-Reply-To), if the sender takes part in it."""
    named = list(dict.fromkeys([*reversed(mail.references), *mail.in_reply_to]))
    if not named:
        return None
    ticket_ids = list(ThreadMessage.objects.filter(message_id__in=named).order_by("-created_at").values_list("ticket_id", flat=True))
    ticket: Ticket
    for ticket in Ticket.objects.filter(pk__in=ticket_ids).select_related("organisation"):
        if person_on_ticket(ticket=ticket, address=mail.from_address) is not None:
            return ticket
    return None


def _too_many(row: InboundMessage, *, ticket: Ticket | None = None) -> str:
    since = timezone.now() - timedelta(hours=1)
    recent = InboundMessage.objects.filter(received_at__gte=since).exclude(pk=row.pk)
    limit = settings.INBOUND_HOURLY_LIMIT
    if row.from_address and recent.filter(from_address=row.from_address).count() >= limit:
        return _("More than %(limit)s messages from %(sender)s within an hour.") % {
            "limit": limit,
            "sender": row.from_address,
        }
    if ticket is not None and recent.filter(ticket=ticket).count() >= limit:
        return _("More than %(limit)s messages on %(reference)s within an hour.") % {
            "limit": limit,
            "reference": ticket.reference,
        }
    return ""


def _uploads(mail: parsing.ParsedMail) -> tuple[list[SimpleUploadedFile], list[str]]:
    """The files the portal would accept, and a line for each it would refuse."""
    accepted: list[SimpleUploadedFile] = []
    refused: list[str] = []
    for part in mail.attachments:
        upload = SimpleUploadedFile(part.name, part.data, content_type=part.content_type)
        if len(accepted) >= MAX_FILES:
            refused.append(_("“%(name)s”: at most %(count)s files per message.") % {"name": part.name, "count": MAX_FILES})
            continue
        try:
            attachment_validate(upload)
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
            continue
        accepted.append(upload)
    return accepted, refused


def _with_refusals(body: str, refused: list[str]) -> str:
    if not refused:
        return body
    lines = "\n".join(f"- {line}" for line in refused)
    return f"{body}\n\n{_('Files not attached:')}\n{lines}"


def _tell_refused(*, row: InboundMessage, ticket: Ticket, address: str, language: str, refused: list[str]) -> None:
    """The sender learns which files did not arrive, and why, in their language."""
    if not refused:
        return
    from notifications.threads import ticket_emails_queue

    with translation.override(language or "en"):
        subject = _("[%(reference)s] Some files were not attached") % {"reference": ticket.reference}
        body = "\n".join(
            [
                _("Your message reached %(reference)s, but these files were not attached:") % {"reference": ticket.reference},
                "",
                *(f"- {line}" for line in refused),
                "",
                _("Zip programs and scripts, or paste the relevant part, and send them again."),
            ]
        )
    ticket_emails_queue(
        ticket_id=ticket.pk,
        number=ticket.number,
        event_key=f"inbound-refused:{row.pk}",
        emails=[Email(recipient=address, subject=subject, body_text=body, language=language or "en")],
    )


def message_route(row: InboundMessage, *, hold: bool = True) -> None:
    """Decide and do; records the outcome on the row (the caller saves it). ``hold=False``: an agent let it through."""
    try:
        mail = parsing.mail_read(bytes(row.raw))
    except Exception as exc:  # noqa: BLE001 - an unreadable message is refused, not retried
        inbound_finish(row, Outcome.REFUSED, _("The message could not be read: %(error)s") % {"error": exc})
        return
    row.from_address = mail.from_address[:320]
    row.subject = mail.subject
    if mail.bounce or mail.from_address.split("@")[0] in ("mailer-daemon", "postmaster"):
        _bounce(row, mail)
        return
    if not mail.from_address:
        inbound_finish(row, Outcome.REFUSED, _("The message names no sender."))
        return
    if mail.from_address == settings.INBOUND_ADDRESS.lower() or addresses_ours([mail.from_address]):
        inbound_finish(row, Outcome.REFUSED, _("The message comes from our own address: a loop."))
        return
    held = _too_many(row) if hold else ""
    if held:
        inbound_finish(row, Outcome.HELD, held)
        return
    ticket, forged = _ticket_by_token(mail, row)
    if forged:
        inbound_finish(row, Outcome.REFUSED, _("Its reply address was not made for %(sender)s.") % {"sender": mail.from_address})
        return
    if ticket is not None and person_on_ticket(ticket=ticket, address=mail.from_address) is None:
        inbound_finish(
            row,
            Outcome.REFUSED,
            _("%(sender)s may not see %(reference)s.")
            % {
                "sender": mail.from_address,
                "reference": ticket.reference,
            },
        )
        return
    if ticket is None:
        ticket = _ticket_by_thread(mail)
    if ticket is not None:
        ticket = ticket_merge_target(ticket=ticket)  # a merged duplicate's thread goes on on the kept ticket
    if mail.auto_reply:
        _auto_reply(row, mail, ticket)
        return
    if ticket is not None and hold:
        held = _too_many(row, ticket=ticket)
        if held:
            inbound_finish(row, Outcome.HELD, held, ticket=ticket)
            return
    kinds = addresses_ours([*row.envelope_to, *mail.recipients])
    if "escalate" in kinds and "reply" not in kinds:
        from mail.escalation import mail_escalate

        mail_escalate(row, mail, ticket)
        return
    if ticket is not None:
        _reply(row, mail, ticket)
        return
    _new_message(row, mail)


def _bounce(row: InboundMessage, mail: parsing.ParsedMail) -> None:
    """A delivery failure marks the contacts failing, as an outgoing 5xx does; never a comment."""
    reason = f"{mail.bounce_status} {mail.subject}".strip()[:500]
    if mail.bounced_recipients:
        Contact.objects.filter(
            Q(*[Q(email__iexact=address) for address in mail.bounced_recipients], _connector=Q.OR),
        ).update(delivery_failing_since=timezone.now(), delivery_failure=reason)
    inbound_finish(row, Outcome.BOUNCE, ", ".join(mail.bounced_recipients) or reason)


def _auto_reply(row: InboundMessage, mail: parsing.ParsedMail, ticket: Ticket | None) -> None:
    """Noted on the ticket's timeline, for support only; it notifies no one and reopens nothing."""
    if ticket is not None:
        event_record(
            ticket=ticket,
            kind=TicketEvent.Kind.NOTIFIED,
            actor_label=mail.from_address,
            is_public=False,
            after={"inbound": row.pk, "auto_reply": mail.auto_reply, "from": mail.from_address},
            reason=_("Auto-reply received: %(subject)s") % {"subject": mail.subject},
        )
    inbound_finish(row, Outcome.AUTO_REPLY, mail.auto_reply, ticket=ticket)


def _reply(row: InboundMessage, mail: parsing.ParsedMail, ticket: Ticket) -> None:
    person = person_on_ticket(ticket=ticket, address=mail.from_address)
    assert person is not None
    body = reply_new_text(text=mail.text, html=mail.html, subject=mail.subject)
    uploads, refused = _uploads(mail)
    if not body and uploads:
        body = _("(files attached)")
    if not body:
        inbound_finish(row, Outcome.REFUSED, _("The reply has no new text."), ticket=ticket)
        return
    body = _with_refusals(body, refused)
    if person.user is not None:
        comment = comment_add(ticket=ticket, author=person.user, body=body, via=Comment.Via.EMAIL)
    else:
        comment = comment_add(ticket=ticket, author=None, author_contact=person.contact, body=body, via=Comment.Via.EMAIL)
    if uploads:
        attachments_add(ticket=ticket, uploads=uploads, uploaded_by=person.user, comment=comment)
    staff = person.user is not None and person.user.is_support_staff
    language = person.user.language if person.user else person.contact.language if person.contact else "en"
    _tell_refused(row=row, ticket=ticket, address=mail.from_address, language=language, refused=refused)
    inbound_finish(row, Outcome.AGENT_REPLY if staff else Outcome.ATTACHED, "; ".join(refused), ticket=ticket, comment=comment)


class StaffMailWithoutTicket(Exception):
    pass


def _senders_organisation(address: str) -> tuple[Organisation | None, User | None, Contact | None, str]:
    """The one organisation a sender belongs to, as a user or a contact; a reason when none or several."""
    user = user_by_address(address)
    if user is not None and user.is_support_staff:
        raise StaffMailWithoutTicket
    if user is not None and user.is_customer and getattr(user, "membership", None) is not None:
        return user.membership.organisation, user, None, ""
    contacts = list(Contact.objects.filter(email__iexact=address).select_related("organisation")[:2])
    if len(contacts) == 1:
        return contacts[0].organisation, None, contacts[0], ""
    if len(contacts) > 1:
        return None, None, None, _("%(sender)s is a contact of several organisations.") % {"sender": address}
    return None, None, None, ""


def _new_message(row: InboundMessage, mail: parsing.ParsedMail) -> None:
    try:
        organisation, user, contact, problem = _senders_organisation(mail.from_address)
    except StaffMailWithoutTicket:
        inbound_finish(row, Outcome.REFUSED, _("Support staff mail names no ticket."))
        return
    if organisation is None:
        inbound_finish(row, Outcome.UNKNOWN_SENDER, problem)
        return
    ticket_open_from(row=row, mail=mail, organisation=organisation, user=user, contact=contact)


def ticket_open_from(
    *,
    row: InboundMessage,
    mail: parsing.ParsedMail,
    organisation: Organisation,
    user: User | None,
    contact: Contact | None,
) -> Ticket:
    """A new ticket for the organisation, the sender its requester and its other addresses in copy."""
    copied = list(
        Contact.objects.filter(organisation=organisation)
        .filter(Q(*[Q(email__iexact=a) for a in mail.recipients] or [Q(pk__in=[])], _connector=Q.OR))
        .exclude(email__iexact=mail.from_address)
    )
    uploads, refused = _uploads(mail)
    description = reply_new_text(text=mail.text, html=mail.html, subject=mail.subject) or mail.subject
    ticket, _stored = ticket_file_from_mail(
        organisation=organisation,
        summary=mail.subject or _("(no subject)"),
        description=_with_refusals(description, refused),
        requester_user=user,
        requester_contact=None if user else contact,
        cc_contacts=copied,
        uploads=uploads,
    )
    inbound_finish(row, Outcome.NEW_TICKET, "; ".join(refused), ticket=ticket)
    language = user.language if user else contact.language if contact else "en"
    _tell_refused(row=row, ticket=ticket, address=mail.from_address, language=language, refused=refused)
    return ticket
