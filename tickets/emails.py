"""The emails tickets send: built here, queued in the outbox by the services.

Each message is rendered in its recipient's language from a text and an HTML
template under ``templates/email/``. The event keys are stable, so a retried
transaction or a second call never mails anyone twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.languages import language_for_recipient
from notifications.services import Email
from notifications.threads import ticket_emails_queue
from tickets.models import Comment, Ticket, TicketType
from tickets.signals import ticket_target_line


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    zone: str = "UTC"
    contact: Any = None  # the Contact this recipient is, when mailed as a contact


def ticket_link(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}{reverse('portal:ticket', kwargs={'number': ticket.number})}"


def _requester(ticket: Ticket) -> Recipient | None:
    preferred = ticket.organisation.language
    if ticket.requester_user is not None:
        user = ticket.requester_user
        return Recipient(
            user.email, user.get_full_name(), language_for_recipient(own=user.language, organisation=preferred), user.timezone or "UTC"
        )
    if ticket.requester_contact is not None:
        contact = ticket.requester_contact
        return Recipient(
            contact.email,
            contact.name,
            language_for_recipient(own=contact.language, organisation=preferred),
            _organisation_zone(ticket),
            contact,
        )
    return None


def _organisation_zone(ticket: Ticket) -> str:
    return getattr(ticket.organisation, "timezone", "") or "UTC"


def _copied(ticket: Ticket) -> list[Recipient]:
    preferred, zone = ticket.organisation.language, _organisation_zone(ticket)
    return [
        Recipient(c.email, c.name, language_for_recipient(own=c.language, organisation=preferred), zone, c)
        for c in ticket.cc_contacts.all()
    ]


def _render(template: str, recipient: Recipient, subject: Any, context: dict[str, Any]) -> Email:
    with translation.override(recipient.language):
        context = {
            **context,
            "recipient": recipient,
            "vendor": settings.VENDOR_NAME,
            "site_url": settings.SITE_URL,
        }
        return Email(
            recipient=recipient.email,
            subject=str(subject) % {"reference": context["ticket"].reference, "summary": context["ticket"].summary},
            body_text=render_to_string(f"email/{template}.txt", context),
            body_html=render_to_string(f"email/{template}.html", context),
            language=recipient.language,
        )


def _unique(recipients: Sequence[Recipient | None], *, skip: str = "") -> list[Recipient]:
    seen = {skip.lower()} if skip else set()
    result = []
    for recipient in recipients:
        if recipient is None or recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        result.append(recipient)
    return result


def _target_line(ticket: Ticket, *, zone: str) -> str:
    answers = ticket_target_line.send(sender=Ticket, ticket=ticket, zone=zone)
    return next((line for _receiver, line in answers if line), "")


def ticket_created_emails_queue(*, ticket: Ticket) -> int:
    """The requester gets the ticket number, the target it is counted against and a link; the contacts in copy a copy."""
    requester = _requester(ticket)
    emails = []
    context = {"ticket": ticket, "requester": requester}
    for recipient in _unique([requester, *_copied(ticket)]):
        is_requester = requester is not None and recipient.email == requester.email
        subject = (
            _("[%(reference)s] We received your request: %(summary)s") if is_requester else _("[%(reference)s] Copy: %(summary)s")
        )
        with translation.override(recipient.language):
            target = _target_line(ticket, zone=recipient.zone)
        emails.append(
            _render(
                "ticket_created",
                recipient,
                subject,
                {
                    **context,
                    "is_requester": is_requester,
                    "target_line": target,
                    "link": recipient_ticket_link(ticket, recipient),
                },
            )
        )
    return len(
        ticket_emails_queue(
            ticket_id=ticket.pk,
            number=ticket.number,
            event_key=f"ticket-created:{ticket.number}",
            emails=emails,
        )
    )


def public_reply_emails_queue(*, ticket: Ticket, comment: Comment, sent_back: bool = False) -> int:
    """Support's public reply (or a send-back) reaches the requester and the contacts in copy.

    Proactive notices are the exception: the notices app mails their updates
    itself, threaded, to the emergency contacts.
    """
    if ticket.ticket_type.category == TicketType.Category.PROACTIVE:
        return 0
    context = {"ticket": ticket, "comment": comment, "sent_back": sent_back}
    emails = []
    for recipient in _unique([_requester(ticket), *_copied(ticket)]):
        subject = _("[%(reference)s] Information needed: %(summary)s") if sent_back else _("[%(reference)s] New reply: %(summary)s")
        emails.append(
            _render(
                "ticket_reply",
                recipient,
                subject,
                {
                    **context,
                    "link": recipient_ticket_link(ticket, recipient),
                },
            )
        )
    # A person's words, not an automatic message: no Auto-Submitted, so that the reader's own rules treat it as mail.
    return len(
        ticket_emails_queue(
            ticket_id=ticket.pk,
            number=ticket.number,
            event_key=f"ticket-reply:{comment.pk}",
            emails=emails,
            automatic=False,
        )
    )


def customer_comment_emails_queue(*, ticket: Ticket, comment: Comment) -> int:
    """A customer's comment notifies the assignee, if there is one."""
    assignee = ticket.assignee
    if assignee is None:
        return 0
    recipient = Recipient(assignee.email, assignee.get_full_name(), language_for_recipient(own=assignee.language))
    if comment.author_id == assignee.pk:
        return 0
    subject = _("[%(reference)s] Customer comment: %(summary)s")
    email = _render(
        "ticket_customer_comment",
        recipient,
        subject,
        {
            "ticket": ticket,
            "comment": comment,
            "link": desk_link(ticket),
            "unassigned": False,
        },
    )
    return len(
        ticket_emails_queue(
            ticket_id=ticket.pk,
            number=ticket.number,
            event_key=f"ticket-comment:{comment.pk}",
            emails=[email],
        )
    )


def desk_link(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}{reverse('desk:ticket', kwargs={'number': ticket.number})}"


def _team() -> list[Recipient]:
    """The team address (``SUPPORT_TEAM_EMAIL``), or every active agent when none is set."""
    from accounts.models import User

    if settings.SUPPORT_TEAM_EMAIL:
        return [Recipient(settings.SUPPORT_TEAM_EMAIL, str(_("Support team")), settings.LANGUAGE_CODE)]
    agents = User.objects.filter(role=User.Role.AGENT, is_active=True).order_by("pk")
    return [Recipient(agent.email, agent.get_full_name(), language_for_recipient(own=agent.language)) for agent in agents]


def unattended_comment_emails_queue(*, ticket: Ticket, comment: Comment) -> int:
    """A customer's comment on a ticket nobody has: the team hears of it."""
    subject = _("[%(reference)s] Unassigned: customer comment: %(summary)s")
    context = {"ticket": ticket, "comment": comment, "link": desk_link(ticket), "unassigned": True}
    emails = [_render("ticket_customer_comment", recipient, subject, context) for recipient in _unique(_team())]
    return len(
        ticket_emails_queue(
            ticket_id=ticket.pk,
            number=ticket.number,
            event_key=f"ticket-comment:{comment.pk}",
            emails=emails,
        )
    )


def ticket_resolved_emails_queue(*, ticket: Ticket, actor: Any, reopen_window: timedelta) -> int:
    """The requester and the contacts in copy hear that the request is resolved, and how to reopen or rate it.

    Whoever resolved it themselves (a customer marking their own request) is not told what they just did.
    Proactive notices are the notices app's to mail.
    """
    if ticket.ticket_type.category == TicketType.Category.PROACTIVE or ticket.resolved_at is None:
        return 0
    skip = actor.email if actor is not None and not actor.is_support_staff else ""
    emails = []
    for recipient in _unique([_requester(ticket), *_copied(ticket)], skip=skip):
        link = recipient_ticket_link(ticket, recipient)
        context = {
            "ticket": ticket,
            "link": link,
            "reopen_days": reopen_window.days,
            "reopen_until": ticket.resolved_at + reopen_window,
            "by_customer": bool(skip),
            "rate_good": f"{link}{'&' if '?' in link else '?'}rate=good#rating",
            "rate_bad": f"{link}{'&' if '?' in link else '?'}rate=bad#rating",
        }
        emails.append(_render("ticket_resolved", recipient, _("[%(reference)s] Resolved: %(summary)s"), context))
    stamp = ticket.resolved_at.strftime("%Y%m%dT%H%M%S")
    return len(
        ticket_emails_queue(
            ticket_id=ticket.pk,
            number=ticket.number,
            event_key=f"ticket-resolved:{ticket.pk}:{stamp}",
            emails=emails,
        )
    )


def recipient_ticket_link(ticket: Ticket, recipient: Recipient) -> str:
    """The portal link for one recipient: a contact without a login gets a signed link to this ticket."""
    from tickets.links import contact_has_login, contact_ticket_url

    if recipient.contact is not None and not contact_has_login(recipient.contact):
        return contact_ticket_url(ticket=ticket, contact=recipient.contact)
    return ticket_link(ticket)
