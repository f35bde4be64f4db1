"""The queue's rows and filters, drawn once and shared from the cache by the agents who see the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString

from desk import housekeeping
from desk.lists import lists_version
from sla.models import SlaClock
from supportdesk.fragments import fragments_render
from tickets.models import Ticket

if TYPE_CHECKING:
    from django.http import QueryDict

    from desk.forms import QueueFilterForm
    from desk.selectors import QueueFilters


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


def queue_filters(*, form: QueueFilterForm, filters: QueueFilters, query: QueryDict) -> SafeString:
    """The filter form as asked for in ``query``.

    What it shows is the query's values of its fields and the lists it offers (organisations, tiers,
    severities, the tags in use), which change a few times a day: kept under the lists' version
    (``desk.lists``), it is drawn, and those lists read, once for everyone who asks the same.
    """
    template = get_template("desk/_queue_filters.html")
    asked = tuple((name, tuple(query.getlist(name))) for name in form.fields)

    def render(_part: str) -> str:
        return template.render({"form": form, "filters": filters, "known_tags": list(housekeeping.tags_all())})

    version = lists_version()
    drawn = fragments_render(name="desk-queue-filters", items=["filters"], parts=lambda _part: (version, asked), render=render)
    return drawn[0]
