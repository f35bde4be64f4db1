"""How a ticket moves: acknowledgement, assignment, status, severity, replies.

Each function changes the ticket and writes its timeline entry in one
transaction, with the values before and after, so that the timeline alone
tells the ticket's story. The SLA clocks and the mail react to those entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.models import User
from customers.models import Contact
from tickets import emails
from tickets.models import Comment, SatisfactionRating, Ticket, TicketEvent
from tickets.services import attachments_add, event_record, ticket_create

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from tickets.signals import customer_comment_unattended

if TYPE_CHECKING:
    from sla.models import Severity

# Where each status may go next. Resolved and closed tickets reopen to "open".
TRANSITIONS: dict[str, frozenset[str]] = {
    Ticket.Status.NEW: frozenset(
        {
            Ticket.Status.OPEN,
            Ticket.Status.WAITING_ON_CUSTOMER,
            Ticket.Status.WAITING_ON_VENDOR,
            Ticket.Status.RESOLVED,
            Ticket.Status.CLOSED,
        }
    ),
    Ticket.Status.OPEN: frozenset(
        {Ticket.Status.WAITING_ON_CUSTOMER, Ticket.Status.WAITING_ON_VENDOR, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
    ),
    Ticket.Status.WAITING_ON_CUSTOMER: frozenset(
        {Ticket.Status.OPEN, Ticket.Status.WAITING_ON_VENDOR, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
    ),
    Ticket.Status.WAITING_ON_VENDOR: frozenset(
        {Ticket.Status.OPEN, Ticket.Status.WAITING_ON_CUSTOMER, Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
    ),
    Ticket.Status.RESOLVED: frozenset({Ticket.Status.OPEN, Ticket.Status.CLOSED}),
    Ticket.Status.CLOSED: frozenset({Ticket.Status.OPEN}),
}


def _locked(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock so that concurrent actions queue up."""
    fresh = Ticket.objects.select_for_update().get(pk=ticket.pk)
    for field in ("status", "severity_id", "assignee_id", "acknowledged_at", "resolved_at", "closed_at"):
        setattr(ticket, field, getattr(fresh, field))
    return ticket


def _acknowledge(ticket: Ticket, *, actor: User | None, how: str) -> bool:
    """Mark the first acknowledgement; False when the ticket already had one."""
    if ticket.acknowledged_at is not None:
        return False
    ticket.acknowledged_at = timezone.now()
    fields = ["acknowledged_at", "updated_at"]
    if ticket.status == Ticket.Status.NEW:
        ticket.status = Ticket.Status.OPEN
        fields.append("status")
    ticket.save(update_fields=fields)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.ACKNOWLEDGED,
        actor=actor,
        after={"acknowledged_at": ticket.acknowledged_at.isoformat(), "how": how},
    )
    return True


@transaction.atomic
def ticket_acknowledge(*, ticket: Ticket, actor: User) -> bool:
    """An agent takes notice of the ticket; stops its acknowledgement clock."""
    _locked(ticket)
    return _acknowledge(ticket, actor=actor, how="acknowledge")


@transaction.atomic
def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> None:
    if assignee is not None and not assignee.is_support_staff:
        raise ValidationError({"assignee": _("Tickets are assigned to agents and support leads only.")})
    _locked(ticket)
    if ticket.assignee_id == (assignee.pk if assignee else None):
        return
    before = {"assignee": ticket.assignee.get_full_name() if ticket.assignee is not None else None}
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.ASSIGNED,
        actor=actor,
        is_public=False,
        before=before,
        after={"assignee": assignee.get_full_name() if assignee else None},
    )


@transaction.atomic
def ticket_status_change(
    *,
    ticket: Ticket,
    actor: User | None,
    status: str,
    reason: str = "",
    actor_label: str = "",
) -> None:
    """Move the ticket to another status, keeping resolved/closed times in step."""
    _locked(ticket)
    if status == ticket.status:
        return
    if status not in TRANSITIONS.get(ticket.status, frozenset()):
        raise ValidationError(
            {
                "status": _("A ticket that is %(current)s cannot become %(new)s.")
                % {
                    "current": Ticket.Status(ticket.status).label,
                    "new": Ticket.Status(status).label,
                }
            }
        )
    before = ticket.status
    now = timezone.now()
    ticket.status = status
    if status == Ticket.Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = now
    elif before in (Ticket.Status.RESOLVED, Ticket.Status.CLOSED):
        ticket.resolved_at = ticket.closed_at = None
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS,
        actor=actor,
        actor_label=actor_label,
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    if status == Ticket.Status.RESOLVED:
        emails.ticket_resolved_emails_queue(ticket=ticket, actor=actor, reopen_window=_reopen_window())


# What a customer may do to their own request's status, and the words the timeline keeps.
CUSTOMER_STATUSES: dict[str, StrOrPromise] = {
    Ticket.Status.RESOLVED: _lazy("Marked resolved by the customer."),
    Ticket.Status.CLOSED: _lazy("Closed by the customer."),
}


def ticket_customer_close(*, ticket: Ticket, user: User, status: str) -> None:
    """The customer says their request is resolved, or closes it. Support's statuses stay support's."""
    if user.is_support_staff or status not in CUSTOMER_STATUSES:
        raise ValidationError({"status": _("You can mark a request resolved, or close it.")})
    ticket_status_change(ticket=ticket, actor=user, status=status, reason=str(CUSTOMER_STATUSES[status]))


@transaction.atomic
def rating_record(
    *,
    ticket: Ticket,
    score: str,
    comment: str = "",
    user: User | None = None,
    contact: Contact | None = None,
) -> SatisfactionRating:
    """The customer's verdict on a resolved or closed ticket; a second one replaces the first."""
    if score not in SatisfactionRating.Score.values:
        raise ValidationError({"score": _("Choose good or bad.")})
    if (user is None) == (contact is None):
        raise ValueError("a rating is given by a user or by a contact")
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        raise ValueError("a contact rates only its own organisation's tickets")
    _locked(ticket)
    if ticket.is_open:
        raise ValidationError({"score": _("A request can be rated once it is resolved.")})
    rating, _created = SatisfactionRating.objects.update_or_create(
        ticket=ticket,
        defaults={
            "score": score,
            "comment": comment.strip(),
            "rated_by": user,
            "rated_by_contact": contact,
        },
    )
    return rating


@transaction.atomic
def ticket_severity_change(*, ticket: Ticket, actor: User, severity: Severity, reason: str) -> None:
    """Reclassify the ticket. Agents must say why; the customer sees it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the severity changes.")})
    _locked(ticket)
    if ticket.severity_id == severity.level:
        return
    before = ticket.severity_id
    ticket.severity = severity
    ticket.save(update_fields=["severity", "updated_at"])
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.SEVERITY,
        actor=actor,
        before={"severity": before},
        after={"severity": severity.level},
        reason=reason.strip(),
    )


@dataclass
class CommentOutcome:
    """What a customer's comment set in motion, so that the page can say it truthfully."""

    reopened: bool = False
    follow_up: Ticket | None = None  # the new ticket the comment opened, when the old one was past reopening
    notified: str = ""  # "assignee", "team" or "" (support's own comments notify no one on the desk)
    assignee_name: str = ""


def _reopen_window() -> timedelta:
    return getattr(settings, "TICKET_REOPEN_WINDOW", timedelta(days=14))


def ticket_past_reopening(ticket: Ticket, now: datetime | None = None) -> bool:
    """A closed ticket, or one resolved longer ago than the reopen window, takes no more comments."""
    if ticket.status == Ticket.Status.CLOSED:
        return True
    if ticket.status != Ticket.Status.RESOLVED:
        return False
    now = now or timezone.now()
    return ticket.resolved_at is not None and now - ticket.resolved_at > _reopen_window()


def _follow_up_open(*, ticket: Ticket, author: User | None, author_label: str, author_contact: Contact | None) -> Ticket:
    """A new ticket for a comment that came too late for ``ticket``, linked to it both ways."""
    requester_user = author if author is not None and not author.is_support_staff else None
    requester_contact = author_contact
    if requester_user is None and requester_contact is None:
        requester_user, requester_contact = ticket.requester_user, ticket.requester_contact
    follow_up = ticket_create(
        organisation=ticket.organisation,
        ticket_type=ticket.ticket_type,
        summary=(
            _("Follow-up to %(reference)s: %(summary)s")
            % {
                "reference": ticket.reference,
                "summary": ticket.summary,
            }
        )[:255],
        description=ticket.description,
        requester_user=requester_user,
        requester_contact=requester_contact,
        cc_contacts=ticket.cc_contacts.all(),
        severity=ticket.severity,
        environment=ticket.environment,
        details=ticket.details,
        actor=requester_user,
        actor_label=author_label,
        details_checked=True,
    )
    for here, there, direction in ((follow_up, ticket, "from"), (ticket, follow_up, "to")):
        event_record(
            ticket=here,
            kind=TicketEvent.Kind.LINKED,
            actor=author,
            actor_label=author_label,
            after={
                "ticket": there.reference,
                "number": there.number,
                "kind": "follow_up",
                "direction": direction,
                "label": str(_("Follow-up")),
            },
        )
    emails.ticket_created_emails_queue(ticket=follow_up)
    return follow_up


def _customer_comment_route(*, ticket: Ticket, comment: Comment, outcome: CommentOutcome) -> None:
    """Every customer comment reaches a person: the assignee, or the desk's unassigned attention."""
    assignee = ticket.assignee if ticket.assignee_id else None
    if assignee is not None and assignee.is_active and assignee.is_support_staff:
        emails.customer_comment_emails_queue(ticket=ticket, comment=comment)
        outcome.notified, outcome.assignee_name = "assignee", assignee.get_full_name()
        return
    emails.unattended_comment_emails_queue(ticket=ticket, comment=comment)
    customer_comment_unattended.send(sender=Comment, ticket=ticket, comment=comment)
    outcome.notified = "team"


@transaction.atomic
def comment_add(
    *,
    ticket: Ticket,
    author: User | None,
    body: str,
    is_internal: bool = False,
    author_label: str = "",
    author_contact: Contact | None = None,
    via: str = Comment.Via.WEB,
    uploads: Iterable[UploadedFile[bytes]] = (),
) -> Comment:
    """A public reply or internal note by support, or a comment by the customer.

    The customer is a user, or a contact of the ticket's organisation writing
    without a login (``author_contact``), through the portal, a mail reply or a
    signed link. An agent's first public reply acknowledges the ticket. A
    customer's comment:

    - hands a ticket waiting on them back to support;
    - reopens a ticket resolved within the reopen window (``TICKET_REOPEN_WINDOW``);
    - on a closed ticket, or one resolved before that, opens a new ticket linked
      to it, and the comment (with its files) lands there;
    - always reaches a person: the assignee, or, with none, the team address and
      the ``customer_comment_unattended`` signal.

    A comment may be files alone. The returned comment carries ``outcome``
    (a ``CommentOutcome``) saying which of these happened.
    """
    body = body.strip()
    uploads = list(uploads)
    if not body and not uploads:
        raise ValidationError({"body": _("Write a message first.")})
    by_staff = author is not None and author.is_support_staff
    if is_internal and not by_staff:
        raise ValidationError({"is_internal": _("Only support can write internal notes.")})
    if author_contact is not None:
        if author is not None or author_contact.organisation_id != ticket.organisation_id:
            raise ValueError("a contact comments alone, and only on its own organisation's tickets")
        author_label = author_label or author_contact.name
    _locked(ticket)
    outcome = CommentOutcome()
    by_customer = not by_staff and not is_internal
    if by_customer and ticket_past_reopening(ticket, timezone.now()):
        outcome.follow_up = ticket = _follow_up_open(
            ticket=ticket,
            author=author,
            author_label=author_label,
            author_contact=author_contact,
        )
    comment = Comment.objects.create(
        ticket=ticket,
        author=author,
        author_label=author_label,
        author_contact=author_contact,
        via=via,
        body=body,
        is_internal=is_internal,
    )
    comment.outcome = outcome  # type: ignore[attr-defined]  # read back by the views: a follow-up opened, or not
    if is_internal:
        kind = TicketEvent.Kind.NOTE
    elif by_staff:
        kind = TicketEvent.Kind.REPLIED
    else:
        kind = TicketEvent.Kind.COMMENTED
    event_record(
        ticket=ticket,
        kind=kind,
        actor=author,
        actor_label=author_label,
        comment=comment,
        is_public=not is_internal,
    )
    if uploads:
        attachments_add(ticket=ticket, uploads=uploads, uploaded_by=author, comment=comment)
    if kind == TicketEvent.Kind.REPLIED:
        _acknowledge(ticket, actor=author, how="reply")
        emails.public_reply_emails_queue(ticket=ticket, comment=comment)
    elif kind == TicketEvent.Kind.COMMENTED:
        _customer_comment_route(ticket=ticket, comment=comment, outcome=outcome)
    if kind == TicketEvent.Kind.COMMENTED and ticket.status == Ticket.Status.WAITING_ON_CUSTOMER:
        ticket_status_change(
            ticket=ticket,
            actor=author,
            actor_label=author_label,
            status=Ticket.Status.OPEN,
            reason=_("The customer answered."),
        )
    elif kind == TicketEvent.Kind.COMMENTED and ticket.status == Ticket.Status.RESOLVED:
        ticket_status_change(
            ticket=ticket,
            actor=author,
            actor_label=author_label,
            status=Ticket.Status.OPEN,
            reason=_("The customer commented on the resolved request."),
        )
        outcome.reopened = True
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=timezone.now())
    return comment


@transaction.atomic
def ticket_send_back(*, ticket: Ticket, actor: User | None, message: str, actor_label: str = "") -> Comment:
    """Return the ticket to its reporter saying what is missing; it then waits on them.

    Sent back by an agent, this counts as the acknowledgement; sent back by the
    system (a production issue filed without justification) it does not.
    """
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Say what the reporter needs to add.")})
    _locked(ticket)
    comment = Comment.objects.create(ticket=ticket, author=actor, author_label=actor_label, body=message)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.SENT_BACK,
        actor=actor,
        actor_label=actor_label,
        comment=comment,
        reason=message,
    )
    if actor is not None and actor.is_support_staff:
        _acknowledge(ticket, actor=actor, how="sent back")
    if ticket.status != Ticket.Status.WAITING_ON_CUSTOMER:
        ticket_status_change(
            ticket=ticket,
            actor=actor,
            actor_label=actor_label,
            status=Ticket.Status.WAITING_ON_CUSTOMER,
            reason=_("Sent back to the reporter."),
        )
    emails.public_reply_emails_queue(ticket=ticket, comment=comment, sent_back=True)
    return comment
