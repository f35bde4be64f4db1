"""The queue's view of the SLA acknowledgement clock: urgency order, breached, at risk, time left.

This module is the one place where the desk joins a ticket to its
acknowledgement clock (``sla.models.SlaClock`` with metric "ack"). The SLA
engine (``sla.clocks``) owns the clocks and writes them; here they are only read.

What the words mean on the desk:

* **breached** — the ticket is still unacknowledged and its window has passed:
  the clock is marked breached, or it is running and its due time is behind us
  (the tick marks it within a minute; the queue does not wait for it).
* **at risk** — running, not breached, and past the target's warning point
  (75 % of the target by default): the same moment the engine warns the team.
* **due soon** — running, not breached, due within the next few hours of wall
  time (the dashboard's "at risk in the next 4 h").

Time left is business time, counted in the target's calendar, so that a
Break-Fix ticket filed on Friday afternoon shows the 24 business hours it has,
not five days. A stopped clock (acknowledged, resolved or closed) has no time
left: the row says how long acknowledgement took in business time and whether
the promise was met. A paused clock (waiting on the customer) shows the
business time it had left when it paused, frozen, and sorts with the tickets
that have no running clock (unless it breached before it paused: breached
tickets come first, whatever their clock is doing now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from sla.clocks import calendar_for
from sla.models import SlaClock, SlaTarget
from tickets.models import Ticket
from tickets.selectors import tickets_visible_to

ACK = SlaTarget.Metric.ACKNOWLEDGEMENT
RUNNING = SlaClock.State.RUNNING
PAUSED = SlaClock.State.PAUSED
NOT_STOPPED = (RUNNING, PAUSED)
DUE_SOON = timedelta(hours=4)


def _breached(prefix: str = "", *, now: datetime) -> Q:
    """Breached and not yet acknowledged; ``prefix`` names the clock's relation, if any."""
    p = prefix
    # Two arms, each the condition of a partial index (sla_clock_ack_breached, sla_clock_breach_due).
    return Q(**{f"{p}state__in": NOT_STOPPED, f"{p}breached_at__isnull": False}) | Q(
        **{f"{p}state": RUNNING, f"{p}breached_at__isnull": True, f"{p}due_at__lte": now},
    )


def _within_window(prefix: str = "", *, now: datetime) -> Q:
    """Running, not breached, and not yet due: the clock still counts down (index sla_clock_breach_due)."""
    p = prefix
    return Q(**{f"{p}state": RUNNING, f"{p}breached_at__isnull": True, f"{p}due_at__gt": now})


def breached_q(*, now: datetime | None = None) -> Q:
    """Tickets whose acknowledgement window passed without an acknowledgement."""
    now = now or timezone.now()
    clocks = SlaClock.objects.filter(metric=ACK).filter(_breached(now=now))
    return Q(Exists(clocks.filter(ticket=OuterRef("pk"))))


def at_risk_q(*, now: datetime | None = None) -> Q:
    """Running, not breached, past the point where the SLA engine warns."""
    now = now or timezone.now()
    clocks = SlaClock.objects.filter(_within_window(now=now), metric=ACK, warn_at__lte=now)
    return Q(Exists(clocks.filter(ticket=OuterRef("pk"))))


def due_soon_q(*, now: datetime | None = None, within: timedelta = DUE_SOON) -> Q:
    """Running, not breached, and due within ``within`` of wall time."""
    now = now or timezone.now()
    clocks = SlaClock.objects.filter(_within_window(now=now), metric=ACK, due_at__lte=now + within)
    return Q(Exists(clocks.filter(ticket=OuterRef("pk"))))


class UrgencyOrder:
    """The ids of ``tickets``, most urgent first, sliced like a queryset: what the queue's Paginator pages.

    Breached first (longest overdue first), then running clocks by due time,
    then the rest (acknowledged, paused but not breached, no target) by
    severity, then age. Rather than sort every open ticket, each of the three
    runs is read in the order of an index (the breached few through
    sla_clock_ack_breached and sla_clock_breach_due, the running ones through
    sla_clock_breach_due, the rest through ticket_open_queue) and stops at the
    end of the page asked for: the first page reads fifty ids, however many
    tickets are open.
    """

    def __init__(self, tickets: QuerySet[Ticket], *, now: datetime | None = None, count: int | None = None) -> None:
        self.tickets = tickets.order_by()
        self.now = now or timezone.now()
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = self.tickets.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[int]:
        start, stop = index.start or 0, index.stop
        ids: list[int] = []
        for run in self._runs():
            if stop is not None and len(ids) >= stop:
                break
            wanted = run.values_list("pk", flat=True)
            ids += wanted if stop is None else wanted[: stop - len(ids)]
        return ids[start:stop]

    def _runs(self) -> tuple[QuerySet[Ticket], ...]:
        then = (F("sla_clocks__due_at").asc(nulls_last=True), F("severity_id").asc(nulls_last=True), "created_at", "pk")
        # One filter() call each, so that the conditions and the order share one join to the clock.
        breached = self.tickets.filter(Q(sla_clocks__metric=ACK) & _breached("sla_clocks__", now=self.now))
        running = self.tickets.filter(Q(sla_clocks__metric=ACK) & _within_window("sla_clocks__", now=self.now))
        # The rest: no clock that put the ticket in either run above.
        counted = SlaClock.objects.filter(ticket=OuterRef("pk"), metric=ACK).filter(
            _breached(now=self.now) | _within_window(now=self.now),
        )
        rest = self.tickets.exclude(Exists(counted))
        return (
            breached.order_by(*then),
            running.order_by(*then),
            rest.order_by(F("severity_id").asc(nulls_last=True), "created_at", "pk"),
        )


def by_urgency(tickets: QuerySet[Ticket], *, now: datetime | None = None, count: int | None = None) -> UrgencyOrder:
    """``tickets`` in the queue's order (see ``UrgencyOrder``); ``count``, when the caller knows it already."""
    return UrgencyOrder(tickets, now=now, count=count)


def with_ack_clock(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Each ticket's acknowledgement clock (any state) as ``ack_clocks``, for ``time_left``: one query per page."""
    return tickets.prefetch_related(
        Prefetch(
            "sla_clocks",
            to_attr="ack_clocks",
            queryset=SlaClock.objects.filter(metric=ACK).select_related("target_calendar"),
        ),
    )


@dataclass(frozen=True)
class TimeLeft:
    """What a queue row shows in its SLA column.

    ``state`` is the colour: breached (red), at-risk (amber), ok (green), paused
    (grey, not counting), met / missed (acknowledged: muted, with the outcome).
    ``span`` is business time: left, overdue, or taken to acknowledge.
    """

    state: str
    span: timedelta
    due: datetime | None
    overdue: bool = False

    @property
    def counting(self) -> bool:
        return self.state in ("breached", "at-risk", "ok")


def time_left(ticket: Ticket, *, now: datetime | None = None) -> TimeLeft | None:
    """The row's countdown; None when the ticket has no acknowledgement clock with a target.

    Reads the clock prefetched by ``with_ack_clock``; a ticket not loaded through it shows none.
    """
    clocks: list[SlaClock] = getattr(ticket, "ack_clocks", None) or []
    clock = clocks[0] if clocks else None
    if clock is None or not clock.has_terms:
        return None
    now = now or timezone.now()
    duration, target_calendar = clock.target_duration, clock.target_calendar
    assert duration is not None and target_calendar is not None  # has_terms
    if clock.state == SlaClock.State.STOPPED:
        taken = clock.elapsed_before
        missed = clock.breached_at is not None or taken > duration
        return TimeLeft(state="missed" if missed else "met", span=taken, due=None, overdue=missed)
    if clock.state == PAUSED:
        left = duration - clock.elapsed_before
        return TimeLeft(state="paused", span=abs(left), due=None, overdue=left <= timedelta(0))
    due = clock.due_at
    if due is None:
        return None
    calendar = calendar_for(target_calendar)
    if due <= now:
        return TimeLeft(state="breached", span=calendar.between(due, now), due=due, overdue=True)
    left = calendar.between(now, due)
    if clock.breached_at is not None:
        return TimeLeft(state="breached", span=left, due=due)
    at_risk = clock.warn_at is not None and clock.warn_at <= now
    return TimeLeft(state="at-risk" if at_risk else "ok", span=left, due=due)


def time_left_of(
    ticket: Ticket,
    *,
    now: datetime | None = None,
    clocks: list[SlaClock] | None = None,
) -> TimeLeft | None:
    """``time_left`` for one ticket already fetched through a checked accessor (the ticket page).

    ``clocks``, all of the ticket's clocks with their calendars when the page has read them already."""
    if clocks is None:
        clocks = list(SlaClock.objects.filter(ticket=ticket, metric=ACK).select_related("target_calendar"))
    ticket.ack_clocks = [clock for clock in clocks if clock.metric == ACK]  # type: ignore[attr-defined]
    return time_left(ticket, now=now)


def dashboard_figures(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """Acknowledgement breaches since midnight (viewer's zone) and open tickets due within four hours.

    Over the tickets the user may see. A breach counts once the window passed,
    whether or not the tick has marked it yet, and stays counted after the
    ticket is acknowledged or closed.
    """
    now = now or timezone.now()
    tickets = tickets_visible_to(user)
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    breached_today = SlaClock.objects.filter(metric=ACK, ticket__in=tickets.values("pk")).filter(
        Q(breached_at__gte=midnight, breached_at__lte=now)
        | Q(breached_at__isnull=True, state=RUNNING, due_at__gte=midnight, due_at__lte=now),
    )
    open_tickets = tickets.filter(status__in=Ticket.OPEN_STATUSES)
    return {
        "breached_today": breached_today.count(),
        "at_risk_soon": open_tickets.filter(due_soon_q(now=now)).count(),
        "since": midnight,
    }
