"""Reading clocks and escalations.

The tick's three questions are answered by partial indexes holding only the
rows that can still become due, so their cost does not grow with the number
of open tickets (see bench/escalation_scan.py).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from sla.models import Calendar, Escalation, SlaClock


def clocks_due_for_breach(*, now: datetime) -> QuerySet[SlaClock]:
    """Running clocks past their due time that were not yet marked breached (index sla_clock_breach_due)."""
    return SlaClock.objects.filter(
        state=SlaClock.State.RUNNING,
        breached_at__isnull=True,
        due_at__isnull=False,
        due_at__lte=now,
    ).order_by("due_at")


def clocks_due_for_warning(*, now: datetime) -> QuerySet[SlaClock]:
    """Running clocks past their warn time that did not warn yet (index sla_clock_warn_due)."""
    return SlaClock.objects.filter(
        state=SlaClock.State.RUNNING,
        warned_at__isnull=True,
        warn_at__isnull=False,
        warn_at__lte=now,
    ).order_by("warn_at")


def escalations_due_for_reminder(*, now: datetime) -> QuerySet[Escalation]:
    """Unacknowledged escalations whose next reminder is due (index escalation_reminder_due)."""
    return Escalation.objects.filter(
        acknowledged_at__isnull=True,
        next_reminder_at__isnull=False,
        next_reminder_at__lte=now,
    ).order_by("next_reminder_at")


def clocks_of(*, ticket_id: int) -> list[SlaClock]:
    """A ticket's clocks for display; the caller has already checked the ticket is visible."""
    return list(
        SlaClock.objects.filter(ticket_id=ticket_id)
        .select_related("target_calendar", "target_severity", "target_tier")
        .order_by("metric")
    )


def escalations_open_for(*, ticket_id: int) -> list[Escalation]:
    return list(Escalation.objects.filter(ticket_id=ticket_id, acknowledged_at__isnull=True).order_by("created_at"))


def calendar_default() -> Calendar | None:
    """The business hours of organisations without a calendar of their own: the one marked default."""
    return Calendar.objects.filter(is_default=True).first()
