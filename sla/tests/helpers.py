"""Small helpers for the SLA tests: local times, clocks and the mail they queued."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from notifications.models import OutboundEmail
from sla.models import SlaClock
from tickets.models import Ticket

CHICAGO = ZoneInfo("America/Chicago")
UTC = ZoneInfo("UTC")


def chicago(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def clock(ticket: Ticket, metric: str = "ack") -> SlaClock:
    return SlaClock.objects.select_related("target_calendar").get(ticket=ticket, metric=metric)


def recipients(prefix: str) -> set[str]:
    return set(OutboundEmail.objects.filter(event_key__startswith=prefix).values_list("recipient", flat=True))


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(CHICAGO) if value else None
