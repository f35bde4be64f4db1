"""Raising proactive notices, posting updates, and deciding about held mail.

A notice is a ticket (requester: the registered emergency contact; in copy:
the additional emergency contacts, in order) and one outbox row per recipient,
all in the caller's transaction. Each recipient's copy names everyone in its
To and Cc headers, so the mail reads as one message to the group, while every
address is delivered, retried and refused on its own, and never twice.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from customers.models import Contact, Environment, Organisation
from customers.selectors import contacts_in_emergency_order, emergency_ordering
from monitoring.models import ServiceKey
from notices.delivery import SendTime, send_time
from notices.emails import notice_email
from notices.models import Notice, NoticeUpdate, ProductArea
from notices.selectors import notice_first_raised
from notifications.models import OutboundEmail
from notifications.services import email_queue, outbox_cancel, outbox_release
from notifications.threads import thread_record, ticket_email_headers
from tickets.models import Ticket, TicketEvent, TicketType
from tickets.services import event_record, ticket_create
from tickets.workflow import comment_add

TICKET_TYPE_SLUGS: dict[str, str] = {Notice.Kind.ALERT: "proactive-alert", Notice.Kind.WARNING: "proactive-warning"}
MAX_REFERENCES = 20


def emergency_contacts(*, organisation: Organisation) -> tuple[Contact | None, list[Contact]]:
    """The registered emergency contact and the additional ones, in their order."""
    contacts = list(contacts_in_emergency_order(organisation=organisation).exclude(emergency_role=Contact.EmergencyRole.NONE))
    registered = next((c for c in contacts if c.emergency_role == Contact.EmergencyRole.REGISTERED), None)
    return registered, [c for c in contacts if c.emergency_role == Contact.EmergencyRole.ADDITIONAL]


def _recipients(ticket: Ticket) -> tuple[Contact, list[Contact]]:
    """Who the notice went to: the ticket's requester and its contacts in copy."""
    copied = list(ticket.cc_contacts.order_by(*emergency_ordering()))
    assert ticket.requester_contact is not None  # a notice's ticket is filed for its registered contact
    return ticket.requester_contact, copied


def notice_raise(
    *,
    organisation: Organisation,
    kind: str,
    area: ProductArea,
    title: str,
    description: str,
    environment: Environment | None = None,
    call_to_action: str = "",
    actor: User | None = None,
    actor_label: str = "",
    service_key: ServiceKey | None = None,
    idempotency_key: str = "",
    not_before: datetime | None = None,
) -> tuple[Notice, bool]:
    """Raise an alert or a warning for one organisation, like ``get_or_create``.

    Returns ``(notice, True)``, or ``(the first notice, False)`` when this
    service key (or agent) already raised one with the same idempotency key.
    Raises ValidationError, changing nothing, when the notice cannot be raised.
    """
    idempotency_key = idempotency_key.strip()
    if (first := notice_first_raised(service_key=service_key, actor=actor, idempotency_key=idempotency_key)) is not None:
        return first, False
    try:
        with transaction.atomic():
            return _raise(
                organisation=organisation,
                kind=kind,
                area=area,
                environment=environment,
                title=title.strip(),
                description=description.strip(),
                call_to_action=call_to_action.strip(),
                actor=actor,
                actor_label=actor_label or (service_key.name if service_key else ""),
                service_key=service_key,
                idempotency_key=idempotency_key,
                not_before=not_before,
            ), True
    except IntegrityError:
        # Two requests with one key at once: the other one won; answer with its notice.
        if (first := notice_first_raised(service_key=service_key, actor=actor, idempotency_key=idempotency_key)) is not None:
            return first, False
        raise


def _raise(
    *,
    organisation: Organisation,
    kind: str,
    area: ProductArea,
    environment: Environment | None,
    title: str,
    description: str,
    call_to_action: str,
    actor: User | None,
    actor_label: str,
    service_key: ServiceKey | None,
    idempotency_key: str,
    not_before: datetime | None,
) -> Notice:
    if kind not in Notice.Kind.values:
        raise ValidationError({"kind": _("A notice is an alert or a warning.")})
    if environment is not None and environment.organisation_id != organisation.pk:
        raise ValidationError({"environment": _("This environment belongs to another organisation.")})
    if not title or not description:
        raise ValidationError(_("A notice needs a title and a description."))
    registered, additional = emergency_contacts(organisation=organisation)
    if registered is None:
        raise ValidationError(
            _("%(organisation)s has no registered emergency contact: add one before raising a notice.")
            % {"organisation": organisation.name}
        )
    ticket_type = TicketType.objects.get(slug=TICKET_TYPE_SLUGS[kind])
    notice = Notice(
        organisation=organisation,
        kind=kind,
        area=area,
        environment=environment,
        title=title,
        description=description,
        call_to_action=call_to_action,
        raised_by=actor,
        service_key=service_key,
        raised_by_label=actor_label,
        idempotency_key=idempotency_key,
    )
    notice.ticket = ticket_create(
        organisation=organisation,
        ticket_type=ticket_type,
        summary=title[:255],
        description=render_to_string("notices/ticket_description.txt", {"notice": notice}),
        requester_contact=registered,
        cc_contacts=additional,
        environment=environment,
        actor=actor,
        actor_label=actor_label,
    )
    notice.save(force_insert=True)
    _mail(notice=notice, not_before=not_before, actor=actor, actor_label=actor_label)
    return notice


def _thread(*, notice: Notice, recipient: str, before: NoticeUpdate | None) -> tuple[str, str]:
    """In-Reply-To and References for a recipient's next message on the notice."""
    keys = [notice.event_key, *(u.event_key for u in notice.updates.all() if before is None or u.pk != before.pk)]
    ids = list(
        OutboundEmail.objects.filter(event_key__in=keys, recipient=recipient.lower())
        .exclude(state=OutboundEmail.State.CANCELLED)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
    )
    if not ids:  # someone added to the notice later: join the requester's thread
        ids = list(
            OutboundEmail.objects.filter(event_key=notice.event_key)
            .order_by("created_at", "pk")
            .values_list("message_id", flat=True)[:1]
        )
    if not ids:
        return "", ""
    kept = ids if len(ids) <= MAX_REFERENCES else [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    return ids[-1], " ".join(kept)


def _mail(
    *,
    notice: Notice,
    not_before: datetime | None,
    actor: User | None,
    actor_label: str,
    update: NoticeUpdate | None = None,
) -> SendTime:
    when = send_time(organisation=notice.organisation, kind=notice.kind, not_before=not_before)
    requester, copied = _recipients(notice.ticket)
    event_key = update.event_key if update else notice.event_key
    queued = []
    for contact in [requester, *copied]:
        in_reply_to, references = _thread(notice=notice, recipient=contact.email, before=update) if update else ("", "")
        email = notice_email(notice=notice, contact=contact, requester=requester, copied=copied, update=update)
        row = email_queue(
            event_key=event_key,
            email=ticket_email_headers(number=notice.ticket.number, email=email, automatic=True),
            not_before=when.not_before,
            held_reason=when.held_reason,
            in_reply_to=in_reply_to,
            references=references,
        )
        if row is not None:
            thread_record(ticket_id=notice.ticket_id, row=row)
            queued.append(contact.email)
    event_record(
        ticket=notice.ticket,
        kind=TicketEvent.Kind.NOTIFIED,
        actor=actor,
        actor_label=actor_label,
        is_public=False,
        after={
            "event": event_key,
            "recipients": queued,
            "held_until": when.not_before.isoformat() if when.not_before else None,
        },
        reason=when.held_reason,
    )
    return when


@transaction.atomic
def notice_update_post(
    *,
    notice: Notice,
    body: str,
    actor: User | None = None,
    service_key: ServiceKey | None = None,
    call_to_action: str = "",
    not_before: datetime | None = None,
) -> NoticeUpdate:
    """A further message: a public reply on the ticket, mailed to the same people in the same thread.

    Monitoring posts on the notices its own key raised (an alert that resolved or fired
    again). A ticket comment is a person's words, so a machine's update writes none: its
    mail is on the ticket's timeline, its text on the notice.
    """
    body, call_to_action = body.strip(), call_to_action.strip()
    if not body:
        raise ValidationError({"body": _("Write the update first.")})
    if service_key is not None and actor is None:
        if notice.service_key_id != service_key.pk:
            raise ValidationError(_("A service key posts updates only on the notices it raised."))
        update = NoticeUpdate.objects.create(
            notice=notice,
            body=body,
            call_to_action=call_to_action,
            author_label=service_key.name,
        )
        _mail(notice=notice, not_before=not_before, actor=None, actor_label=service_key.name, update=update)
        return update
    if actor is None or not actor.is_support_staff:
        raise ValidationError(_("Only support posts updates on a notice."))
    text = body
    if call_to_action:
        text = f"{body}\n\n{_('What you need to do')}:\n{call_to_action}"
    comment = comment_add(ticket=notice.ticket, author=actor, body=text)
    update = NoticeUpdate.objects.create(
        notice=notice,
        body=body,
        call_to_action=call_to_action,
        comment=comment,
        author=actor,
    )
    _mail(notice=notice, not_before=not_before, actor=actor, actor_label="", update=update)
    return update


def _held_rows(event_key: str) -> list[OutboundEmail]:
    return list(
        OutboundEmail.objects.filter(
            event_key=event_key,
            state=OutboundEmail.State.PENDING,
            next_attempt_at__gt=timezone.now(),
        ).exclude(held_reason="")
    )


@transaction.atomic
def held_mail_release(*, notice: Notice, event_key: str, actor: User) -> int:
    """Send a held message now, outside business hours, on an agent's decision."""
    released = [row.recipient for row in _held_rows(event_key) if outbox_release(outbox_id=row.pk)]
    if released:
        event_record(
            ticket=notice.ticket,
            kind=TicketEvent.Kind.NOTIFIED,
            actor=actor,
            is_public=False,
            after={"event": event_key, "released": released},
            reason=_("Held mail sent now."),
        )
    return len(released)


@transaction.atomic
def held_mail_cancel(*, notice: Notice, event_key: str, actor: User, reason: str) -> int:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the mail is cancelled.")})
    cancelled = [row.recipient for row in _held_rows(event_key) if outbox_cancel(outbox_id=row.pk, reason=reason)]
    if cancelled:
        event_record(
            ticket=notice.ticket,
            kind=TicketEvent.Kind.NOTIFIED,
            actor=actor,
            is_public=False,
            after={"event": event_key, "cancelled": cancelled},
            reason=reason,
        )
    return len(cancelled)
