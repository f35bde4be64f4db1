"""What moves a report's figures bumps its cached version (see ``reports.cache``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from customers.models import TierPeriod
from reports.cache import month_changed
from tickets.models import SatisfactionRating, Ticket, TicketEvent


def _filed_at(instance: Any) -> Any:
    field = type(instance).ticket.field
    if field.is_cached(instance):
        return instance.ticket.created_at
    return None


@receiver(post_save, sender=TicketEvent)
@receiver([post_save, post_delete], sender=SatisfactionRating)
def ticket_figures_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    month_changed(_filed_at(instance))


@receiver(post_delete, sender=Ticket)
@receiver([post_save, post_delete], sender=TierPeriod)
def every_figure_may_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    month_changed(None)
