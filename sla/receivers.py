"""Keep ``Calendar.updated_at`` moving when its intervals or holidays change,
so that cached built calendars are rebuilt."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from sla.models import Calendar, CalendarHoliday, CalendarInterval


@receiver([post_save, post_delete], sender=CalendarInterval)
@receiver([post_save, post_delete], sender=CalendarHoliday)
def calendar_touch(sender: Any, instance: CalendarInterval | CalendarHoliday, **kwargs: Any) -> None:
    # Strictly later even when two changes share a timestamp (a frozen clock in tests).
    Calendar.objects.filter(pk=instance.calendar_id).update(
        updated_at=Greatest(F("updated_at") + timedelta(microseconds=1), Value(timezone.now())),
    )
