"""Telling agents of what concerns them: in the desk, by mail through the outbox, or both, as each chooses.

Everything reacts to the timeline (``tickets.signals.ticket_event_recorded``), in
the transaction that records the change, so a notification exists exactly when
its cause does; mail goes through the outbox like every mail. Nobody is told of
what they did themselves.

The conversation's "a customer commented on an unassigned ticket" signal is
answered by ``on_customer_comment_unattended``: connect it where that signal
lives (``customer_comment_unattended.connect(on_customer_comment_unattended)``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from desk.models import (
    AgentNotification,
    NotificationChannel,
    NotificationEvent,
    NotificationSetting,
    QueueWatch,
    TicketFollower,
)
from notifications.services import Email, email_queue
from tickets.models import Comment, Ticket, TicketEvent

MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][\w.\-]*[A-Za-z0-9]|[A-Za-z0-9])")
SHOWN = 30


def channel_for(*, user: User, event: str) -> str:
    setting = NotificationSetting.objects.filter(user=user, event=event).values_list("channel", flat=True).first()
    return setting or NotificationChannel.BOTH


def notification_settings_of(*, user: User) -> dict[str, str]:
    chosen = dict(NotificationSetting.objects.filter(user=user).values_list("event", "channel"))
    return {event: chosen.get(event, NotificationChannel.BOTH) for event in NotificationEvent.values}


@transaction.atomic
def notification_settings_set(*, user: User, channels: dict[str, str]) -> None:
    for event, channel in channels.items():
        if event in NotificationEvent.values and channel in NotificationChannel.values:
            NotificationSetting.objects.update_or_create(user=user, event=event, defaults={"channel": channel})


def agent_notify(
    *,
    users: Iterable[User],
    event: str,
    ticket: Ticket,
    text: str,
    source_key: str,
    actor: User | None = None,
    mailed_elsewhere: bool = False,
) -> int:
    """Tell each user (support staff, active, not the actor) once per ``source_key``; returns how many were told.

    ``mailed_elsewhere``: the SLA engine already mails this event (escalations, warnings) to these
    people, so only the desk is added, whatever they chose, rather than a second mail.
    """
    told = 0
    for user in {u.pk: u for u in users}.values():
        if not (user.is_active and user.is_support_staff) or (actor is not None and user.pk == actor.pk):
            continue
        channel = channel_for(user=user, event=event)
        if channel == NotificationChannel.OFF:
            continue
        if channel in (NotificationChannel.DESK, NotificationChannel.BOTH):
            try:
                with transaction.atomic():
                    AgentNotification.objects.create(
                        user=user,
                        event=event,
                        ticket=ticket,
                        text=text[:300],
                        source_key=source_key,
                    )
            except IntegrityError:
                continue  # told already of this very cause
        if channel in (NotificationChannel.EMAIL, NotificationChannel.BOTH) and not mailed_elsewhere:
            _mail(user=user, ticket=ticket, text=text, source_key=source_key)
        told += 1
    return told


def _mail(*, user: User, ticket: Ticket, text: str, source_key: str) -> None:
    link = f"{settings.SITE_URL}{reverse('desk:ticket', kwargs={'number': ticket.number})}"
    with translation.override(user.language or "en"):
        subject = f"[{ticket.reference}] {text}"
        body = "\n\n".join([text, f"{ticket.reference} · {ticket.summary}", link])
    email_queue(
        event_key=f"desk-{source_key}",
        email=Email(
            recipient=user.email,
            subject=subject,
            body_text=body,
            language=user.language or "en",
        ),
    )


def unread_count(*, user: User) -> int:
    return AgentNotification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(*, user: User) -> QuerySet[AgentNotification]:
    return AgentNotification.objects.filter(user=user).select_related("ticket")[:SHOWN]


def notifications_mark_read(*, user: User) -> int:
    return AgentNotification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def watchers_of(*, ticket: Ticket) -> list[User]:
    """Agents with a queue watch the new ticket matches (every field they set matches it)."""
    watches = QueueWatch.objects.filter(
        Q(tier__isnull=True) | Q(tier_id=ticket.organisation.tier_id),
        Q(severity__isnull=True) | Q(severity_id=ticket.severity_id),
        Q(organisation__isnull=True) | Q(organisation_id=ticket.organisation_id),
    ).select_related("user")
    return [watch.user for watch in watches]


def mentioned_in(body: str) -> list[User]:
    """Colleagues named ``@sam`` (the part of their address before the @, or their first name, when only one has it)."""
    handles = {handle.lower() for handle in MENTION.findall(body)}
    if not handles:
        return []
    staff = list(User.objects.filter(role__in=[User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN], is_active=True))
    found: dict[int, User] = {}
    for handle in handles:
        by_address = [u for u in staff if u.email.split("@")[0].lower() == handle]
        by_name = [u for u in staff if (u.get_full_name().split() or [""])[0].lower() == handle]
        matches = by_address or (by_name if len(by_name) == 1 else [])
        found.update((u.pk, u) for u in matches)
    return list(found.values())


def _leads() -> QuerySet[User]:
    leads: QuerySet[User] = User.objects.filter(role=User.Role.LEAD, is_active=True)
    return leads


def on_ticket_event(sender: Any, event: TicketEvent, **kwargs: Any) -> None:
    """Who hears of this timeline entry, and how it reads."""
    ticket = event.ticket
    kind, actor = event.kind, event.actor
    key = f"{kind}:{event.pk}"
    Kind = TicketEvent.Kind
    if kind == Kind.CREATED:
        agent_notify(
            users=watchers_of(ticket=ticket),
            event=NotificationEvent.NEW_TICKET,
            ticket=ticket,
            actor=actor,
            source_key=key,
            text=_("New ticket %(ref)s: %(summary)s") % {"ref": ticket.reference, "summary": ticket.summary},
        )
    elif kind == Kind.ASSIGNED and ticket.assignee is not None:
        agent_notify(
            users=[ticket.assignee],
            event=NotificationEvent.ASSIGNED,
            ticket=ticket,
            actor=actor,
            source_key=key,
            text=_("%(ref)s was assigned to you") % {"ref": ticket.reference},
        )
    elif kind == Kind.COMMENTED:
        followers = [
            f.user for f in TicketFollower.objects.filter(ticket=ticket).select_related("user") if f.user_id != ticket.assignee_id
        ]
        who = event.comment.author_name if event.comment is not None else event.actor_name
        text = _("%(who)s commented on %(ref)s") % {"who": who, "ref": ticket.reference}
        agent_notify(users=followers, event=NotificationEvent.CUSTOMER_COMMENT, ticket=ticket, actor=actor, source_key=key, text=text)
        if ticket.assignee is not None:  # the ticket's own mail already tells the assignee (tickets.emails)
            agent_notify(
                users=[ticket.assignee],
                event=NotificationEvent.CUSTOMER_COMMENT,
                ticket=ticket,
                actor=actor,
                source_key=key,
                text=text,
                mailed_elsewhere=True,
            )
    elif kind == Kind.NOTE and event.comment is not None and event.comment.is_internal:
        agent_notify(
            users=mentioned_in(event.comment.body),
            event=NotificationEvent.MENTION,
            ticket=ticket,
            actor=actor,
            source_key=key,
            text=_("%(who)s mentioned you on %(ref)s") % {"who": event.actor_name, "ref": ticket.reference},
        )
    elif kind == Kind.ESCALATED:
        people = [*_leads(), *([ticket.assignee] if ticket.assignee is not None else [])]
        agent_notify(
            users=people,
            event=NotificationEvent.ESCALATION,
            ticket=ticket,
            actor=actor,
            source_key=key,
            text=_("%(ref)s was escalated") % {"ref": ticket.reference},
            mailed_elsewhere=True,
        )
    elif kind == Kind.SLA and event.after.get("warned_at") and not event.before.get("warned_at") and ticket.assignee is not None:
        agent_notify(
            users=[ticket.assignee],
            event=NotificationEvent.BREACH_SOON,
            ticket=ticket,
            source_key=key,
            text=_("%(ref)s is close to breaching its SLA") % {"ref": ticket.reference},
            mailed_elsewhere=True,
        )


def on_customer_comment_unattended(sender: Any, ticket: Ticket, comment: Comment, **kwargs: Any) -> None:
    """A customer commented on a ticket nobody has: the agents watching its queue hear of it."""
    agent_notify(
        users=watchers_of(ticket=ticket),
        event=NotificationEvent.CUSTOMER_COMMENT,
        ticket=ticket,
        source_key=f"unattended:{comment.pk}",
        text=_("%(who)s commented on %(ref)s, which nobody has") % {"who": comment.author_name, "ref": ticket.reference},
    )
