"""Desk actions that are not ticket workflow: linking tickets, presence on a ticket page, taking the next ticket."""

from __future__ import annotations

import time
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from desk.models import TicketLink
from tickets.models import Ticket, TicketEvent
from tickets.services import event_record

PRESENCE_TTL_SECONDS = 45  # two missed 20-second polls and the viewer is gone


@transaction.atomic
def ticket_link(*, ticket: Ticket, other: Ticket, kind: str, actor: User) -> TicketLink:
    """Link two tickets; both timelines say so (internally: customers may not see the other ticket)."""
    if other.pk == ticket.pk:
        raise ValidationError({"other": _("A ticket cannot be linked to itself.")})
    if kind not in TicketLink.Kind.values:
        raise ValidationError({"kind": _("Choose related or duplicate.")})
    exists = TicketLink.objects.filter(from_ticket=ticket, to_ticket=other) | TicketLink.objects.filter(
        from_ticket=other,
        to_ticket=ticket,
    )
    if exists.exists():
        raise ValidationError({"other": _("These tickets are already linked.")})
    link = TicketLink.objects.create(from_ticket=ticket, to_ticket=other, kind=kind, created_by=actor)
    label = TicketLink.Kind(kind).label
    for here, there, direction in ((ticket, other, "to"), (other, ticket, "from")):
        event_record(
            ticket=here,
            kind=TicketEvent.Kind.LINKED,
            actor=actor,
            is_public=False,
            after={"ticket": there.reference, "number": there.number, "kind": kind, "direction": direction, "label": str(label)},
        )
    return link


def _presence_key(ticket: Ticket) -> str:
    return f"desk:presence:{ticket.pk}"


def presence_touch(*, ticket: Ticket, user: User, now: float | None = None) -> list[str]:
    """Record that the user has the ticket open; return who else has it open.

    A small dict in the cache per ticket: last-seen times by user, pruned as
    it is read. Two agents polling at the same instant may drop each other's
    mark for one poll, which the next poll repairs.
    """
    now = time.time() if now is None else now
    key = _presence_key(ticket)
    seen: dict[int, tuple[str, float]] = cache.get(key) or {}
    seen = {uid: entry for uid, entry in seen.items() if now - entry[1] < PRESENCE_TTL_SECONDS}
    seen[user.pk] = (user.get_short_name(), now)
    cache.set(key, seen, PRESENCE_TTL_SECONDS)
    return sorted(name for uid, (name, _seen) in seen.items() if uid != user.pk)


TAKE_NEXT_BATCH = 20  # candidates read at once; a claim lost to a colleague moves on to the next


def ticket_take_next(*, user: User, now: datetime | None = None) -> Ticket | None:
    """Assign the most urgent unassigned open ticket to ``user``, in the queue's own order; None when none is left.

    Two agents pressing "take next" at once read the same candidates; each claims one with a
    conditional update (still unassigned, still open) and checks the row count, so the loser of a
    race moves on to the next ticket instead of taking the same one. The claim and its timeline
    entry commit together.
    """
    from desk.selectors import QueueFilters, queue_for

    if not user.is_support_staff:
        raise PermissionError("Only support staff take tickets.")
    now = now or timezone.now()
    order = queue_for(user=user, filters=QueueFilters(view="unassigned"), now=now)
    start = 0
    while True:
        candidates = order[start : start + TAKE_NEXT_BATCH]
        if not candidates:
            return None
        for ticket_id in candidates:
            claimed = _claim(ticket_id=ticket_id, user=user)
            if claimed is not None:
                return claimed
        start += TAKE_NEXT_BATCH


@transaction.atomic
def _claim(*, ticket_id: int, user: User) -> Ticket | None:
    taken = Ticket.objects.filter(pk=ticket_id, assignee__isnull=True, status__in=Ticket.OPEN_STATUSES).update(
        assignee=user,
        updated_at=timezone.now(),
    )
    if taken != 1:
        return None
    ticket: Ticket = Ticket.objects.select_related("organisation").get(pk=ticket_id)
    event_record(
        ticket=ticket,
        kind=TicketEvent.Kind.ASSIGNED,
        actor=user,
        is_public=False,
        before={"assignee": None},
        after={"assignee": user.get_full_name()},
        reason=_("Taken as the next most urgent ticket."),
    )
    return ticket
