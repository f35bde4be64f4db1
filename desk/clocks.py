"""The queue's view of the SLA acknowledgement clock: urgency order, breached, at risk, time left.

Until the SLA engine stores clocks, urgency falls back to severity, then age,
and no ticket counts as breached or at risk.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tickets.models import Ticket


def breached_q() -> Q:
    return Q(pk__in=[])


def at_risk_q(now: datetime | None = None) -> Q:
    return Q(pk__in=[])


def by_urgency(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.order_by(F("severity_id").asc(nulls_last=True), "created_at", "pk")


def time_left(ticket: Ticket, now: datetime | None = None) -> dict[str, object] | None:
    """What the row shows in its SLA column; None when the ticket has no running clock."""
    due = getattr(ticket, "ack_due_at", None)
    if due is None:
        return None
    now = now or timezone.now()
    left: timedelta = due - now
    breached = getattr(ticket, "ack_breached_at", None) is not None or left <= timedelta(0)
    warn = getattr(ticket, "ack_warn_at", None)
    state = "breached" if breached else ("at-risk" if warn is not None and warn <= now else "ok")
    return {"due": due, "left": abs(left), "state": state, "overdue": left <= timedelta(0)}


def dashboard_figures(*, user: object, now: datetime | None = None) -> dict[str, int | None]:
    """Breaches today and tickets at risk within four hours; None while clocks are not stored."""
    return {"breached_today": None, "at_risk_soon": None}
