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

from django.utils import timezone
from django.utils.translation import gettext as _

from sla.models import Calendar, SlaClock, SlaTarget

if TYPE_CHECKING:
    from accounts.models import User
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
        "target": str(clock.target_duration) if clock.has_terms else None,
        "due_at": _iso(clock.due_at),
        "warn_at": _iso(clock.warn_at),
        "warned_at": _iso(clock.warned_at),
        "breached_at": _iso(clock.breached_at),
        "elapsed": int(clock.elapsed_before.total_seconds()),
    }


def target_for(*, ticket: Ticket, metric: str, tier_id: int | None = None) -> SlaTarget | None:
    """The target in force now for the ticket's severity, under the tier it was filed under
    (or ``tier_id``): moving an organisation to another tier applies to new tickets only."""
    if ticket.severity_id is None:
        return None
    if tier_id is None:
        from customers.tiers import tier_in_force

        tier_id = tier_in_force(organisation=ticket.organisation, at=ticket.created_at)
    return (
        SlaTarget.objects.select_related("calendar", "severity", "tier")
        .filter(tier_id=tier_id, severity_id=ticket.severity_id, metric=metric)
        .first()
    )


def clock_elapsed(clock: SlaClock, *, now: datetime) -> timedelta:
    """Business time counted so far, in the target's calendar."""
    if clock.state == SlaClock.State.RUNNING and clock.segment_start and clock.has_terms:
        assert clock.target_calendar is not None  # has_terms
        return clock.elapsed_before + calendar_for(clock.target_calendar).between(clock.segment_start, now)
    return clock.elapsed_before


def clock_remaining(clock: SlaClock, *, now: datetime) -> timedelta | None:
    if not clock.has_terms:
        return None
    assert clock.target_duration is not None  # has_terms
    return clock.target_duration - clock_elapsed(clock, now=now)


def _warn_after(clock: SlaClock) -> timedelta:
    assert clock.target_duration is not None and clock.target_warn_percent is not None  # only clocks with terms
    return clock.target_duration * clock.target_warn_percent // 100


def clock_schedule(clock: SlaClock, *, elapsed: timedelta, now: datetime) -> None:
    """Bank ``elapsed`` and set due and warn times counting on from now."""
    clock.elapsed_before = elapsed
    clock.segment_start = now
    if not clock.has_terms:
        clock.due_at = clock.warn_at = None
        return
    assert clock.target_calendar is not None and clock.target_duration is not None  # has_terms
    calendar = calendar_for(clock.target_calendar)
    remaining = clock.target_duration - elapsed
    clock.due_at = calendar.add(now, remaining) if remaining > timedelta(0) else now
    warn_left = _warn_after(clock) - elapsed
    clock.warn_at = calendar.add(now, warn_left) if warn_left > timedelta(0) else now
    if clock.warned_at is not None and clock.warn_at > now:
        # The deadline moved out: warn again before the new one.
        clock.warned_at = None


def clock_record(
    clock: SlaClock,
    *,
    before: dict[str, Any],
    reason: str,
    actor: User | None = None,
    public: bool = False,
) -> TicketEvent:
    from tickets.models import TicketEvent
    from tickets.services import event_record

    return event_record(
        ticket=clock.ticket,
        kind=TicketEvent.Kind.SLA,
        actor=actor,
        actor_label=SLA_ACTOR,
        before=before,
        after=clock_snapshot(clock),
        reason=reason,
        is_public=public,
    )


def _save(clock: SlaClock) -> None:
    clock.save()


def clock_start(
    *,
    ticket: Ticket,
    metric: str,
    now: datetime,
    started_at: datetime | None = None,
    reason: str = "",
) -> SlaClock | None:
    """Start a clock when a target applies (none without a severity).

    ``started_at`` earlier than ``now`` counts the business time between them,
    for a ticket that only now gets a severity: the clock runs from submission.
    """
    target = target_for(ticket=ticket, metric=metric)
    if target is None:
        return None
    started_at = started_at or now
    clock = SlaClock(ticket=ticket, metric=metric, started_at=started_at)
    clock.terms_copy(target)
    elapsed = calendar_for(target.calendar).between(started_at, now) if started_at < now else timedelta(0)
    clock_schedule(clock, elapsed=elapsed, now=now)
    clock.save(force_insert=True)
    reason = reason or _("%(metric)s clock started: %(target)s.") % {
        "metric": clock.get_metric_display(),
        "target": target,
    }
    clock_record(clock, before={}, reason=reason)
    return clock


def _locked_clocks(ticket: Ticket) -> list[SlaClock]:
    return list(
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("target_calendar", "target_severity", "target_tier")
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
    clock_record(clock, before=before, reason=reasons.get(why, why), actor=actor)


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
    clock_record(clock, before=before, reason=_("Waiting on the customer: the clock pauses."))


def clock_resume(clock: SlaClock, *, now: datetime, reason: str = "") -> None:
    if clock.state != SlaClock.State.PAUSED:
        return
    before = clock_snapshot(clock)
    _close_pause(clock, now=now)
    clock.state = SlaClock.State.RUNNING
    clock_schedule(clock, elapsed=clock.elapsed_before, now=now)
    _save(clock)
    clock_record(clock, before=before, reason=reason or _("No longer waiting on the customer: the clock runs again."))


def clock_reopen(clock: SlaClock, *, now: datetime) -> None:
    """Count on from where the clock stopped, keeping the business time counted."""
    before = clock_snapshot(clock)
    clock.state = SlaClock.State.RUNNING
    clock.stopped_at = None
    clock.stopped_reason = ""
    clock_schedule(clock, elapsed=clock.elapsed_before, now=now)
    _save(clock)
    clock_record(clock, before=before, reason=_("Reopened: the clock runs again."))


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
    clock_schedule(clock, elapsed=timedelta(0), now=now)
    _save(clock)
    clock_record(clock, before=before, reason=reason)


def clock_retarget(
    clock: SlaClock,
    *,
    target: SlaTarget | None,
    now: datetime,
    reason: str,
    actor: User | None = None,
) -> bool:
    """Count the rest of a new target (its terms as they stand now), keeping the business time already counted."""
    if clock.target_id == (target.pk if target else None) and not clock.terms_differ(target):
        return False
    before = clock_snapshot(clock)
    elapsed = clock_elapsed(clock, now=now)
    clock.terms_copy(target)
    clock.recomputations = [
        *clock.recomputations,
        {"at": now.isoformat(), "elapsed": int(elapsed.total_seconds()), "reason": reason},
    ]
    if clock.state == SlaClock.State.RUNNING:
        clock_schedule(clock, elapsed=elapsed, now=now)
    else:
        clock.elapsed_before = elapsed
    _save(clock)
    clock_record(clock, before=before, reason=reason, actor=actor)
    return True


def clocks_recompute(*, ticket: Ticket, now: datetime, reason: str) -> None:
    """The severity or the tier changed: every clock follows its new target."""
    clocks = {clock.metric: clock for clock in _locked_clocks(ticket)}
    for metric, clock in clocks.items():
        if clock.state == SlaClock.State.STOPPED:
            continue
        target = target_for(ticket=ticket, metric=metric, tier_id=clock.target_tier_id)
        clock_retarget(clock, target=target, now=now, reason=reason)
    if not ticket.is_open:
        return
    if ACK not in clocks and ticket.acknowledged_at is None:
        started = clock_start(
            ticket=ticket,
            metric=ACK,
            now=now,
            started_at=ticket.created_at,
            reason=reason + " " + _("The acknowledgement clock counts from submission."),
        )
        if started is not None and ticket.status == ticket.Status.WAITING_ON_CUSTOMER and started.target_pauses_while_waiting:
            clock_pause(started, now=now)
    if UPDATE not in clocks and ticket.acknowledged_at is not None:
        clock_start(ticket=ticket, metric=UPDATE, now=now)


def _status_changed(ticket: Ticket, *, before: str | None, after: str | None, now: datetime) -> None:
    from tickets.models import Ticket

    waiting = Ticket.Status.WAITING_ON_CUSTOMER
    done = (Ticket.Status.RESOLVED, Ticket.Status.CLOSED)
    clocks = _locked_clocks(ticket)
    for clock in clocks:
        if after in done:
            clock_stop(clock, now=now, why=str(after))
        elif after == waiting:
            if not clock.has_terms or clock.target_pauses_while_waiting:
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
    elif kind == Kind.STATUS:
        _status_changed(ticket, before=event.before.get("status"), after=event.after.get("status"), now=now)
    elif kind == Kind.SEVERITY:
        reason = _("Severity changed from %(before)s to %(after)s; the business time already counted is kept.") % {
            "before": event.before.get("severity") or "—",
            "after": event.after.get("severity") or "—",
        }
        clocks_recompute(ticket=ticket, now=now, reason=reason)
    elif kind == Kind.REPLIED:
        for clock in _locked_clocks(ticket):
            if clock.metric == UPDATE and clock.state != SlaClock.State.STOPPED:
                if clock.state == SlaClock.State.PAUSED:
                    continue
                clock_restart(clock, now=now, reason=_("Support replied: the next update is due."))
