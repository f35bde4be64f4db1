"""When a notice's mail may go out: alerts at once, warnings in business hours."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Organisation
from notices.models import Notice
from sla.models import Calendar
from sla.selectors import calendar_default

log = logging.getLogger(__name__)


def calendar_of(organisation: Organisation) -> Calendar | None:
    """The organisation's business calendar; the default business hours (a flag in the admin) when it has none."""
    if organisation.calendar_id:
        return organisation.calendar
    return calendar_default()


@dataclass(frozen=True)
class SendTime:
    not_before: datetime | None  # None: at once
    held_reason: str = ""


def send_time(*, organisation: Organisation, kind: str, not_before: datetime | None = None) -> SendTime:
    """Alerts go at once, day or night; a warning waits for the calendar to open.

    ``not_before`` lets an agent schedule mail later still; a warning then waits
    for the first business hours after it.
    """
    now = timezone.now()
    earliest = max(not_before, now) if not_before else now
    if kind == Notice.Kind.ALERT:
        if earliest > now:
            return SendTime(earliest, _("Scheduled by the agent."))
        return SendTime(None)
    calendar = calendar_of(organisation)
    if calendar is None:  # no business hours configured anywhere: never hold mail forever
        return SendTime(earliest if earliest > now else None)
    try:
        opens = calendar.business_calendar(range(earliest.year - 1, earliest.year + 3)).next_open(earliest)
    except ValueError:  # a calendar that never opens would hold the warning forever: send it instead
        log.warning("Calendar %s has no open time; warning for %s sent without waiting.", calendar, organisation)
        return SendTime(earliest if earliest > now else None)
    if opens <= now:
        return SendTime(None)
    local = timezone.localtime(opens, timezone=ZoneInfo(calendar.timezone))
    reason = _("Held for the business hours of “%(calendar)s” until %(when)s.") % {
        "calendar": calendar.name,
        "when": f"{local:%a %d %b %H:%M} {calendar.timezone}",
    }
    return SendTime(opens, reason[:200])
