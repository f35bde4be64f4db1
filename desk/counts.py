"""The queue's tab counts, kept per agent for the minute and forgotten at any change to a ticket.

Counting the open tickets, each saved view's share and the breached and escalated ones takes three
aggregates on every full load of the queue. The counts change only with a ticket (its status or assignee),
its clock or its timeline (an escalation), and with time (a window passing): so they are kept under a
version bumped on any save of a ticket, a clock or a timeline entry, and under the current minute, which
bounds what time alone changes, and anything a bulk ``update()`` might change unheard, to a minute.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from desk import selectors
from sla.models import SlaClock
from supportdesk.fragments import version_bump, version_of
from tickets.models import Ticket, TicketEvent

VERSION_KEY = "desk:tickets:version"
TIMEOUT = 2 * 60


def queue_counts_kept(*, user: User, now: datetime) -> dict[str, int]:
    """``selectors.queue_counts`` for this agent, from the cache when nothing changed this minute."""
    key = f"desk:queue-counts:{user.pk}:{version_of(VERSION_KEY)}:{now:%Y%m%d%H%M}"
    counts: dict[str, int] | None = cache.get(key)
    if counts is None:
        counts = selectors.queue_counts(user=user, now=now)
        cache.set(key, counts, TIMEOUT)
    return counts


def tickets_changed(**_signal: Any) -> None:
    version_bump(VERSION_KEY)


def connect() -> None:
    """Listen to tickets, their clocks and their timelines (from ``DeskConfig.ready``)."""
    models: tuple[type[Model], ...] = (Ticket, SlaClock, TicketEvent)
    for model in models:
        post_save.connect(tickets_changed, sender=model, dispatch_uid=f"desk-counts-{model.__name__}-save")
        post_delete.connect(tickets_changed, sender=model, dispatch_uid=f"desk-counts-{model.__name__}-delete")
