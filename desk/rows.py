"""The queue's rows, drawn once and shared from the cache by the agents who see the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString

from sla.models import SlaClock
from supportdesk.fragments import fragments_render
from tickets.models import Ticket


def _shown(ticket: Ticket, *, now: datetime) -> tuple[object, ...]:
    """Everything a row draws, so that a change to any of it draws the row again.

    A running clock counts down by the minute; every other row changes only
    with its ticket, its clock or the day (an "updated" time of today shows
    the hour alone).
    """
    clocks: list[SlaClock] = getattr(ticket, "ack_clocks", None) or []
    clock = clocks[0] if clocks else None
    clock_shown: tuple[object, ...] = ()
    if clock is not None:
        calendar = clock.target_calendar if clock.target_calendar_id else None
        clock_shown = (
            clock.state,
            clock.due_at,
            clock.breached_at,
            clock.warn_at,
            clock.elapsed_before,
            clock.target_duration,
            clock.target_calendar_id,
            calendar.updated_at if calendar else None,
            now.replace(second=0, microsecond=0) if clock.state == SlaClock.State.RUNNING else None,
        )
    assignee = ticket.assignee
    return (
        ticket.pk,
        ticket.number,
        ticket.updated_at,
        ticket.summary,
        ticket.status,
        ticket.severity_id,
        ticket.severity.name if ticket.severity else "",
        ticket.organisation_id,
        ticket.organisation.name,
        ticket.organisation.tier.name,
        ticket.ticket_type.name,
        ticket.assignee_id,
        assignee.get_full_name() if assignee else "",
        *clock_shown,
        timezone.localdate(),
    )


def queue_rows(*, tickets: Sequence[Ticket], now: datetime) -> list[SafeString]:
    """The ``<tr>`` of each ticket (loaded as ``selectors.queue_page`` loads them), in order."""
    template = get_template("desk/_queue_row.html")
    return fragments_render(
        name="desk-queue-row",
        items=tickets,
        parts=lambda ticket: _shown(ticket, now=now),
        render=lambda ticket: template.render({"ticket": ticket, "now": now}),
    )
