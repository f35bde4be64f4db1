"""SLA clocks: started, stopped, paused and recomputed by the ticket's timeline.

Every timeline entry passes through ``clocks_on_event``; the clocks react to
the ones that matter (created, acknowledged, status, severity, public reply).
Each clock change is itself written to the timeline, with the due time, warn
time and state before and after, so that a deadline can always be explained.

Business time already counted is banked in ``elapsed_before`` at each change,
and the clock counts on from ``segment_start`` in its target's calendar. A
recomputation (new severity, new tier) keeps what was banked and counts the
rest of the new target from now.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sla.models import Calendar, SlaClock, SlaTarget

if TYPE_CHECKING:
    from accounts.models import User
    from customers.models import Organisation
    from sla.businesstime import BusinessCalendar
    from tickets.models import Ticket, TicketEvent

ACK = SlaTarget.Metric.ACKNOWLEDGEMENT
UPDATE = SlaTarget.Metric.NEXT_UPDATE
SLA_ACTOR = "SLA"

# Built calendars, per (calendar id, updated_at, year): building one reads the
# intervals and computes a country's holidays, which is too slow per event.
_calendars: dict[tuple[int, datetime, int], BusinessCalendar] = {}
_calendars_lock = threading.Lock()
_CALENDARS_KEPT = 64


def calendar_for(calendar: Calendar) -> BusinessCalendar:
    key = (calendar.pk, calendar.updated_at, timezone.now().year)
    built = _calendars.get(key)
    if built is None:
        built = calendar.business_calendar()
        with _calendars_lock:
            if len(_calendars) >= _CALENDARS_KEPT:
                _calendars.clear()
            _calendars[key] = built
    return built


def calendars_forget() -> None:
    with _calendars_lock:
        _calendars.clear()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def clock_snapshot(clock: SlaClock) -> dict[str, Any]:
    """What a timeline entry shows of a clock, before or after a change."""
    return {
        "metric": clock.metric,
        "state": clock.state,
        "target": str(clock.target.duration) if clock.target_id and clock.target else None,
        "due_at": _iso(clock.due_at),
        "warn_at": _iso(clock.warn_at),
        "warned_at": _iso(clock.warned_at),
        "breached_at": _iso(clock.breached_at),
        "elapsed": int(clock.elapsed_before.total_seconds()),
    }


def target_for(*, ticket: Ticket, metric: str) -> SlaTarget | None:
    if ticket.severity_id is None:
        return None
    return (
        SlaTarget.objects.select_related("calendar", "severity", "tier")
        .filter(tier_id=ticket.organisation.tier_id, severity_id=ticket.severity_id, metric=metric)
        .first()
    )


def clock_elapsed(clock: SlaClock, *, now: datetime) -> timedelta:
    """Business time counted so far, in the target's calendar."""
    if clock.state == SlaClock.State.RUNNING and clock.segment_start and clock.target is not None:
        return clock.elapsed_before + calendar_for(clock.target.calendar).between(clock.segment_start, now)
    return clock.elapsed_before


def clock_remaining(clock: SlaClock, *, now: datetime) -> timedelta | None:
    if clock.target is None:
        return None
    return clock.target.duration - clock_elapsed(clock, now=now)


def _warn_after(target: SlaTarget) -> timedelta:
    return target.duration * target.warn_percent // 100


def _schedule(clock: SlaClock, *, elapsed: timedelta, now: datetime) -> None:
    """Bank ``elapsed`` and set due and warn times counting on from now."""
    clock.elapsed_before = elapsed
    clock.segment_start = now
    target = clock.target
    if target is None:
        clock.due_at = clock.warn_at = None
        return
    calendar = calendar_for(target.calendar)
    remaining = target.duration - elapsed
    clock.due_at = calendar.add(now, remaining) if remaining > timedelta(0) else now
    warn_left = _warn_after(target) - elapsed
    clock.warn_at = calendar.add(now, warn_left) if warn_left > timedelta(0) else now
    if clock.warned_at is not None and clock.warn_at > now:
        # The deadline moved out: warn again before the new one.
        clock.warned_at = None


def _record(
    clock: SlaClock, *, before: dict[str, Any], reason: str, actor: User | None = None, public: bool = False,
) -> TicketEvent:
    from tickets.models import TicketEvent
    from tickets.services import event_record

    return event_record(
        ticket=clock.ticket, kind=TicketEvent.Kind.SLA, actor=actor, actor_label=SLA_ACTOR,
        before=before, after=clock_snapshot(clock), reason=reason, is_public=public,
    )


def _save(clock: SlaClock) -> None:
    clock.save()


def clock_start(*, ticket: Ticket, metric: str, now: datetime, target: SlaTarget | None = None) -> SlaClock | None:
    """Start a clock at ``now``. The acknowledgement clock starts even without a
    target (no severity yet), so that a later severity has something to count from."""
    if target is None:
        target = target_for(ticket=ticket, metric=metric)
    if target is None and metric != ACK:
        return None
    clock = SlaClock(ticket=ticket, metric=metric, target=target, started_at=now)
    _schedule(clock, elapsed=timedelta(0), now=now)
    clock.save(force_insert=True)
    if target is None:
        reason = _("No acknowledgement target applies until the ticket has a severity.")
    else:
        reason = _("%(metric)s clock started: %(target)s.") % {"metric": clock.get_metric_display(), "target": target}
    _record(clock, before={}, reason=reason)
    return clock


def _locked_clocks(ticket: Ticket) -> list[SlaClock]:
    return list(
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("target__calendar", "target__severity", "target__tier")
        .filter(ticket=ticket)
    )


def _close_pause(clock: SlaClock, *, now: datetime) -> None:
    if clock.paused_at is not None:
        clock.paused_total += now - clock.paused_at
        clock.paused_at = None
        if clock.pauses and clock.pauses[-1][1] is None:
            clock.pauses[-1][1] = now.isoformat()


def clock_stop(clock: SlaClock, *, now: datetime, why: str, actor: User | None = None) -> None:
    if clock.state == SlaClock.State.STOPPED:
        return
    before = clock_snapshot(clock)
    clock.elapsed_before = clock_elapsed(clock, now=now)
    _close_pause(clock, now=now)
    clock.state = SlaClock.State.STOPPED
    clock.segment_start = None
    clock.stopped_at = now
    clock.stopped_reason = why
    _save(clock)
    reasons = {
        "acknowledged": _("Acknowledged: the acknowledgement clock stops."),
        "resolved": _("Resolved: the clock stops."),
        "closed": _("Closed: the clock stops."),
    }
    _record(clock, before=before, reason=reasons.get(why, why), actor=actor)


def clock_pause(clock: SlaClock, *, now: datetime) -> None:
    if clock.state != SlaClock.State.RUNNING:
        return
    before = clock_snapshot(clock)
    clock.elapsed_before = clock_elapsed(clock, now=now)
    clock.state = SlaClock.State.PAUSED
    clock.segment_start = None
    clock.paused_at = now
    clock.pauses = [*clock.pauses, [now.isoformat(), None]]
    clock.due_at = clock.warn_at = None
    _save(clock)
    _record(clock, before=before, reason=_("Waiting on the customer: the clock pauses."))


def clock_resume(clock: SlaClock, *, now: datetime, reason: str = "") -> None:
    if clock.state != SlaClock.State.PAUSED:
        return
    before = clock_snapshot(clock)
    _close_pause(clock, now=now)
    clock.state = SlaClock.State.RUNNING
    _schedule(clock, elapsed=clock.elapsed_before, now=now)
    _save(clock)
    _record(clock, before=before, reason=reason or _("No longer waiting on the customer: the clock runs again."))


def clock_reopen(clock: SlaClock, *, now: datetime) -> None:
    """Count on from where the clock stopped, keeping the business time counted."""
    before = clock_snapshot(clock)
    clock.state = SlaClock.State.RUNNING
    clock.stopped_at = None
    clock.stopped_reason = ""
    _schedule(clock, elapsed=clock.elapsed_before, now=now)
    _save(clock)
    _record(clock, before=before, reason=_("Reopened: the clock runs again."))


def clock_restart(clock: SlaClock, *, now: datetime, reason: str) -> None:
    """A new period of the same promise (the next update is due again from now)."""
    before = clock_snapshot(clock)
    _close_pause(clock, now=now)
    clock.started_at = now
    clock.warned_at = clock.breached_at = clock.stopped_at = None
    clock.stopped_reason = ""
    clock.paused_total = timedelta(0)
    clock.pauses = []
    clock.recomputations = []
    clock.state = SlaClock.State.RUNNING
    _schedule(clock, elapsed=timedelta(0), now=now)
    _save(clock)
    _record(clock, before=before, reason=reason)


def clock_retarget(clock: SlaClock, *, target: SlaTarget | None, now: datetime, reason: str) -> bool:
    """Count the rest of a new target, keeping the business time already counted."""
    if clock.target_id == (target.pk if target else None):
        return False
    before = clock_snapshot(clock)
    elapsed = clock_elapsed(clock, now=now)
    clock.target = target
    clock.recomputations = [
        *clock.recomputations, {"at": now.isoformat(), "elapsed": int(elapsed.total_seconds()), "reason": reason},
    ]
    if clock.state == SlaClock.State.RUNNING:
        _schedule(clock, elapsed=elapsed, now=now)
    else:
        clock.elapsed_before = elapsed
    _save(clock)
    _record(clock, before=before, reason=reason)
    return True


def clocks_recompute(*, ticket: Ticket, now: datetime, reason: str) -> None:
    """The severity or the tier changed: every clock follows its new target."""
    clocks = {clock.metric: clock for clock in _locked_clocks(ticket)}
    for metric, clock in clocks.items():
        if clock.state == SlaClock.State.STOPPED:
            continue
        clock_retarget(clock, target=target_for(ticket=ticket, metric=metric), now=now, reason=reason)
    if UPDATE not in clocks and ticket.acknowledged_at is not None and ticket.is_open:
        clock_start(ticket=ticket, metric=UPDATE, now=now)


def clock_recompute_for_organisation(*, organisation: Organisation, now: datetime | None = None) -> int:
    """The organisation moved to another tier: recompute its open tickets' clocks.

    Tickets are locked one by one, in id order, as the workflow locks them, so
    that this never deadlocks with an agent's action or the tick.
    """
    from tickets.models import Ticket

    now = now or timezone.now()
    reason = _("The organisation's support tier is now %(tier)s.") % {"tier": organisation.tier}
    ticket_ids = (
        SlaClock.objects.filter(ticket__organisation=organisation, ticket__status__in=Ticket.OPEN_STATUSES)
        .exclude(state=SlaClock.State.STOPPED)
        .order_by("ticket_id").values_list("ticket_id", flat=True).distinct()
    )
    count = 0
    with transaction.atomic():
        for ticket_id in list(ticket_ids):
            ticket = Ticket.objects.select_for_update().select_related("organisation").get(pk=ticket_id)
            ticket.organisation = organisation
            clocks_recompute(ticket=ticket, now=now, reason=reason)
            count += 1
    return count


def _status_changed(ticket: Ticket, *, before: str | None, after: str | None, now: datetime) -> None:
    from tickets.models import Ticket

    waiting = Ticket.Status.WAITING_ON_CUSTOMER
    done = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
    clocks = _locked_clocks(ticket)
    for clock in clocks:
        if after in done:
            clock_stop(clock, now=now, why=str(after))
        elif after == waiting:
            if clock.target is None or clock.target.pauses_while_waiting:
                clock_pause(clock, now=now)
        elif before == waiting:
            clock_resume(clock, now=now)
        elif before in done and clock.state == SlaClock.State.STOPPED and clock.stopped_reason in done:
            # Reopened: an unacknowledged ticket's clock counts on; the next update is due afresh.
            if clock.metric == ACK and ticket.acknowledged_at is None:
                clock_reopen(clock, now=now)
            elif clock.metric == UPDATE and ticket.acknowledged_at is not None:
                clock_restart(clock, now=now, reason=_("Reopened: the next update is due."))


def clocks_on_event(event: TicketEvent) -> None:
    """Let the clocks react to one timeline entry, in the same transaction."""
    from sla.escalations import escalations_acknowledge
    from tickets.models import TicketEvent

    Kind = TicketEvent.Kind
    kind = event.kind
    if kind not in (Kind.CREATED, Kind.ACKNOWLEDGED, Kind.STATUS, Kind.SEVERITY, Kind.REPLIED):
        return
    ticket = event.ticket
    now = event.created_at
    if kind == Kind.CREATED:
        clock_start(ticket=ticket, metric=ACK, now=ticket.created_at or now)
    elif kind == Kind.ACKNOWLEDGED:
        clocks = {clock.metric: clock for clock in _locked_clocks(ticket)}
        if ACK in clocks:
            clock_stop(clocks[ACK], now=now, why="acknowledged", actor=event.actor)
        if UPDATE in clocks:
            clock_restart(clocks[UPDATE], now=now, reason=_("Acknowledged: the next update is due."))
        else:
            clock_start(ticket=ticket, metric=UPDATE, now=now)
        escalations_acknowledge(ticket=ticket, actor=event.actor, now=now, automatic_only=True)
    elif kind == Kind.STATUS:
        _status_changed(ticket, before=event.before.get("status"), after=event.after.get("status"), now=now)
    elif kind == Kind.SEVERITY:
        reason = _("Severity changed from %(before)s to %(after)s; the business time already counted is kept.") % {
            "before": event.before.get("severity") or "—", "after": event.after.get("severity") or "—",
        }
        clocks_recompute(ticket=ticket, now=now, reason=reason)
    elif kind == Kind.REPLIED:
        for clock in _locked_clocks(ticket):
            if clock.metric == UPDATE and clock.state != SlaClock.State.STOPPED:
                if clock.state == SlaClock.State.PAUSED:
                    continue
                clock_restart(clock, now=now, reason=_("Support replied: the next update is due."))
