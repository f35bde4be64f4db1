"""A plain account of how a clock's due time was reached.

For agents: the target, the calendar and its timezone, the holidays skipped,
the pauses, the recomputations and the DST changes crossed, as sentences with
every time shown in the zones asked for (the agent's and the contract's).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from sla.clocks import ACK, calendar_for, clock_elapsed, target_for
from sla.models import Calendar, CalendarInterval, SlaClock

if TYPE_CHECKING:
    from tickets.models import Ticket


def duration_text(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": minutes}


def when_text(value: datetime, zones: Sequence[str]) -> str:
    """One instant in each zone: the first in full, the others as a time (and the day when it differs)."""
    first = value.astimezone(ZoneInfo(zones[0]))
    parts = [f"{first:%a %d %b %Y %H:%M} {first.tzname()} ({zones[0]})"]
    for name in zones[1:]:
        other = value.astimezone(ZoneInfo(name))
        shown = f"{other:%H:%M}" if other.date() == first.date() else f"{other:%a %d %b %H:%M}"
        parts.append(f"{shown} {other.tzname()} ({name})")
    return " · ".join(parts)


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def _hours_text(calendar: Calendar) -> str:
    """The weekly hours, consecutive days with the same hours run together: "Mon–Fri 08:00–17:00"."""
    names = [str(label)[:3] for _value, label in CalendarInterval.Weekday.choices]
    by_day: dict[int, list[str]] = {}
    for interval in calendar.intervals.all():
        by_day.setdefault(interval.weekday, []).append(f"{interval.start}–{interval.end}")
    if len(by_day) == 7 and all(hours == ["00:00–24:00"] for hours in by_day.values()):
        return _("open around the clock")
    groups: list[tuple[int, int, str]] = []
    for day in sorted(by_day):
        hours = ", ".join(by_day[day])
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == hours:
            groups[-1] = (groups[-1][0], day, hours)
        else:
            groups.append((day, day, hours))
    spans = [f"{names[first]}{'–' + names[last] if last != first else ''} {hours}" for first, last, hours in groups]
    return _("open %(hours)s") % {"hours": "; ".join(spans)}


def _holidays_between(holidays: frozenset[date], start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return sorted(day for day in holidays if first <= day <= last)


def clock_explain(clock: SlaClock, *, zones: Sequence[str], now: datetime | None = None) -> list[str]:
    """Sentences saying how the clock's due time was reached, times in ``zones`` (first one in full)."""
    now = now or timezone.now()
    zones = list(dict.fromkeys(zones)) or ["UTC"]
    metric = clock.get_metric_display().lower()
    lines: list[str] = []
    if not clock.has_terms:
        lines.append(
            _("No %(metric)s target applies: the ticket has no severity, or its tier promises none for it.") % {"metric": metric}
        )
        lines.append(_("Started %(when)s.") % {"when": when_text(clock.started_at, zones)})
        return lines

    calendar, target = clock.target_calendar, clock.target_duration
    assert calendar is not None and target is not None  # has_terms
    built = calendar_for(calendar)
    zone = ZoneInfo(calendar.timezone)
    lines.append(
        _("Target: %(metric)s within %(duration)s for %(severity)s on the %(tier)s tier.")
        % {
            "metric": metric,
            "duration": duration_text(target),
            "severity": clock.target_severity.name if clock.target_severity is not None else "—",
            "tier": clock.target_tier.name if clock.target_tier is not None else "—",
        }
    )
    counted = _("Counted in “%(calendar)s”, timezone %(zone)s: %(hours)s") % {
        "calendar": calendar.name,
        "zone": calendar.timezone,
        "hours": _hours_text(calendar),
    }
    if calendar.holiday_country:
        counted += _(", closed on %(country)s public holidays") % {"country": calendar.holiday_country}
    lines.append(counted + ".")
    lines.append(_("Started %(when)s.") % {"when": when_text(clock.started_at, zones)})

    for change in clock.recomputations:
        lines.append(
            _("%(when)s: %(reason)s %(elapsed)s had been counted.")
            % {
                "when": when_text(datetime.fromisoformat(change["at"]), zones),
                "reason": change["reason"],
                "elapsed": duration_text(timedelta(seconds=change["elapsed"])),
            }
        )
    for start, end in clock.pauses:
        if end:
            lines.append(
                _("Paused while waiting on the customer from %(start)s to %(end)s (%(length)s).")
                % {
                    "start": when_text(datetime.fromisoformat(start), zones),
                    "end": when_text(datetime.fromisoformat(end), zones),
                    "length": duration_text(datetime.fromisoformat(end) - datetime.fromisoformat(start)),
                }
            )
        else:
            lines.append(
                _("Paused while waiting on the customer since %(start)s.")
                % {
                    "start": when_text(datetime.fromisoformat(start), zones),
                }
            )

    end = clock.due_at or clock.stopped_at or now
    if end > clock.started_at:
        skipped = _holidays_between(built.holidays, clock.started_at, end, zone)
        open_days = {i.weekday for i in calendar.intervals.all()}
        skipped = [day for day in skipped if day.weekday() in open_days]
        if skipped:
            lines.append(
                _("Holidays skipped (closed all day): %(days)s.")
                % {
                    "days": ", ".join(f"{day:%a %d %b %Y}" for day in skipped),
                }
            )
        for change in built.transitions(clock.started_at, end):
            lines.append(
                _("Crossed a clock change on %(when)s (%(before)s → %(after)s); only real elapsed time is counted.")
                % {
                    "when": when_text(change.at, [calendar.timezone, *zones]),
                    "before": _offset_text(change.offset_before),
                    "after": _offset_text(change.offset_after),
                }
            )

    elapsed = clock_elapsed(clock, now=now)
    if clock.state == SlaClock.State.STOPPED:
        lines.append(
            _("Stopped %(when)s (%(why)s) after %(elapsed)s of %(duration)s.")
            % {
                "when": when_text(clock.stopped_at, zones) if clock.stopped_at else "—",
                "why": clock.stopped_reason or "—",
                "elapsed": duration_text(elapsed),
                "duration": duration_text(target),
            }
        )
    elif clock.state == SlaClock.State.PAUSED:
        lines.append(
            _("%(elapsed)s of %(duration)s counted; the rest counts once the customer answers.")
            % {
                "elapsed": duration_text(elapsed),
                "duration": duration_text(target),
            }
        )
    elif clock.due_at:
        lines.append(
            _("%(remaining)s of business time remained from %(since)s, so it is due %(due)s.")
            % {
                "remaining": duration_text(max(target - clock.elapsed_before, timedelta(0))),
                "since": when_text(clock.segment_start or clock.started_at, zones),
                "due": when_text(clock.due_at, zones),
            }
        )
        if clock.warn_at and not clock.breached_at:
            lines.append(
                _("It warns at %(percent)d %%: %(when)s.")
                % {
                    "percent": clock.target_warn_percent,
                    "when": when_text(clock.warn_at, zones),
                }
            )
    if clock.breached_at:
        lines.append(_("Breached %(when)s.") % {"when": when_text(clock.breached_at, zones)})
    return lines


def target_line(*, ticket: Ticket, zone: str) -> str:
    """The target a request is counted against, for the customer: "Premium · High: acknowledged
    within 4 h, 24/7 — by 14:10 your time (Europe/Madrid)"; once acknowledged, when that happened.
    Empty when no acknowledgement target applies."""
    tz = ZoneInfo(zone or "UTC")
    acknowledged_at = getattr(ticket, "acknowledged_at", None)
    if acknowledged_at is not None:
        local = acknowledged_at.astimezone(tz)
        return _("Acknowledged %(when)s your time (%(zone)s).") % {"when": f"{local:%d %b %Y %H:%M}", "zone": zone}
    target = target_for(ticket=ticket, metric=ACK)
    if target is None:
        return ""
    line = _("%(tier)s · %(severity)s: acknowledged within %(duration)s, %(calendar)s") % {
        "tier": target.tier.name,
        "severity": target.severity.name,
        "duration": duration_text(target.duration),
        "calendar": target.calendar.name,
    }
    clock = SlaClock.objects.filter(ticket_id=ticket.pk, metric=ACK).only("due_at", "state").first()
    if clock is not None and clock.due_at is not None:
        local = clock.due_at.astimezone(tz)
        day = "" if local.date() == timezone.now().astimezone(tz).date() else f"{local:%d %b} "
        line += " — " + _("by %(when)s your time (%(zone)s)") % {"when": f"{day}{local:%H:%M}", "zone": zone}
    return line
