"""What the SLA does when something else happens.

The clocks follow the ticket's timeline (``tickets.signals``): every entry passes by them, in its transaction,
and an acknowledgement also acknowledges the automatic escalations. The ticket's first mail asks here for the
target it is counted against. And ``Calendar.updated_at`` moves when its intervals or holidays change, so that
cached built calendars are rebuilt.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from sla.clocks import clocks_on_event
from sla.escalations import escalations_acknowledge
from sla.explain import target_line
from sla.models import Calendar, CalendarHoliday, CalendarInterval
from tickets.models import TicketEvent
from tickets.signals import ticket_event_followed, ticket_target_line


@receiver(ticket_event_followed)
def ticket_event_to_clocks(sender: Any, event: TicketEvent, **kwargs: Any) -> None:
    clocks_on_event(event)
    if event.kind == TicketEvent.Kind.ACKNOWLEDGED:
        escalations_acknowledge(ticket=event.ticket, actor=event.actor, now=event.created_at, automatic_only=True)


@receiver(ticket_target_line)
def ticket_target_line_of_sla(sender: Any, ticket: Any, zone: str, **kwargs: Any) -> str:
    return target_line(ticket=ticket, zone=zone)


@receiver([post_save, post_delete], sender=CalendarInterval)
@receiver([post_save, post_delete], sender=CalendarHoliday)
def calendar_touch(sender: Any, instance: CalendarInterval | CalendarHoliday, **kwargs: Any) -> None:
    # Strictly later even when two changes share a timestamp (a frozen clock in tests).
    Calendar.objects.filter(pk=instance.calendar_id).update(
        updated_at=Greatest(F("updated_at") + timedelta(microseconds=1), Value(timezone.now())),
    )
